"""The scope guard: flags the parts of a note that step outside non-clinical peer support.

Rules are data: TOML files in `scope_rules/` (one per language, all applied to every note)
plus any an organization adds through PEERWELL_SCOPE_RULES (paths, comma-separated). A
`[[flag]]` rule names a category, why it is out of scope, wording that is in scope, and
regular expressions, which may name shared pieces from the file's `[terms]` table as {NAME}
(terms may name other terms), and `strong = true` when no allow rule may cancel the flag.
An `[[allow]]` rule names in-scope phrasings (the person's own report, encouraging them to
ask their prescriber, a warm handoff) that cancel flags of its categories in the same
clause of a sentence. Beside the rules, a classifier trained on labelled sentences
(scope_classifier) flags a sentence no rule flagged when it scores past its category's
threshold and an allow rule of that category leaves a clause of it uncovered; such a flag
carries the category's default why and suggestion from the rule files' [defaults]. A
`[[set_aside]]` rule names what the classifier is known to confuse: its flag of the rule's
categories is set aside for a sentence one of the patterns matches (a rule's flag is not).
See docs/scope-guard.md.
"""

import hashlib
import itertools
import re
import tomllib
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from threading import Lock
from typing import NamedTuple

from django.conf import settings

from peerwell.notes import scope_classifier

CATEGORIES = ("diagnosis", "medication", "therapy", "medical", "crisis_command")
RULES_DIR = Path(__file__).resolve().parent / "scope_rules"
TERM = re.compile(r"\{([A-Z_]+)\}")  # a [terms] entry named in a pattern: {MED}
# A sentence ends at . ! ? ; before a space, or at a line break; not after an abbreviation
# ("St. John's Wort", "Dr. Lee", "pt. said") and not inside a number ("0.5 mg").
BOUNDARY = re.compile(r"[.!?;]+(?=\s|$)|\n+")
# Inside a sentence, a new clause starts at these words: an [[allow]] match (the person's own
# report, a clinician's decision) covers only the clause it is in.
CLAUSE_BREAK = re.compile(
    r",?\sso\s(?=(?:I|we|he|she|they|you|it|pt|the|that|then)\b)"
    r"|\s(?:but|then|whereas|although|though|así que|asi que|asi q|pero|entonces|luego)\s|\s[\u2014\u2013]\s",
    re.IGNORECASE,
)
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
    # All the patterns as one: a sentence it does not match is done with this rule in one
    # search (most sentences, for most rules).
    any_pattern: re.Pattern | None = None

    def __post_init__(self):
        sources = [p.pattern for p in self.patterns]
        if (
            sources
            and all(p.flags == self.patterns[0].flags for p in self.patterns)
            and not any(BACKREFERENCE.search(source) for source in sources)
        ):
            joined = "|".join(f"(?:{source})" for source in sources)
            object.__setattr__(self, "any_pattern", re.compile(joined, self.patterns[0].flags))

    def may_match(self, chunk: str) -> bool:
        return self.any_pattern is None or self.any_pattern.search(chunk) is not None


BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")  # numbering that joining patterns would change


class _Rules(NamedTuple):
    flags: list[_Rule]
    allows: list[_Rule]
    set_asides: list[_Rule]


KINDS = ("flag", "allow", "set_aside")


class RulesError(ValueError):
    """A rules file is malformed: the message names the file and the rule."""


def _modified(path: str) -> int | None:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return None  # _compile reports the file


@cache  # per file and version: the built-in files compile once, whatever is added
def _compile(path: Path, modified: int | None = None) -> _Rules:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path}: {error}") from error
    terms = data.get("terms", {})

    def expand(pattern: str, where: str, seen: tuple[str, ...] = ()) -> str:
        # A term may name other terms ({DRUG} inside {MED}); a term that names itself,
        # directly or not, is an error rather than an endless expansion.
        def term(match: re.Match) -> str:
            name = match.group(1)
            if name not in terms:
                raise RulesError(f"{where}: no term {{{name}}} in [terms]")
            if name in seen:
                raise RulesError(f"{where}: term {{{name}}} names itself")
            return f"(?:{expand(terms[name], where, (*seen, name))})"

        return TERM.sub(term, pattern)

    rules = _Rules([], [], [])
    for kind, into in zip(KINDS, rules, strict=True):
        for number, rule in enumerate(data.get(kind, []), start=1):
            where = f"{path.name}, {kind} {number}"
            categories = tuple(rule.get("categories") or [rule.get("category", "")])
            unknown = [c for c in categories if c not in CATEGORIES]
            if unknown or not categories:
                raise RulesError(f"{where}: unknown category {unknown or categories}")
            try:
                patterns = tuple(_compile_pattern(expand(p, where)) for p in rule["patterns"])
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
    return rules


