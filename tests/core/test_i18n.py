"""Every user-facing string is marked for translation, and translated into Spanish."""

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command

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


CATALOGS = sorted(PACKAGE.glob("locale/*/LC_MESSAGES/django.po"))
# What must come through a translation unchanged: Python placeholders (blocktranslate's
# {{ name }} becomes %(name)s), a literal %, and markup.
KEPT = re.compile(r"%\(\w+\)[sdif]|%[sdif%]|<[^>]+>")


def _language(path: Path) -> str:
    return path.parts[-3]


def _read(path: Path):
    with path.open("rb") as po:
        return read_po(po)


def _strings(message) -> tuple[str, ...]:
    """A message's translations: one, or one per plural form for a counted message."""
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _translated(message, plurals: int) -> bool:
    forms = plurals if isinstance(message.id, tuple) else 1
    strings = _strings(message)
    return not message.fuzzy and len(strings) == forms and all(s.strip() for s in strings)


def test_every_language_offered_has_a_catalog(settings):
    offered = sorted(code for code, _name in settings.LANGUAGES if code != "en")
    assert offered == [_language(path) for path in CATALOGS]
    assert "es" in offered


def test_spanish_has_two_plural_forms():
    catalog = _read(PACKAGE / "locale" / "es" / "LC_MESSAGES" / "django.po")
    assert (catalog.num_plurals, catalog.plural_expr) == (2, "(n != 1)")


@pytest.mark.parametrize("path", CATALOGS, ids=_language)
def test_the_catalog_is_whole_and_keeps_placeholders(path):
    catalog = _read(path)
    assert not catalog.fuzzy, "the catalog's header is marked fuzzy: nothing would be compiled"
    assert not catalog.obsolete, "obsolete entries: run `make messages-extract`"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if not _translated(message, catalog.num_plurals):
            problems.append(f"empty or fuzzy: {message.id!r}")
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        for n, translation in enumerate(_strings(message)):
            # Plural forms after the first follow the English plural.
            source = english[min(n, len(english) - 1)]
            if Counter(KEPT.findall(source)) != Counter(KEPT.findall(translation)):
                problems.append(f"placeholders differ: {source!r} -> {translation!r}")
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_finds_a_lost_placeholder():
    english = 'Key: <code id="k">%(secret)s</code> for %(name)s'
    assert Counter(KEPT.findall(english)) != Counter(KEPT.findall("Clave: <code>%(secret)s</code>"))


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext's xgettext is missing (apt-get install gettext): Django's makemessages "
    "needs it to find the marked strings. .ci/run installs it, so CI runs this test.",
)
@pytest.mark.parametrize("path", CATALOGS, ids=_language)
def test_every_marked_string_is_translated(path, tmp_path, settings, monkeypatch):
    """makemessages, run on a copy of the package, brings no new or fuzzy entry to the
    catalog and drops none of its entries: the committed catalog covers exactly the code."""
    copy = tmp_path / "peerwell"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "var"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=[_language(path)],
        no_obsolete=True,
        add_location="file",
        verbosity=0,
    )
    fresh = _read(copy / path.relative_to(PACKAGE))
    missing = [repr(m.id) for m in fresh if m.id and not _translated(m, fresh.num_plurals)]
    assert not missing, (
        f"marked for translation but not translated in {path.relative_to(PACKAGE.parent)} "
        "(run `make messages-extract`, then translate):\n" + "\n".join(missing)
    )
    unused = {(m.context, m.id) for m in _read(path)} - {(m.context, m.id) for m in fresh}
    assert not unused, "no longer marked anywhere (run `make messages-extract`): " + str(unused)


def test_a_choice_is_shown_in_the_language_of_whoever_reads_it():
    # The labels of choices are read once per field (core/models.py); each reading of one
    # still follows the active language.
    from django.utils import translation

    from peerwell.participants.models import Participant
    from peerwell.scheduling.models import Appointment

    record, session = Participant(status="active"), Appointment(modality="phone")
    with translation.override("es"):
        assert (record.get_status_display(), session.get_modality_display()) == (
            "Activo",
            "Teléfono",
        )
    with translation.override("en"):
        assert (record.get_status_display(), session.get_modality_display()) == ("Active", "Phone")
    assert Participant(status="no such status").get_status_display() == "no such status"
