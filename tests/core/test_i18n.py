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


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_template_text_is_marked_for_translation(path):
    source = BLOCKS.sub(" ", path.read_text())
    attributes = [TAGS.sub("", value) for value in ATTRIBUTES.findall(source)]
    text = HTML.sub(" ", TAGS.sub(" ", source))
    words = set(re.findall(r"[A-Za-z][A-Za-z'-]+", " ".join([text, *attributes])))
    assert words <= NOT_TRANSLATED, f"untranslated text in {path.name}: {sorted(words)}"


def test_the_check_finds_untranslated_text(tmp_path):
    sample = '<p>{% translate "Fine" %} Forgotten words</p><img alt="Raw">'
    source = BLOCKS.sub(" ", sample)
    words = set(re.findall(r"[A-Za-z][A-Za-z'-]+", HTML.sub(" ", TAGS.sub(" ", source))))
    words |= set(re.findall(r"[A-Za-z]+", " ".join(ATTRIBUTES.findall(source))))
    assert words == {"Forgotten", "words", "Raw"}
