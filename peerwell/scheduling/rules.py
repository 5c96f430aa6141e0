"""Open slots from weekly availability: pure functions, free of the database.

Weekly hours are wall-clock times in the specialist's zone. Each day's window is placed on
the calendar in that zone first and only then turned into UTC, so "Mondays 9 to 5" stays 9
to 5 local on both sides of a daylight-saving change. Slots step through a window in real
elapsed time (session plus buffer), so a window that spans the change holds as many slots as
fit in the hours that actually pass.
"""

import functools
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int  # Monday is 0
    starts: time
    ends: time


@dataclass(frozen=True)
class Interval:
    start: datetime  # aware
    end: datetime

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`at` on `day` in `zone`, as UTC. A time skipped by a spring-forward change is read
    with the offset before it, so 02:30 lands an hour later, at 03:30 daylight time; a time
    that happens twice in the autumn is its first occurrence."""
    local = datetime.combine(day, at, zone)
    return local.astimezone(UTC)


def weekly_windows(
    hours: Iterable[WeeklyHours], zone: str, first_day: date, last_day: date
) -> list[Interval]:
    """The weekly hours placed on each calendar day from first_day to last_day (inclusive)."""
    tz = ZoneInfo(zone)
    by_weekday: dict[int, list[WeeklyHours]] = {}
    for item in hours:
        by_weekday.setdefault(item.weekday, []).append(item)
    windows = []
    day = first_day
    while day <= last_day:
        for item in by_weekday.get(day.weekday(), ()):
            start, end = wall_clock(day, item.starts, tz), wall_clock(day, item.ends, tz)
            if end > start:
                windows.append(Interval(start, end))
        day += timedelta(days=1)
    return sorted(windows, key=lambda w: w.start)


def merge(windows: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching windows joined into one, in order (extra hours that overlap
    the weekly hours must not give overlapping slots)."""
    merged: list[Interval] = []
    for window in sorted(windows, key=lambda w: w.start):
        if merged and window.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, window.end))
        else:
            merged.append(window)
    return merged


def subtract(windows: list[Interval], blocked: Iterable[Interval]) -> list[Interval]:
    """The parts of `windows` that no blocked interval covers."""
    result = list(windows)
    for block in blocked:
        kept = []
        for window in result:
            if not window.overlaps(block):
                kept.append(window)
                continue
            if window.start < block.start:
                kept.append(Interval(window.start, block.start))
            if block.end < window.end:
                kept.append(Interval(block.end, window.end))
        result = kept
    return result


def open_slots(
    *,
    windows: list[Interval],
    booked: Iterable[Interval],
    session: timedelta,
    buffer: timedelta,
    not_before: datetime,
    not_after: datetime,
) -> Iterator[datetime]:
    """Start times (UTC) of sessions that fit in the windows, keep `buffer` clear of every
    booked appointment, and start between not_before and not_after."""
    # A specialist's sessions do not overlap, so widened by the same buffer they stay in
    # order of both start and end: the one that may clash with a slot is the last to start
    # before the slot ends (found by bisection, not by walking every session).
    taken = sorted(
        (Interval(b.start - buffer, b.end + buffer) for b in booked), key=lambda b: b.start
    )
    starts = [t.start for t in taken]
    step = session + buffer
    for window in sorted(windows, key=lambda w: w.start):
        start = window.start
        while start + session <= window.end:
            slot = Interval(start, start + session)
            before = bisect_left(starts, slot.end)
            clash = taken[before - 1] if before and taken[before - 1].end > slot.start else None
            if clash is not None:
                # Resume right after the appointment's buffer, on the window's own grid if
                # that is later, so slots line up again after a booking.
                start = max(clash.end, start + step)
                continue
            if not_before <= start <= not_after:
                yield start
            start += step


def fits(
    start: datetime,
    *,
    windows: list[Interval],
    booked: Iterable[Interval],
    session: timedelta,
    buffer: timedelta,
) -> bool:
    """May a session start at `start`? It must lie inside one open window and keep `buffer`
    clear of every booked appointment. Booking asks this of the time chosen, so a time the
    page offered stays bookable whatever the grid of the rest of the day."""
    slot = Interval(start, start + session)
    inside = any(w.start <= slot.start and slot.end <= w.end for w in windows)
    return inside and not any(
        Interval(b.start - buffer, b.end + buffer).overlaps(slot) for b in booked
    )


def day_part_hours(
    hours: Iterable[WeeklyHours], zone: str, viewer_zone: str, week_of: date
) -> set[tuple[int, int]]:
    """(weekday, hour) pairs, in the viewer's zone, that the weekly hours cover during the
    week starting `week_of`: what "evenings free" is computed from for a participant.

    The directory asks this for every specialist it lists, on every view, and the answer
    depends only on the arguments: it is kept (per process, the most recent few thousand),
    so it is worked out again only when hours, zones or the week change."""
    key = tuple(sorted(hours, key=lambda h: (h.weekday, h.starts, h.ends)))
    return set(_day_part_hours(key, zone, viewer_zone, week_of))


@functools.lru_cache(maxsize=4096)
def _day_part_hours(
    hours: tuple[WeeklyHours, ...], zone: str, viewer_zone: str, week_of: date
) -> frozenset[tuple[int, int]]:
    """An hour counts when a moment on a window's half-hour steps falls in it. A window
    whose offset does not change (nearly all) is walked an hour at a time in local time,
    without a zone lookup a step."""
    covered = set()
    viewer = ZoneInfo(viewer_zone)
    step = timedelta(minutes=30)
    hour = timedelta(hours=1)
    for window in weekly_windows(hours, zone, week_of, week_of + timedelta(days=6)):
        start, end = window.start.astimezone(viewer), window.end.astimezone(viewer)
        if start.utcoffset() != end.utcoffset():
            moment = window.start
            while moment < window.end:
                local = moment.astimezone(viewer)
                covered.add((local.weekday(), local.hour))
                moment += step
            continue
        # The last half-hour step before the end, then every hour from the first step's
        # to the last's: steps are closer than an hour, so none is skipped.
        last = start + (end - start - timedelta.resolution) // step * step
        moment = start.replace(minute=0, second=0, microsecond=0, tzinfo=None)
        last = last.replace(tzinfo=None)
        while moment <= last:
            covered.add((moment.weekday(), moment.hour))
            moment += hour
    return frozenset(covered)
