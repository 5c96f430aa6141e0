"""Build the scope guard's classifier from labelled sentences: `peerwell scope train`.

    peerwell scope train                 # the development sets, into scope_model/model.json
    peerwell scope train --data a.jsonl b.jsonl --out ours.json
    peerwell scope train --check         # fails if the shipped model is not what training gives

Input: JSON lines {"id", "text", "categories"} (tests/notes/data/README.md). Each file is one
writing style, one writer or one round of writing: thresholds are chosen on files the model
was not trained on, so they say how the model does on a style it has not seen.

1. Features (`scope_classifier.features`): words, word pairs, 3 to 5 letters inside words,
   lowercased without accents; kept when at least two sentences have them.
2. One logistic regression per category (classes weighted by their size), on binary feature
   vectors scaled to length 1.
3. Thresholds: for each file, a model trained on the other files scores it; a sentence's
   score for a category counts only where some clause has no allow rule of that category,
   and in a sentence of several clauses it is at most the best such clause's own score
   (as in the guard). Each category's threshold is the lowest score at which precision over
   all the files' sentences scoring at least that is still 0.9: the most recall it allows,
   but never under 0.5 (MIN_THRESHOLD).
4. The final weights come from all the files; the model records the SHA-256 of the files it
   was trained on.

Training needs scikit-learn (a development dependency); the guard itself only reads the JSON.
Same files, same model: the run is deterministic.
"""

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from peerwell.notes.scope_classifier import MODEL_PATH, Model, features

CATEGORIES = ("diagnosis", "medication", "therapy", "medical", "crisis_command")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "tests" / "notes" / "data"
DEFAULT_FILES = (
    "scope_dev.jsonl",
    "scope_dev2.jsonl",
    "scope_dev3.jsonl",
    "scope_dev4.jsonl",
    "scope_dev5.jsonl",
    "scope_dev6.jsonl",
    "scope_dev7.jsonl",
    "scope_plain.jsonl",
)
MIN_PRECISION = 0.9
# Below 0.5 the model finds a category less likely than not. The labelled sets are mostly
# hard near-misses, not the plain sentences most notes are made of ("Proud of finishing the
# bus pass application."), so a threshold they allow lower than that flags those.
MIN_THRESHOLD = 0.5
MIN_SENTENCES = 2  # a feature seen in one sentence only says nothing about other writers
C = 30.0  # inverse regularization, chosen by cross-style validation on the development sets
DIGITS = 5  # weights are rounded: a smaller file, and the same file on any machine


def default_paths() -> list[Path]:
    return [DEFAULT_DATA / name for name in DEFAULT_FILES]


def read(paths: list[Path]) -> list[dict]:
    """The labelled sentences, each with its file's name as "set", in a fixed order."""
    items = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            item = json.loads(line)
            unknown = set(item["categories"]) - set(CATEGORIES)
            if unknown or not isinstance(item.get("text"), str):
                raise ValueError(f"{path}:{number}: needs a text and known categories")
            items.append({**item, "set": path.stem})
    return sorted(items, key=lambda item: (item["set"], str(item["id"])))


def data_sha256(paths: list[Path]) -> str:
    """A digest of the training files (names and contents), in name order."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fit(items: list[dict], c: float = C) -> dict:
    """Weights per feature and category, as the model file stores them (no thresholds)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    found = [features(item["text"]) for item in items]
    counts: dict[str, int] = {}
    for sentence in found:
        for feature in sentence:
            counts[feature] = counts.get(feature, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_SENTENCES)
    index = {feature: i for i, feature in enumerate(vocabulary)}
    rows, columns, values = [], [], []
    for row, sentence in enumerate(found):
        known = sorted(index[f] for f in sentence if f in index)
        rows += [row] * len(known)
        columns += known
        values += [1 / len(known) ** 0.5] * len(known)
    matrix = csr_matrix((values, (rows, columns)), shape=(len(items), len(vocabulary)))
    weights, intercepts = [], []
    for category in CATEGORIES:
        labels = np.array([category in item["categories"] for item in items])
        if labels.all() or not labels.any():  # nothing to learn: always or never
            weights.append(np.zeros(len(vocabulary)))
            intercepts.append(20.0 if labels.all() else -20.0)
            continue
        regression = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        regression.fit(matrix, labels)
        weights.append(regression.coef_[0])
        intercepts.append(round(float(regression.intercept_[0]), DIGITS))
    table = np.round(np.array(weights).T, DIGITS)
    return {
        "categories": list(CATEGORIES),
        "intercepts": intercepts,
        # Every feature, even one whose weights round to 0: it counts in the scaling.
        "weights": {feature: [float(w) for w in table[i]] for i, feature in enumerate(vocabulary)},
    }


