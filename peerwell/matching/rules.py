"""Ranking peer specialists for a participant, with reasons in plain words.

Pure and deterministic: the same preferences and specialists always give the same order.
Each thing the participant asked for that a specialist shares adds points (WEIGHTS); room
on the caseload adds up to ROOM_POINTS, so a peer with time to give comes first among
equals. Ties go to the smaller caseload, then to the name, then to the id. What the
participant did not ask about adds nothing, and nobody is left out for it: matching ranks,
the directory's filters exclude. docs/matching.md explains the weights.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

WEIGHTS = {
    "language": 4,  # speaks the language the participant asked for
    "recovery_pathway": 3,  # shares the participant's recovery pathway
    "shared_experience": 3,  # each shared experience asked for (veteran, parent...)
    "gender": 2,
    "modality": 2,  # meets in a way the participant wants (video, phone, in person)
    "time_of_day": 2,  # each preferred part of the day with weekly hours free in it
    "support_area": 1,  # each thing they want support with that the peer specializes in
    "age_range": 1,
}
ROOM_POINTS = 2  # times the share of the caseload still free
# A part of the day counts as free when the weekly hours cover at least this many hours of
# it, in the participant's zone.
HOURS_FOR_FREE = 2
DAY_PARTS = {"morning": range(6, 12), "afternoon": range(12, 17), "evening": range(17, 22)}
DAY_PART_FREE = {
    "morning": _("mornings free"),
    "afternoon": _("afternoons free"),
    "evening": _("evenings free"),
}


@dataclass(frozen=True)
class Preferences:
    shared_experiences: frozenset[str] = frozenset()
    recovery_pathway: str = ""
    language: str = ""
    support_wanted: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    preferred_times: frozenset[str] = frozenset()
    gender: str = ""
    age_range: str = ""


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    lived_experience: frozenset[str] = frozenset()
    languages: tuple[str, ...] = ()
    specializations: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    gender: str = ""
    age_range: str = ""
    caseload: int = 0
    capacity: int = 1
    weekly_hours: frozenset[tuple[int, int]] = frozenset()  # (weekday, hour), viewer's zone


@dataclass(frozen=True)
class Labels:
    """Words for codes in reasons, per vocabulary (a code may mean different things)."""

    experience: dict = field(default_factory=dict)
    support: dict = field(default_factory=dict)
    modality: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float
    reasons: tuple[str, ...] = field(default=())

    @property
    def explanation(self) -> str:
        return "; ".join(str(reason) for reason in self.reasons)


def _shares_pathway(pathway: str, lived: frozenset[str]) -> bool:
    if pathway == "co_occurring":
        return "co_occurring" in lived or {"mental_health", "substance_use"} <= lived
    return pathway in lived or (bool(pathway) and "co_occurring" in lived)


def free_day_parts(weekly_hours: Iterable[tuple[int, int]]) -> set[str]:
    hours = [hour for _day, hour in weekly_hours]
    return {
        part
        for part, span in DAY_PARTS.items()
        if sum(1 for hour in hours if hour in span) >= HOURS_FOR_FREE
    }


def score(preferences: Preferences, candidate: Candidate, labels: Labels) -> Match:
    """Points and reasons for one specialist, with codes put in words by `labels`."""
    points = 0.0
    shares: list[str] = []
    reasons: list = []
    if preferences.recovery_pathway and _shares_pathway(
        preferences.recovery_pathway, candidate.lived_experience
    ):
        points += WEIGHTS["recovery_pathway"]
        pathway = preferences.recovery_pathway
        shares.append(labels.experience.get(pathway, pathway))
    for code in sorted(preferences.shared_experiences & candidate.lived_experience):
        points += WEIGHTS["shared_experience"]
        shares.append(labels.experience.get(code, code))
    spoken = {language.casefold() for language in candidate.languages}
    if preferences.language and preferences.language.casefold() in spoken:
        points += WEIGHTS["language"]
        shares.append(preferences.language)
    if preferences.gender and preferences.gender == candidate.gender:
        points += WEIGHTS["gender"]
    if preferences.age_range and preferences.age_range == candidate.age_range:
        points += WEIGHTS["age_range"]
    if shares:
        reasons.append(format_lazy("{}: {}", _("shares"), ", ".join(str(s) for s in shares)))
    support = sorted(preferences.support_wanted & candidate.specializations)
    if support:
        points += WEIGHTS["support_area"] * len(support)
        reasons.append(
            format_lazy(
                "{}: {}", _("helps with"), ", ".join(str(labels.support.get(c, c)) for c in support)
            )
        )
    ways = sorted(preferences.modalities & candidate.modalities)
    if ways:
        points += WEIGHTS["modality"]
        reasons.append(
            format_lazy(
                "{}: {}", _("meets by"), ", ".join(str(labels.modality.get(c, c)) for c in ways)
            )
        )
    free = free_day_parts(candidate.weekly_hours)
    for part in ("morning", "afternoon", "evening"):
        if part in preferences.preferred_times and part in free:
            points += WEIGHTS["time_of_day"]
            reasons.append(DAY_PART_FREE[part])
    room = max(0.0, 1 - candidate.caseload / max(candidate.capacity, 1))
    points += ROOM_POINTS * room
    if room >= 0.5:
        reasons.append(_("has room for new participants"))
    return Match(candidate, round(points, 3), tuple(reasons))


def rank(preferences: Preferences, candidates: Iterable[Candidate], labels: Labels) -> list[Match]:
    """Specialists best suited first; see the module docstring for the order of ties."""
    matches = [score(preferences, candidate, labels) for candidate in candidates]
    return sorted(
        matches,
        key=lambda m: (-m.score, m.candidate.caseload, m.candidate.name.casefold(), m.candidate.id),
    )
