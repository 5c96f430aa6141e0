"""Precision and recall of the scope guard, per category and for "any flag".

Two labelled sets of realistic note sentences in English and Spanish, written by people
who had not seen the rules (tests/notes/data/README.md says how):
- scope_dev.jsonl: the rules were developed from these (404 sentences);
- scope_test.jsonl: never used to write or tune rules (374 sentences), the honest measure.
"""

import pytest

from tests.notes.scope_eval import evaluate, table

TARGET_ANY, TARGET_CATEGORY = 0.9, 0.85


@pytest.fixture(scope="module")
def scores():
    return {name: evaluate(name) for name in ("scope_dev", "scope_test")}


def test_print_precision_and_recall(scores, capsys):
    with capsys.disabled():
        for name, result in scores.items():
            print("\n" + table(name, result))
    assert all(s.tp + s.fn > 0 for s in scores["scope_test"].values()), (
        "every category is in the set"
    )


def test_the_sentences_the_rules_were_written_from_stay_right(scores):
    for category, score in scores["scope_dev"].items():
        assert score.precision >= 0.95 and score.recall >= 0.95, (category, score.misses[:5])


@pytest.mark.xfail(
    strict=True,
    reason="Target not met yet on unseen sentences (issue 3 stays open): rules tuned on one set of "
    "writers reach any-flag precision 0.89 and recall 0.47 on another. Strict, so this test "
    "fails as soon as the target is met and the mark must come off.",
)
def test_unseen_sentences_meet_the_target(scores):
    test = scores["scope_test"]
    assert test["any"].precision >= TARGET_ANY and test["any"].recall >= TARGET_ANY
    for category in ("diagnosis", "medication", "therapy", "medical", "crisis_command"):
        assert test[category].precision >= TARGET_CATEGORY
        assert test[category].recall >= TARGET_CATEGORY
