"""The scope guard's classifier: what it adds to the rules, what allow rules still clear,
and that the shipped model is the one its training data gives."""

import io
import json
import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command

from peerwell.notes import scope, scope_classifier, scope_train

# Out of scope, in phrasings no rule was written for (made up for this test).
NEW_PHRASINGS = [
    ("Did a round of trauma-focused work with her around the accident.", "therapy"),
    # ("textbook borderline" has had a rule since round six.)
    ("Honestly he gives off strong borderline vibes.", "diagnosis"),
    ("We wouldn't let him walk out of the office until he calmed down.", "crisis_command"),
]


@pytest.mark.parametrize("text, category", NEW_PHRASINGS)
def test_the_classifier_flags_what_no_rule_does(settings, text, category):
    settings.PEERWELL_SCOPE_CLASSIFIER = False
    assert scope.check(text) == []
    settings.PEERWELL_SCOPE_CLASSIFIER = True
    (flag,) = scope.check(text)
    assert flag.category == category
    assert flag.text == text  # one clause: the whole sentence
    english = tomllib.loads((scope.RULES_DIR / "en.toml").read_text(encoding="utf-8"))
    assert (flag.why, flag.suggestion) == (
        english["defaults"][category]["why"],
        english["defaults"][category]["suggest"],
    )


def test_a_classifier_flag_in_spanish_explains_itself_in_spanish():
    text = "Bajale a la mitad la sertralina unos días, le comenté."
    (flag,) = scope.check(text)
    spanish = tomllib.loads((scope.RULES_DIR / "es.toml").read_text(encoding="utf-8"))
    assert flag.category == "medication"
    assert flag.why == spanish["defaults"]["medication"]["why"]


@pytest.mark.parametrize(
    "text, category",
    [
        ("Her therapist is doing EMDR with her for the trauma.", "therapy"),
        ("Her psychiatrist thinks she has bipolar disorder, she said.", "diagnosis"),
    ],
)
def test_an_allow_rule_clears_what_the_classifier_scores_high(text, category):
    model = scope_classifier.model()
    assert model.probabilities(text)[category] >= model.thresholds[category]
    assert scope.check(text) == []


def test_a_classifier_flag_spans_the_clause_no_allow_rule_covers():
    text = (
        "She says her doctor is happy with her, but honestly he gives off strong borderline vibes."
    )
    (flag,) = scope.check(text)
    assert flag.category == "diagnosis"
    assert flag.text == "honestly he gives off strong borderline vibes."


@pytest.mark.parametrize(
    "text",
    [
        "She told me her doctor changed her dose.",
        "Encouraged him to ask his prescriber whether he could lower the dose.",
        "Gave her a naloxone kit and showed her how to use it.",
        "We called 988 together and did a warm handoff to the crisis counselor.",
    ],
)
def test_what_peers_do_stays_clear_with_the_classifier(text):
    assert scope.check(text) == []


def test_every_rules_file_has_default_texts_for_every_category():
    for path in sorted(scope.RULES_DIR.glob("*.toml")):
        defaults = tomllib.loads(path.read_text(encoding="utf-8"))["defaults"]
        assert set(defaults) == set(scope.CATEGORIES), path.name
        assert all(texts["why"] and texts["suggest"] for texts in defaults.values())


def test_the_shipped_model_was_trained_on_the_development_sets():
    model = scope_classifier.model()
    data = json.loads(scope_classifier.MODEL_PATH.read_text(encoding="utf-8"))
    assert data["data_files"] == sorted(p.name for p in scope_train.default_paths())
    assert model.data_sha256 == scope_train.data_sha256(scope_train.default_paths())
    assert set(model.thresholds) == set(scope.CATEGORIES)
    assert model.categories == scope.CATEGORIES


def test_fast_lookup_finds_the_same_features_as_training():
    model = scope_classifier.model()
    for text in ["Pt c/o SOB, told him 2 skip the lasix.", "Le bajé la dosis de sertralina."]:
        expected = {model.index[f] for f in scope_classifier.features(text) if f in model.index}
        assert model.known(text) == expected


