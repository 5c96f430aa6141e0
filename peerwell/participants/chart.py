"""Sections of the participant chart, contributed by the apps that own them (contacts and
notes now; goals, referrals, assessments and appointments later), so the participants app
does not import them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartSection:
    template: str
    context: Callable  # (request, participant) -> dict


_sections: list[ChartSection] = []


def register(template: str, context: Callable) -> None:
    _sections.append(ChartSection(template, context))


def sections_for(request, participant) -> list[tuple[str, dict]]:
    return [(s.template, s.context(request, participant)) for s in _sections]
