"""Every user-facing string in a template is marked for translation (Spanish follows)."""

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "peerwell"
TEMPLATES = sorted(p for p in PACKAGE.rglob("templates/**/*") if p.suffix in {".html", ".txt"})
NOT_TRANSLATED = {"Peerwell"}  # the product's name

BLOCKS = re.compile(r"{% blocktranslate.*?{% endblocktranslate %}|{#.*?#}", re.S)
TAGS = re.compile(r"{%.*?%}|{{.*?}}", re.S)
HTML = re.compile(r"<!doctype[^>]*>|<script.*?</script>|<[^>]+>", re.S | re.I)
ATTRIBUTES = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"]*)"')


def untranslated_words(source: str) -> set[str]:
    """Words of a template that a translator would never see."""
    source = BLOCKS.sub(" ", source)
    attributes = [TAGS.sub("", value) for value in ATTRIBUTES.findall(source)]
    text = HTML.sub(" ", TAGS.sub(" ", source))
    return set(re.findall(r"[A-Za-z][A-Za-z'-]+", " ".join([text, *attributes]))) - NOT_TRANSLATED


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_template_text_is_marked_for_translation(path):
    words = untranslated_words(path.read_text())
    assert not words, f"untranslated text in {path.name}: {sorted(words)}"


def test_the_check_finds_untranslated_text():
    sample = (
        '<p title="Raw title">{% translate "Fine" %} Forgotten words {{ value }}</p>'
        "<img alt=\"{% translate 'Fine' %}\">{% blocktranslate %}Also fine{% endblocktranslate %}"
    )
    assert untranslated_words(sample) == {"Forgotten", "words", "Raw", "title"}
