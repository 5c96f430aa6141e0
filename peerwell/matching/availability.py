"""Where matching learns when specialists are free, without importing scheduling (which
comes after it): scheduling registers a provider in its AppConfig.ready()."""

from collections.abc import Callable

# (specialist ids, viewer's zone) -> {specialist id: {(weekday, hour), ...}}
Provider = Callable[[list[int], str], dict[int, set[tuple[int, int]]]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    _providers.append(provider)


def weekly_hours(specialist_ids: list[int], zone: str) -> dict[int, set[tuple[int, int]]]:
    covered: dict[int, set[tuple[int, int]]] = {}
    for provider in _providers:
        for specialist_id, hours in provider(specialist_ids, zone).items():
            covered.setdefault(specialist_id, set()).update(hours)
    return covered
