"""Precision and recall of the scope guard, per category and for "any flag".

Labelled sets of realistic note sentences in English and Spanish, written by people who
had not seen the rules (tests/notes/data/README.md says how):
- scope_dev.jsonl: the rules were developed from these (404 sentences);
- scope_dev2.jsonl and scope_dev3.jsonl: more development sets (615 and 277 sentences);
  the rules were tuned on their even ids, and their odd ids were held out and measured once
  before joining development;
- scope_dev4.jsonl and scope_dev5.jsonl: two new writers (400 sentences each), measured
  once unseen, then development data (round four and the classifier);
- scope_dev6.jsonl and scope_dev7.jsonl: two more writers (420 each), measured once unseen,
  then development data (round five);
- scope_dev8.jsonl and scope_dev9.jsonl: two more writers (420 each), measured once unseen,
  then development data for the rules of round six (the classifier is not trained on them);
- scope_plain.jsonl: everyday in-scope sentences (360), for the classifier's calibration;
- scope_test.jsonl to scope_test5.jsonl: never used to write or tune rules (374, 400, 400,
  400 and 400 sentences, five other writers), the honest measure.
"""

import pytest

from tests.notes.scope_eval import Score, evaluate, table

TARGET_ANY, TARGET_CATEGORY = 0.9, 0.85


class _Scores(dict):
    """Scores of each set, evaluated when first asked for."""

    def __missing__(self, name):
        self[name] = evaluate(name)
        return self[name]


@pytest.fixture(scope="module")
def scores():
    return _Scores()


def test_print_precision_and_recall(scores, capsys):
    with capsys.disabled():
        for name in (*DEV_FLOORS, *UNSEEN):
            print("\n" + table(name, scores[name]))
    for name in UNSEEN:
        assert all(s.tp + s.fn > 0 for s in scores[name].values()), f"every category is in {name}"


# Floors for the development sets, a little under what the rules reach on them (any flag,
# per category): a change that loses more on sentences the rules were written from is a
# regression. The held-out halves of scope_dev2 and scope_dev3 were measured once each
# (tests/notes/data/README.md) and are development data since.
DEV_FLOORS = {
    "scope_dev": (0.95, 0.95),
    "scope_dev2": (0.95, 0.9),
    "scope_dev3": (0.95, 0.9),
    "scope_dev4": (0.95, 0.85),
    "scope_dev5": (0.95, 0.85),
    "scope_dev6": (0.95, 0.9),
    "scope_dev7": (0.95, 0.9),
    "scope_dev8": (0.95, 0.85),
    "scope_dev9": (0.95, 0.85),
}


def test_plain_sentences_are_rarely_flagged(scores):
    # scope_plain.jsonl: everyday in-scope sentences, the bulk of real notes; a flag on one
    # is noise a specialist learns to ignore. At most one in a hundred.
    plain = scores["scope_plain"]["any"]
    assert plain.tp == plain.fn == 0
    assert plain.fp <= 360 // 100, plain.misses


@pytest.mark.parametrize("name", DEV_FLOORS)
def test_the_sentences_the_rules_were_written_from_stay_right(scores, name):
    floor_any, floor_category = DEV_FLOORS[name]
    for category, score in scores[name].items():
        floor = floor_any if category == "any" else floor_category
        assert score.precision >= floor and score.recall >= floor, (category, score.misses[:5])


# The sets the rules and the classifier were never written or tuned from. A set that misses
# the target is marked strict: the mark fails as soon as the target is met on it, and must
# then come off.
UNSEEN = {
    "scope_test": pytest.mark.xfail(
        strict=True,
        reason="This writer's set alone misses the target: any-flag precision 0.91 and recall 0.89; "
        "diagnosis 0.84 / 0.84, therapy recall 0.77, medical 0.83 / 0.74.",
    ),
    "scope_test2": pytest.mark.xfail(
        strict=True,
        reason="This writer's set alone misses the target: any-flag precision 0.97 and recall 0.97, "
        "every category at 0.85 or more but medication precision (0.82).",
    ),
    # Written after round four by a writer who saw neither rules nor sets; first measured
    # with round five: any flag 0.98 / 0.95, every category 0.85 or more.
    "scope_test3": None,
    # Written after round five by a fourth writer; first measured with round five (any flag
    # 0.95 / 0.97, medication precision 0.84), again with round six's rules (the same) and
    # with its set-aside rule (medication precision 0.83).
    "scope_test4": pytest.mark.xfail(
        strict=True,
        reason="This writer's set alone misses the target: any-flag precision 0.94 and recall 0.97, "
        "every category at 0.85 or more but medication precision (0.83).",
    ),
    # Written after round six by a fifth writer (integrated primary care, veterans, older
    # adults, promotoras); measured once, blind, with round six as it shipped: any flag
    # 0.93 / 0.95, every category 0.86 or more.
    "scope_test5": None,
}


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=mark or ()) for name, mark in UNSEEN.items()]
)
def test_unseen_sentences_meet_the_target(scores, name):
    test = scores[name]
    assert test["any"].precision >= TARGET_ANY and test["any"].recall >= TARGET_ANY
    for category in ("diagnosis", "medication", "therapy", "medical", "crisis_command"):
        assert test[category].precision >= TARGET_CATEGORY
        assert test[category].recall >= TARGET_CATEGORY


def test_all_unseen_sentences_together_meet_the_target(scores, capsys):
    # Every sentence of every unseen writer, counted as one set: the largest measure there
    # is of sentences the rules were not written from (each writer's set is also held to
    # the target on its own, above). Printed even while it misses.
    pooled = {}
    for category in scores["scope_test"]:
        parts = [scores[name][category] for name in UNSEEN]
        pooled[category] = Score(
            tp=sum(s.tp for s in parts), fp=sum(s.fp for s in parts), fn=sum(s.fn for s in parts)
        )
    with capsys.disabled():
        print("\n" + table(" + ".join(UNSEEN), pooled))
    assert pooled["any"].precision >= TARGET_ANY and pooled["any"].recall >= TARGET_ANY
    for category in ("diagnosis", "medication", "therapy", "medical", "crisis_command"):
        assert pooled[category].precision >= TARGET_CATEGORY, category
        assert pooled[category].recall >= TARGET_CATEGORY, category
