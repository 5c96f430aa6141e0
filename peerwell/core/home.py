"""Sections of each role's home page, contributed by the apps that own them.

An app registers a section in its AppConfig.ready(); core renders them without importing
the app, so the dependency points the right way (apps depend on core, not the reverse).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: Callable  # (request) -> dict


_sections: dict[str, list[HomeSection]] = {}


def register(role: str, template: str, context: Callable) -> None:
    _sections.setdefault(role, []).append(HomeSection(template, context))


def sections_for(request) -> list[tuple[str, dict]]:
    """(template, context) of each section on this member's home, in registration order."""
    return [(s.template, s.context(request)) for s in _sections.get(request.membership.role, [])]
