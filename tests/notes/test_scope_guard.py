"""The scope guard: what it flags, what it leaves alone, its rule files and batch command."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peerwell.notes import scope


@pytest.mark.parametrize(
    "text, category, span",
    [
        (
            "We talked about work. I told her to stop taking her Seroquel.",
            "medication",
            "told her to stop taking her Seroquel",
        ),
        ("Pt is clearly bipolar.", "diagnosis", "is clearly bipolar"),
        ("Conducted a CBT session on cognitive distortions.", "therapy", "Conducted a CBT"),
        (
            "His blood pressure looked high but I said it's fine.",
            "medical",
            "blood pressure looked high",
        ),
        ("I restrained him until staff arrived.", "crisis_command", "restrained"),
        (
            "Le dije que dejara de tomar su medicamento.",
            "medication",
            "Le dije que dejara de tomar su medicamento",
        ),
        ("SPS recommended pt start taking St. John's Wort with her Lexapro.", "medication", None),
    ],
)
def test_out_of_scope_spans_are_flagged_where_they_are(text, category, span):
    flags = scope.check(text)
    assert category in {f.category for f in flags}
    flag = next(f for f in flags if f.category == category)
    assert text[flag.start : flag.end] == flag.text
    if span:
        assert flag.text == span
    assert flag.why and flag.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "She shared that her psychiatrist diagnosed her with bipolar disorder last year.",
        "He says he takes Suboxone daily and it helps.",
        "Encouraged him to ask his prescriber about the side effects of his dose.",
        "We practiced the 5-4-3-2-1 grounding exercise and she rated her mood 6/10.",
        "Gave naloxone training and fentanyl test strips; reviewed never using alone.",
        "We called 988 together and I stayed until the mobile crisis team arrived.",
        "She is on hold with the housing office.",
        "I shared how therapy helped me in my own recovery.",
        "La participante comentó que su psiquiatra le diagnosticó depresión.",
        "Practicamos la respiración profunda y llamamos juntos a la línea 988.",
        "He restrained himself from drinking at the party.",
        "Stopped by the pharmacy with him to pick up his prescription.",
    ],
)
def test_what_peers_do_is_not_flagged(text):
    assert scope.check(text) == []


def test_sentences_split_without_breaking_abbreviations_or_numbers():
    text = "Dr. Lee said 0.5 mg is fine. St. John's Wort came up; we moved on\nNext line"
    parts = [part.strip() for _, part in scope.sentences(text)]
    assert parts == [
        "Dr. Lee said 0.5 mg is fine.",
        "St. John's Wort came up;",
        "we moved on",
        "Next line",
    ]


def test_an_organization_adds_its_own_rules(settings, tmp_path):
    extra = tmp_path / "ours.toml"
    extra.write_text(
        '[[flag]]\ncategory = "medical"\nwhy = "Program rule"\nsuggest = "Ask the nurse"\n'
        "patterns = ['''\\bblood draw\\b''']\n"
    )
    assert scope.check("Helped with a blood draw.") == []
    settings.PEERWELL_SCOPE_RULES = str(extra)
    (flag,) = scope.check("Helped with a blood draw.")
    assert (flag.category, flag.why) == ("medical", "Program rule")


@pytest.mark.parametrize(
    "body, message",
    [
        (
            '[[flag]]\ncategory = "wizardry"\nwhy = "x"\nsuggest = "y"\npatterns = [\'a\']',
            "unknown category",
        ),
        ("[[flag]]\ncategory = \"medical\"\npatterns = ['a']", "needs `why` and `suggest`"),
        ('[[flag]]\ncategory = "medical"\nwhy = "x"\nsuggest = "y"\npatterns = [\'(\']', "flag 1"),
        (
            '[[flag]]\ncategory = "medical"\nwhy = "x"\nsuggest = "y"\npatterns = [\'{NOPE}\']',
            "no term {NOPE}",
        ),
        ("this is = not toml [", "ours.toml"),
    ],
)
def test_a_broken_rules_file_is_named_with_the_rule(settings, tmp_path, body, message):
    extra = tmp_path / "ours.toml"
    extra.write_text(body)
    settings.PEERWELL_SCOPE_RULES = str(extra)
    with pytest.raises(scope.RulesError, match=message.replace("{", r"\{").replace("}", r"\}")):
        scope.check("anything")


def test_scope_check_reads_and_writes_json_lines(tmp_path):
    source = tmp_path / "notes.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "Advised pt to double his lithium."})
        + "\n"
        + json.dumps({"id": 7, "text": "Practicamos journaling."})
        + "\n"
    )
    out = io.StringIO()
    call_command("scope", "check", str(source), stdout=out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["id"] == "a"
    (flag,) = first["flags"]
    assert set(flag) == {"category", "start", "end", "text", "why"}
    assert flag["category"] == "medication"
    assert "Advised pt to double his lithium."[flag["start"] : flag["end"]] == flag["text"]
    assert second == {"id": 7, "flags": []}


def test_scope_check_reports_bad_lines_and_fails(tmp_path):
    source = tmp_path / "notes.jsonl"
    source.write_text('{"id": 1, "text": "fine"}\nnot json\n{"id": 2}\n')
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 line"):
        call_command("scope", "check", str(source), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line.get("error") is not None for line in lines] == [False, True, True]