def scores(model: Model, items: list[dict]) -> list[dict[str, float]]:
    """Each item's score per category as the guard would use it: the best over its sentences
    of the model's probability, counting a sentence only where an allow rule of the category
    leaves a clause of it uncovered and no [[set_aside]] rule sets the category aside."""
    from peerwell.notes import scope

    _, allow_rules, set_asides = scope._load(scope.rule_files())
    result = []
    for item in items:
        best = dict.fromkeys(CATEGORIES, 0.0)
        for _, sentence in scope.sentences(item["text"]):
            chunk = scope._lower(sentence)
            breaks, allowed = scope._allowed(allow_rules, chunk, set(CATEGORIES))
            clauses = list(scope._clauses(chunk, breaks))
            for category, p in model.probabilities(chunk).items():
                if scope.set_aside(set_asides, category, chunk):
                    continue
                uncovered = [c for n, c in enumerate(clauses) if (category, n) not in allowed]
                if uncovered and breaks:  # the best uncovered clause must pass on its own too
                    p = min(p, max(model.probabilities(chunk[s:e])[category] for s, e in uncovered))
                if uncovered:
                    best[category] = max(best[category], p)
        result.append(best)
    return result


def threshold(pairs: list[tuple[float, bool]]) -> float:
    """The lowest score at which precision, over the scores at or above it, is still at least
    MIN_PRECISION: the most recall that precision allows (1.0 when no score reaches it), and
    not under MIN_THRESHOLD."""
    chosen, tp, fp = 1.0, 0, 0
    for score, positive in sorted(pairs, key=lambda pair: -pair[0]):
        tp, fp = tp + positive, fp + (not positive)
        if positive and tp / (tp + fp) >= MIN_PRECISION:
            chosen = score
    return round(max(chosen, MIN_THRESHOLD), DIGITS)


def held_out_scores(items: list[dict], c: float = C) -> list[dict[str, float]]:
    """Each item's scores from a model trained on the other files (leave one file out)."""
    result: list[dict[str, float] | None] = [None] * len(items)
    for held in sorted({item["set"] for item in items}):
        train = [item for item in items if item["set"] != held]
        model = Model({**fit(train, c), "thresholds": {}, "data_sha256": ""})
        positions = [i for i, item in enumerate(items) if item["set"] == held]
        for i, found in zip(positions, scores(model, [items[i] for i in positions]), strict=True):
            result[i] = found
    return result  # type: ignore[return-value]


def thresholds(items: list[dict], held_out: list[dict[str, float]]) -> dict[str, float]:
    return {
        category: threshold(
            [
                (s[category], category in item["categories"])
                for item, s in zip(items, held_out, strict=True)
            ]
        )
        for category in CATEGORIES
    }


def train(paths: list[Path], c: float = C) -> dict:
    """The model file's content for the labelled sentences in PATHS (needs two files or more)."""
    items = read(paths)
    if len({item["set"] for item in items}) < 2:
        raise ValueError("training needs two files or more: thresholds are set on unseen files")
    return {
        **fit(items, c),
        "thresholds": thresholds(items, held_out_scores(items, c)),
        "data_files": sorted(path.name for path in paths),
        "data_sha256": data_sha256(paths),
        "c": c,
    }


def dump(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="peerwell scope train", description=__doc__.split("\n")[0]
    )
    add_arguments(parser)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwell.settings")
    import django

    django.setup()
    return run(options.data, options.out, options.check, sys.stdout)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", nargs="+", type=Path, help="JSON lines files (default: the development sets)"
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write")
    parser.add_argument(
        "--check", action="store_true", help="compare with --out instead of writing it"
    )


def run(data: list[Path] | None, out: Path, check: bool, stdout) -> int:
    paths = data or default_paths()
    text = dump(train(paths))
    model = json.loads(text)
    if check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        stdout.write(
            f"{out}: {'matches' if same else 'differs from'} training on {len(paths)} files\n"
        )
        return 0 if same else 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    stdout.write(
        f"wrote {out}: {len(model['weights'])} features, thresholds {model['thresholds']}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