def _compile_pattern(pattern: str) -> re.Pattern:
    """PATTERN, optimized and case-insensitive, to be searched in lowercased text (see check).

    Lowercasing the pattern and the text instead of asking re to ignore case is about twice
    as fast: re's shortcuts for literal characters do not work case-insensitively. A
    pattern that names characters by code (\\x, \\u, \\N) keeps re.IGNORECASE.
    """
    if re.search(r"\\[xuUN]", pattern):
        return re.compile(pattern, re.IGNORECASE)
    try:
        return re.compile(_lowercase(_optimize(pattern)))
    except re.error:
        return re.compile(_lowercase(pattern))  # raises the error as the rule wrote it


def _lowercase(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":  # \W, \S, \B and \D mean something else in lower case
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


def _lower(text: str) -> str:
    """TEXT in lower case, each character still at its place (a few change length)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# A branch of an alternation that is a plain word or phrase, maybe between \b, maybe with
# one optional last letter: "lexapro", "\bmat\b", "pills?".
LITERAL = re.compile(r"(\\b)?([\w' -]+?)(\w\?)?(\\b)?")


def _optimize(pattern: str) -> str:
    """The same regular expression, faster: plain-word branches merged into prefix trees.

    Python's re tries every branch of an alternation at every position, so a rule made of
    word lists ({MED}, "advised|instructed|recommended|...") costs a branch test per word per
    character. As a tree ("a(?:bilify|dderall)|c(?:elexa|oncerta)") a position that starts
    no listed word fails at once. Where several listed words match, the tree prefers the
    longest, then backtracks like the list would: what matches is unchanged, a span may be
    longer. Lookbehinds and groups it does not know are left alone.
    """
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif char == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        elif char == "(":
            end = _group_end(pattern, i)
            head = _group_head(pattern, i)
            if head is None:
                out.append(pattern[i : end + 1])
            else:
                out.append(head + _as_trie(_optimize(pattern[i + len(head) : end])) + ")")
            i = end + 1
        else:
            out.append(char)
            i += 1
    return _as_trie("".join(out))


def _group_head(pattern: str, i: int) -> str | None:
    for head in ("(?:", "(?=", "(?!"):
        if pattern.startswith(head, i):
            return head
    if pattern.startswith("(?", i):
        return None  # lookbehind (fixed width), named group, inline flags: leave as written
    return "("


def _structure(pattern: str, start: int = 0):
    """(index, character, depth) of each ( ) and | of PATTERN from START, outside escapes
    and character classes; depth counts the groups open after the character."""
    depth, i = 0, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = _class_end(pattern, i) - 1
        elif char in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[char]
            yield i, char, depth
        i += 1


def _group_end(pattern: str, i: int) -> int:
    """Index of the ) that closes the group opening at I."""
    for index, char, depth in _structure(pattern, i):
        if char == ")" and depth == 0:
            return index
    raise re.error("missing ), unterminated subpattern")


def _class_end(pattern: str, i: int) -> int:
    """Index just past the ] that closes the character class opening at I."""
    i += 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    if i >= len(pattern):
        raise re.error("unterminated character set")
    return i + 1


def _as_trie(alternation: str) -> str:
    words: dict[tuple[bool, bool], set[str]] = {}
    rest = []
    for branch in _top_level_branches(alternation):
        literal = LITERAL.fullmatch(branch)
        if literal and literal.group(2).strip() == literal.group(2):
            key = (bool(literal.group(1)), bool(literal.group(4)))
            word = literal.group(2).lower()
            words.setdefault(key, set()).add(word)
            if literal.group(3):
                words[key].add(word + literal.group(3)[0].lower())
        else:
            rest.append(branch)
    if sum(len(group) for group in words.values()) < 4:
        return alternation
    trees = [
        ("\\b" if lead else "") + _tree(sorted(group)) + ("\\b" if trail else "")
        for (lead, trail), group in sorted(words.items())
    ]
    return "|".join(trees + rest)


def _tree(words: list[str]) -> str:
    if words == [""]:
        return ""
    optional = "" in words
    by_first: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(first) + _tree(tails) for first, tails in by_first.items()]
    body = branches[0] if len(branches) == 1 and not optional else f"(?:{'|'.join(branches)})"
    return f"{body}?" if optional else body


def _top_level_branches(pattern: str) -> list[str]:
    """PATTERN split at each | that is outside parentheses and character classes."""
    branches, start = [], 0
    for index, char, depth in _structure(pattern):
        if char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
    branches.append(pattern[start:])
    return branches


@cache
def _load(paths: tuple[str, ...]) -> _Rules:
    rules = _Rules([], [], [])
    for path in paths:
        for into, more in zip(rules, _compile(Path(path), _modified(path)), strict=True):
            into += more
    return rules


def rule_files() -> tuple[str, ...]:
    built_in = sorted(str(p) for p in RULES_DIR.glob("*.toml"))
    extra = [
        p.strip() for p in getattr(settings, "PEERWELL_SCOPE_RULES", "").split(",") if p.strip()
    ]
    return (*built_in, *extra)


def check(text: str) -> list[Flag]:
    """Every out-of-scope span in the text, in order; none for text that stays in scope."""
    files = rule_files()
    lowered = _lower(text)
    found = []
    for offset, original in sentences(text):
        for category, start, end, rule in _check_sentence(
            files, lowered[offset : offset + len(original)]
        ):
            start, end = offset + start, offset + end
            found.append(Flag(category, start, end, text[start:end], rule.why, rule.suggestion))
    return sorted(found, key=lambda f: (f.start, f.category))


# The guard runs on every autosave, where all but a sentence or two are unchanged: results
# are kept per sentence, under a digest of it (no note text is kept), for the last few
# thousand sentences.
_SEEN: OrderedDict[tuple[tuple, bytes], tuple] = OrderedDict()
_SEEN_SIZE = 4096
_SEEN_LOCK = Lock()


def _check_sentence(files: tuple[str, ...], chunk: str) -> tuple:
    """(category, start, end, rule) for each flag in one lowercased sentence."""
    classifier = _classifier()
    key = (
        (files, classifier.key if classifier else None),
        hashlib.blake2b(chunk.encode(), digest_size=16).digest(),
    )
    with _SEEN_LOCK:
        if key in _SEEN:
            _SEEN.move_to_end(key)
            return _SEEN[key]
    flag_rules, allow_rules, set_asides = _load(files)
    # Most sentences match no flag pattern: try those first (one call in C each) and look
    # at allow rules only for the categories of what matched.
    candidates = [
        (rule, pattern, match)
        for rule in flag_rules
        if rule.may_match(chunk)
        for pattern in rule.patterns
        if (match := pattern.search(chunk))
    ]
    scored = [
        (category, p)
        for category, p in (classifier.passing(chunk) if classifier else [])
        if not set_aside(set_asides, category, chunk)
    ]
    needed = {rule.categories[0] for rule, _, _ in candidates if not rule.strong}
    needed.update(category for category, _ in scored)
    breaks, allowed = _allowed(allow_rules, chunk, needed)
    found: list[tuple[str, int, int, _Rule]] = []
    done: set[int] = set()  # rules that flagged already: one flag per rule and sentence
    for rule, pattern, match in candidates:
        category = rule.categories[0]
        if id(rule) in done:
            continue
        if not rule.strong and (category, bisect_right(breaks, match.start())) in allowed:
            match = next(
                (
                    m
                    for m in pattern.finditer(chunk, match.end())
                    if (category, bisect_right(breaks, m.start())) not in allowed
                ),
                None,
            )
            if match is None:
                continue
        if not any(c == category and s < match.end() and match.start() < e for c, s, e, _ in found):
            found.append((category, match.start(), match.end(), rule))
            done.add(id(rule))
    # The classifier speaks where no rule did, and like a rule it gives way to an allow rule
    # of its category: it flags a clause no allow rule covers, the one it scores highest,
    # if that clause alone still reaches the threshold (scope_train.scores does the same).
    ruled = {category for category, _, _, _ in found}
    for category, _ in scored:
        if category in ruled:
            continue
        span = _best_clause(classifier, category, chunk, breaks, allowed)
        if span:
            found.append((category, *span, _default_rule(files, category, chunk)))
    result = tuple(found)
    with _SEEN_LOCK:
        _SEEN[key] = result
        while len(_SEEN) > _SEEN_SIZE:
            _SEEN.popitem(last=False)
    return result


def set_aside(set_asides: list[_Rule], category: str, chunk: str) -> bool:
    """Whether a [[set_aside]] rule sets aside the classifier's CATEGORY flag on CHUNK."""
    return any(
        category in rule.categories and any(p.search(chunk) for p in rule.patterns)
        for rule in set_asides
    )


