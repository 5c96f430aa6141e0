"""Precision and recall of the scope guard, per category and for "any flag".

Labelled sets of realistic note sentences in English and Spanish, written by people who
had not seen the rules (tests/notes/data/README.md says how):
- scope_dev.jsonl: the rules were developed from these (404 sentences);
- scope_dev2.jsonl and scope_dev3.jsonl: more development sets (615 and 277 sentences);
  the rules were tuned on their even ids, and their odd ids were held out and measured once
  before joining development;
- scope_test.jsonl: never used to write or tune rules (374 sentences), the honest measure.
"""

import pytest

from tests.notes.scope_eval import evaluate, table

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
        for name in (*DEV_FLOORS, "scope_test"):
            print("\n" + table(name, scores[name]))
    assert all(s.tp + s.fn > 0 for s in scores["scope_test"].values()), (
        "every category is in the set"
    )


# Floors for the development sets, a little under what the rules reach on them (any flag,
# per category): a change that loses more on sentences the rules were written from is a
# regression. The held-out halves of scope_dev2 and scope_dev3 were measured once each
# (tests/notes/data/README.md) and are development data since.
DEV_FLOORS = {"scope_dev": (0.95, 0.95), "scope_dev2": (0.95, 0.9), "scope_dev3": (0.95, 0.9)}


@pytest.mark.parametrize("name", DEV_FLOORS)
def test_the_sentences_the_rules_were_written_from_stay_right(scores, name):
    floor_any, floor_category = DEV_FLOORS[name]
    for category, score in scores[name].items():
        floor = floor_any if category == "any" else floor_category
        assert score.precision >= floor and score.recall >= floor, (category, score.misses[:5])


@pytest.mark.xfail(
    strict=True,
    reason="Target not met yet on unseen sentences (issue 3 stays open): rules and a classifier "
    "trained on other writers reach any-flag precision 0.89 and recall 0.85, per category "
    "precision 0.77-0.94 and recall 0.70-0.93, on another writer's. Strict, so this test "
    "fails as soon as the target is met and the mark must come off.",
)
def test_unseen_sentences_meet_the_target(scores):
    test = scores["scope_test"]
    assert test["any"].precision >= TARGET_ANY and test["any"].recall >= TARGET_ANY
    for category in ("diagnosis", "medication", "therapy", "medical", "crisis_command"):
        assert test[category].precision >= TARGET_CATEGORY
        assert test[category].recall >= TARGET_CATEGORY
