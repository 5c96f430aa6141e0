"""The scope guard: flags the parts of a note that step outside non-clinical peer support.

Rules are data: TOML files in `scope_rules/` (one per language, all applied to every note)
plus any an organization adds through PEERWELL_SCOPE_RULES (paths, comma-separated). A
`[[flag]]` rule names a category, why it is out of scope, wording that is in scope, and
regular expressions, which may name shared pieces from the file's `[terms]` table as {NAME}
(and `strong = true` when no allow rule may cancel the flag); an `[[allow]]` rule names in-scope phrasings (the person's own report,
encouraging them to ask their prescriber, a warm handoff) that cancel flags of its
categories in the same sentence. See docs/scope-guard.md.
"""

import re
import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

CATEGORIES = ("diagnosis", "medication", "therapy", "medical", "crisis_command")
RULES_DIR = Path(__file__).resolve().parent / "scope_rules"
TERM = re.compile(r"\{([A-Z_]+)\}")  # a [terms] entry named in a pattern: {MED}
# A sentence ends at . ! ? ; before a space, or at a line break; not after an abbreviation
# ("St. John's Wort", "Dr. Lee", "pt. said") and not inside a number ("0.5 mg").
BOUNDARY = re.compile(r"[.!?;]+(?=\s|$)|\n+")
ABBREVIATIONS = {
    "st",
    "dr",
    "mr",
    "mrs",
    "ms",
    "sr",
    "sra",
    "srta",
    "jr",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "approx",
    "pt",
    "no",
    "dra",
    "lic",
    "aprox",
}


@dataclass(frozen=True)
class Flag:
    category: str
    start: int
    end: int
    text: str
    why: str
    suggestion: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Rule:
    categories: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    why: str
    suggestion: str
    strong: bool = False  # the writer's own voice ("I diagnosed"): no allow rule cancels it


class RulesError(ValueError):
    """A rules file is malformed: the message names the file and the rule."""


def _compile(path: Path) -> tuple[list[_Rule], list[_Rule]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path}: {error}") from error
    terms = data.get("terms", {})

    def expand(pattern: str, where: str) -> str:
        def term(match: re.Match) -> str:
            if match.group(1) not in terms:
                raise RulesError(f"{where}: no term {{{match.group(1)}}} in [terms]")
            return f"(?:{terms[match.group(1)]})"

        return TERM.sub(term, pattern)

    flags, allows = [], []
    for kind, into in (("flag", flags), ("allow", allows)):
        for number, rule in enumerate(data.get(kind, []), start=1):
            where = f"{path.name}, {kind} {number}"
            categories = tuple(rule.get("categories") or [rule.get("category", "")])
            unknown = [c for c in categories if c not in CATEGORIES]
            if unknown or not categories:
                raise RulesError(f"{where}: unknown category {unknown or categories}")
            try:
                patterns = tuple(
                    re.compile(expand(p, where), re.IGNORECASE | re.UNICODE)
                    for p in rule["patterns"]
                )
            except (KeyError, re.error) as error:
                raise RulesError(f"{where}: {error}") from error
            if kind == "flag" and not (rule.get("why") and rule.get("suggest")):
                raise RulesError(f"{where}: a flag rule needs `why` and `suggest`")
            into.append(
                _Rule(
                    categories,
                    patterns,
                    rule.get("why", ""),
                    rule.get("suggest", ""),
                    bool(rule.get("strong", False)),
                )
            )
    return flags, allows


@cache
def _load(paths: tuple[str, ...]) -> tuple[list[_Rule], list[_Rule]]:
    flags, allows = [], []
    for path in paths:
        more_flags, more_allows = _compile(Path(path))
        flags += more_flags
        allows += more_allows
    return flags, allows


def rule_files() -> tuple[str, ...]:
    built_in = sorted(str(p) for p in RULES_DIR.glob("*.toml"))
    extra = [
        p.strip() for p in getattr(settings, "PEERWELL_SCOPE_RULES", "").split(",") if p.strip()
    ]
    return (*built_in, *extra)


def check(text: str) -> list[Flag]:
    """Every out-of-scope span in the text, in order; none for text that stays in scope."""
    flag_rules, allow_rules = _load(rule_files())
    found: list[Flag] = []
    for offset, chunk in sentences(text):
        allowed = {
            category
            for rule in allow_rules
            if any(p.search(chunk) for p in rule.patterns)
            for category in rule.categories
        }
        for rule in flag_rules:
            category = rule.categories[0]
            if category in allowed and not rule.strong:
                continue
            for pattern in rule.patterns:
                match = pattern.search(chunk)
                if match and not _overlaps(
                    found, category, offset + match.start(), offset + match.end()
                ):
                    start, end = offset + match.start(), offset + match.end()
                    found.append(
                        Flag(category, start, end, text[start:end], rule.why, rule.suggestion)
                    )
                    break
    return sorted(found, key=lambda f: (f.start, f.category))


def sentences(text: str):
    """(offset, sentence) pairs, so each flag can point into the original text."""
    start = 0
    for boundary in BOUNDARY.finditer(text):
        last_word = text[start : boundary.start()].rsplit(None, 1)[-1:] or [""]
        if boundary.group().startswith(".") and last_word[0].lower().rstrip(".") in ABBREVIATIONS:
            continue
        if text[start : boundary.end()].strip():
            yield start, text[start : boundary.end()]
        start = boundary.end()
    if text[start:].strip():
        yield start, text[start:]


def _overlaps(found: list[Flag], category: str, start: int, end: int) -> bool:
    return any(f.category == category and f.start < end and start < f.end for f in found)
