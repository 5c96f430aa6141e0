"""Precision and recall of the scope guard on a labelled set of note sentences."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from peerwell.notes.scope import CATEGORIES, check

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


# scope_dev2.jsonl and scope_dev3.jsonl are split by id (tests/notes/data/README.md): rules
# were tuned on the even ids, the odd ids were held out and measured once.
PARTS = {
    "tuning": lambda item: int(item["id"].rsplit("-", 1)[1]) % 2 == 0,
    "held_out": lambda item: int(item["id"].rsplit("-", 1)[1]) % 2 == 1,
}


def evaluate(name: str, part: str | None = None) -> dict[str, Score]:
    """Scores per category and for "any flag", over DATA/NAME.jsonl (or PART of it)."""
    scores = {category: Score() for category in (*CATEGORIES, "any")}
    for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if part and not PARTS[part](item):
            continue
        expected = set(item["categories"])
        found = {flag.category for flag in check(item["text"])}
        for category in CATEGORIES:
            _count(scores[category], category in expected, category in found, item, found)
        _count(scores["any"], bool(expected), bool(found), item, found)
    return scores


def _count(score: Score, expected: bool, found: bool, item: dict, flags: set) -> None:
    if expected and found:
        score.tp += 1
    elif found:
        score.fp += 1
        score.misses.append(f"FP {item['id']} {sorted(flags)}: {item['text']}")
    elif expected:
        score.fn += 1
        score.misses.append(f"FN {item['id']} {item['categories']}: {item['text']}")


def table(name: str, scores: dict[str, Score]) -> str:
    rows = [f"scope guard on {name}: category        precision  recall   tp  fp  fn"]
    for category, s in scores.items():
        rows.append(
            f"  {category:<28} {s.precision:>9.3f} {s.recall:>7.3f} {s.tp:>4} {s.fp:>3} {s.fn:>3}"
        )
    return "\n".join(rows)