def _classifier() -> scope_classifier.Model | None:
    if not getattr(settings, "PEERWELL_SCOPE_CLASSIFIER", True):
        return None
    return scope_classifier.model()


def _best_clause(
    classifier: scope_classifier.Model, category: str, chunk: str, breaks: list, allowed: set
) -> tuple[int, int] | None:
    """(start, end) of the clause of CHUNK that no allow rule of CATEGORY covers and the
    classifier scores highest, if it reaches the threshold; the sentence scored already."""
    clauses = [
        (start, end)
        for number, (start, end) in enumerate(_clauses(chunk, breaks))
        if (category, number) not in allowed
    ]
    if len(clauses) == 1 and not breaks:
        return clauses[0]
    scored = [(classifier.probabilities(chunk[s:e])[category], (s, e)) for s, e in clauses]
    best = max(scored, default=None)
    return best[1] if best and best[0] >= classifier.thresholds[category] else None


def _allowed(allow_rules: list[_Rule], chunk: str, categories: set[str]) -> tuple[list, set]:
    """Where CHUNK's clauses start, and (category, clause number) for each clause that an
    allow rule of one of CATEGORIES covers."""
    # An allow rule speaks for its own clause only: in "she says she feels fine, so I
    # told her she can stop the lithium" her report does not cover my advice.
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(chunk)] if categories else []
    allowed = {
        (category, bisect_right(breaks, match.start()))
        for rule in allow_rules
        if categories.intersection(rule.categories) and rule.may_match(chunk)
        for pattern in rule.patterns
        for match in pattern.finditer(chunk)
        for category in rule.categories
    }
    return breaks, allowed


