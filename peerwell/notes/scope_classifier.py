"""The scope guard's learned half: a small linear classifier per category, one sentence at a time.

Rules give a span and a reason but miss phrasings nobody wrote down; this model, trained on
the labelled development sentences (`peerwell.notes.scope_train` builds it), scores a
sentence for each category from its words and the letter sequences inside them, so it still
sees "d/c'd his lithium" or "le bajé la dosis" in a style no rule was written from. See
docs/scope-guard.md for how `scope.check` combines the two.

The model is plain data (`scope_model/model.json`: features, weights, thresholds, and the
digest of the sentences it was trained on), scored here in pure Python: no pickle and no
numerical library at run time. It is read once per process, at the first sentence scored;
PEERWELL_SCOPE_MODEL names another model file (one an organization trained).
"""

import itertools
import json
import math
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings

MODEL_PATH = Path(__file__).resolve().parent / "scope_model" / "model.json"
WORD = re.compile(r"[a-z0-9]+")
CHAR_SIZES = (3, 4, 5)
_KEYS = itertools.count()


def fold(text: str) -> str:
    """TEXT lowercased with accents taken off: "Diagnostiqué" and "diagnostique" are one word."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def features(text: str) -> set[str]:
    """The features of one sentence: words, pairs of words, and 3 to 5 letters inside words.

    Letter sequences carry the model across typos, abbreviations and inflections
    ("prescrib", "diagnost", "bajara"/"bajar"); word pairs carry a little order ("told her",
    "her doctor").
    """
    words = WORD.findall(fold(text))
    found = {f"b {a} {b}" for a, b in itertools.pairwise(words)}
    for word in words:
        found.update(_word_features(word))
    return found


@lru_cache(maxsize=65536)  # words repeat: most of a note's words were seen in other notes
def _word_features(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    return (
        f"w {word}",
        *(f"c{padded[i : i + size]}" for size in CHAR_SIZES for i in range(len(padded) - size + 1)),
    )


class Model:
    """Weights per feature and category, read from the JSON that scope_train writes."""

    def __init__(self, data: dict):
        self.categories: tuple[str, ...] = tuple(data["categories"])
        self.intercepts: tuple[float, ...] = tuple(data["intercepts"])
        self.thresholds: dict[str, float] = data["thresholds"]
        self.data_sha256: str = data["data_sha256"]
        self.key = next(_KEYS)  # results kept for one model are not another's
        self.index = {feature: i for i, feature in enumerate(data["weights"])}
        self.rows = [tuple(row) for row in data["weights"].values()]
        self._word_ids: dict[str, frozenset[int]] = {}

    def known(self, text: str) -> set[int]:
        """The numbers of TEXT's features that the model has weights for.

        The same as looking up each of `features(text)`, faster: a word's letter sequences
        are looked up once per process.
        """
        words = WORD.findall(fold(text))
        index, word_ids = self.index, self._word_ids
        found = {
            i for a, b in itertools.pairwise(words) if (i := index.get(f"b {a} {b}")) is not None
        }
        for word in words:
            ids = word_ids.get(word)
            if ids is None:
                ids = frozenset(i for f in _word_features(word) if (i := index.get(f)) is not None)
                if len(word_ids) < 65536:
                    word_ids[word] = ids
            found |= ids
        return found

    def probabilities(self, text: str) -> dict[str, float]:
        """Probability of each category for one sentence (TEXT in any case)."""
        rows = [self.rows[i] for i in self.known(text)]
        totals = [sum(column) for column in zip(*rows, strict=True)] if rows else None
        # The training vectors were binary and scaled to length 1 over known features.
        scale = 1 / math.sqrt(len(rows)) if rows else 0.0
        return {
            category: 1 / (1 + math.exp(-(intercept + scale * (totals[i] if totals else 0.0))))
            for i, (category, intercept) in enumerate(
                zip(self.categories, self.intercepts, strict=True)
            )
        }

    def passing(self, text: str) -> list[tuple[str, float]]:
        """(category, probability) for each category whose threshold TEXT reaches."""
        return [
            (category, p)
            for category, p in self.probabilities(text).items()
            if p >= self.thresholds[category]
        ]


def model() -> Model | None:
    """The model in use (PEERWELL_SCOPE_MODEL, or the shipped one), read at first use."""
    return load(getattr(settings, "PEERWELL_SCOPE_MODEL", "") or str(MODEL_PATH))


@cache  # once per process and file
def load(path: str) -> Model | None:
    """The model in the file at PATH; None when there is no such file (rules only)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Model(data)
