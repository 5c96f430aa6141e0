"""Matching: documented weights, plain reasons, a deterministic order."""

from peerwell.matching import rules
from peerwell.matching.rules import WEIGHTS, Candidate, Preferences

LABELS = rules.Labels(
    experience={"veteran": "veteran", "parent": "parent", "substance_use": "substance use recovery"}
)
EVENINGS = frozenset((day, hour) for day in range(5) for hour in (18, 19, 20))
MORNINGS = frozenset((day, hour) for day in range(5) for hour in (9, 10))


def candidate(id, name, **fields):
    return Candidate(id=id, name=name, capacity=10, **fields)


def test_the_reasons_say_what_is_shared_in_plain_words():
    wanted = Preferences(
        shared_experiences=frozenset({"veteran"}),
        language="Spanish",
        preferred_times=frozenset({"evening"}),
    )
    peer = candidate(
        1,
        "Ana",
        lived_experience=frozenset({"veteran"}),
        languages=("English", "Spanish"),
        weekly_hours=EVENINGS,
        caseload=8,
    )
    match = rules.score(wanted, peer, LABELS)
    assert match.explanation == "shares: veteran, Spanish; evenings free"
    expected = WEIGHTS["shared_experience"] + WEIGHTS["language"] + WEIGHTS["time_of_day"]
    assert match.score == round(expected + rules.ROOM_POINTS * 0.2, 3)


def test_more_in_common_ranks_higher_and_room_breaks_near_ties():
    wanted = Preferences(
        shared_experiences=frozenset({"veteran", "parent"}),
        recovery_pathway="substance_use",
        modalities=frozenset({"video"}),
    )
    both = candidate(1, "Zed", lived_experience=frozenset({"veteran", "parent"}), caseload=9)
    one = candidate(2, "Amy", lived_experience=frozenset({"veteran"}), caseload=0)
    pathway = candidate(
        3,
        "Bo",
        lived_experience=frozenset({"co_occurring"}),
        modalities=frozenset({"video"}),
        caseload=6,
    )
    nothing = candidate(4, "Cy", caseload=0)
    ranked = rules.rank(wanted, [nothing, one, pathway, both], LABELS)
    assert [m.candidate.name for m in ranked] == ["Zed", "Bo", "Amy", "Cy"]
    assert ranked[1].explanation == "shares: substance use recovery; meets by: video"
    assert ranked[3].explanation == "has room for new participants"


def test_the_order_is_deterministic_for_equal_scores():
    peers = [
        candidate(3, "b", caseload=2),
        candidate(1, "B", caseload=2),
        candidate(2, "a", caseload=2),
    ]
    first = rules.rank(Preferences(), peers, LABELS)
    again = rules.rank(Preferences(), list(reversed(peers)), LABELS)
    assert [m.candidate.id for m in first] == [m.candidate.id for m in again] == [2, 1, 3]


def test_a_part_of_the_day_is_free_with_two_hours_of_it_a_week():
    assert rules.free_day_parts(MORNINGS) == {"morning"}
    assert rules.free_day_parts({(0, 9)}) == set()
    assert rules.free_day_parts({(0, 9), (3, 11), (2, 17)}) == {"morning"}


def test_gender_age_and_support_areas_count():
    wanted = Preferences(
        gender="woman", age_range="over_50", support_wanted=frozenset({"housing", "work"})
    )
    peer = candidate(
        1,
        "Di",
        gender="woman",
        age_range="over_50",
        specializations=frozenset({"housing"}),
        caseload=10,
    )
    match = rules.score(wanted, peer, rules.Labels(support={"housing": "housing"}))
    assert match.score == WEIGHTS["gender"] + WEIGHTS["age_range"] + WEIGHTS["support_area"]
    assert match.explanation == "helps with: housing"