def _clauses(chunk: str, breaks: list[int]):
    """(start, end) of each clause, numbered as bisect_right numbers them, without the
    word that opens it ("but", "pero") or the spaces around it."""
    edges = [0, *breaks, len(chunk)]
    for start, end in itertools.pairwise(edges):
        opening = CLAUSE_OPENING.match(chunk, start, end)
        start = opening.end() if opening else start
        yield start, start + len(chunk[start:end].rstrip())


CLAUSE_OPENING = re.compile(
    r"[\s,\u2014\u2013]*(?:(?:so|but|then|whereas|although|though|así que|asi que|asi q|pero|entonces|luego)\s+)?"
)


# Common words that the other language lacks (or nearly: "a", "de", "no" are left out).
SPANISH = frozenset(
    {"que", "el", "la", "los", "las", "del", "le", "les", "se", "su", "sus", "por", "para"}
    | {"con", "una", "es", "está", "estaba", "muy", "pero", "y", "dijo", "dije"}
)
ENGLISH = frozenset(
    {"the", "and", "to", "of", "he", "she", "her", "his", "him", "they", "them", "with", "for"}
    | {"is", "was", "i", "on", "at", "my", "said", "told"}
)


def _default_rule(files: tuple[str, ...], category: str, chunk: str) -> _Rule:
    """The category's standard why and suggestion, in the sentence's language (guessed from
    its commonest words: Spanish only when it has more Spanish than English ones)."""
    words = chunk.split()
    spanish = sum(w in SPANISH for w in words) > sum(w in ENGLISH for w in words)
    defaults = _defaults(files)
    return defaults.get(("es" if spanish else "en", category)) or defaults[("en", category)]


@cache
def _defaults(files: tuple[str, ...]) -> dict[tuple[str, str], _Rule]:
    found = {}
    for path in files:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        language = data.get("language", Path(path).stem)
        for category, texts in data.get("defaults", {}).items():
            found[(language, category)] = _Rule((category,), (), texts["why"], texts["suggest"])
    return found


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