def test_features_fold_case_and_accents():
    assert scope_classifier.features("Diagnostiqué") == scope_classifier.features("diagnostique")
    assert "w diagnostique" in scope_classifier.features("DIAGNOSTIQUÉ")


def test_threshold_is_the_most_recall_at_the_precision_floor():
    # From high to low: 9 right, 2 wrong, 1 right; 9/9 at 0.91, 10/12 at 0.7.
    pairs = [(0.99 - i / 100, True) for i in range(9)] + [(0.8, False), (0.75, False), (0.7, True)]
    assert scope_train.threshold(pairs) == 0.91
    assert scope_train.threshold([*pairs, *[(0.6, True)] * 8]) == 0.6  # 18/20

    assert scope_train.threshold([(0.9, False), (0.8, False)]) == 1.0


def test_scope_train_is_deterministic_and_writes_a_model_the_guard_reads(settings, tmp_path):
    pytest.importorskip("sklearn")
    sets = {
        "a.jsonl": [
            ("I told him to stop taking his lithium.", ["medication"]),
            ("We went for a walk and talked about his job.", []),
            ("Pt is clearly bipolar.", ["diagnosis"]),
            ("She shared her goals for the month.", []),
        ],
        "b.jsonl": [
            ("Advised her to skip her lithium tonight.", ["medication"]),
            ("We made a grocery list together.", []),
            ("He is obviously bipolar.", ["diagnosis"]),
            ("He shared his goals for the week.", []),
        ],
    }
    paths = []
    for name, rows in sets.items():
        path = tmp_path / name
        path.write_text(
            "".join(
                json.dumps({"id": f"{name}-{i}", "text": text, "categories": categories}) + "\n"
                for i, (text, categories) in enumerate(rows)
            )
        )
        paths.append(str(path))
    out = tmp_path / "model.json"
    call_command("scope", "train", "--data", *paths, "--out", str(out), stdout=io.StringIO())
    first = out.read_text()
    call_command(
        "scope", "train", "--data", *paths, "--out", str(out), "--check", stdout=io.StringIO()
    )
    assert out.read_text() == first
    settings.PEERWELL_SCOPE_MODEL = str(out)
    model = scope_classifier.model()
    assert model.data_sha256 == scope_train.data_sha256([Path(p) for p in paths])
    assert model.probabilities("told him to stop his lithium")["medication"] > 0.5


@pytest.mark.parametrize(
    "text, categories",
    [
        # The classifier scores these as medication advice; they name no medication.
        ("Told him he can skip the hep C test, he'd be showing symptoms by now.", ["medical"]),
        ("Le recomendé dieta keto para bajarle el azúcar.", ["medical"]),
        # A rule's medication flag stays beside food.
        ("Told her to skip the Seroquel tonight and cut out salt.", ["medical", "medication"]),
    ],
)
def test_the_classifier_does_not_read_food_or_a_test_as_a_medication(text, categories):
    model = scope_classifier.model()
    assert model.probabilities(text.lower())["medication"] >= model.thresholds["medication"]
    assert sorted({flag.category for flag in scope.check(text)}) == categories


def test_an_organization_sets_aside_what_the_classifier_confuses(settings, tmp_path):
    text = "Honestly he gives off strong borderline vibes."
    assert [flag.category for flag in scope.check(text)] == ["diagnosis"]
    ours = tmp_path / "ours.toml"
    ours.write_text("[[set_aside]]\ncategories = [\"diagnosis\"]\npatterns = ['''\\bvibes\\b''']\n")
    settings.PEERWELL_SCOPE_RULES = str(ours)
    assert scope.check(text) == []
    # A rule's flag is not the classifier's: it stays.
    assert [flag.category for flag in scope.check("Textbook borderline vibes.")] == ["diagnosis"]
