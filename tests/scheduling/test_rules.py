"""Open slots from weekly hours: placing, subtracting, stepping, and daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from peerwell.scheduling import rules
from peerwell.scheduling.rules import Interval, WeeklyHours

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
HOUR = timedelta(hours=1)
FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def slots(windows, booked=(), session=50, buffer=10):
    return list(
        rules.open_slots(
            windows=windows,
            booked=list(booked),
            session=timedelta(minutes=session),
            buffer=timedelta(minutes=buffer),
            not_before=FAR_PAST,
            not_after=FAR_FUTURE,
        )
    )


def test_a_morning_holds_sessions_with_buffers_between():
    windows = rules.weekly_windows(
        [WeeklyHours(0, time(9), time(12))],
        "America/New_York",
        date(2026, 11, 30),
        date(2026, 11, 30),
    )
    local = [s.astimezone(NEW_YORK).strftime("%H:%M") for s in slots(windows)]
    assert local == ["09:00", "10:00", "11:00"]


def test_a_booked_session_and_its_buffer_close_the_slots_it_touches():
    windows = [
        Interval(datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC))
    ]
    booked = Interval(
        datetime(2026, 12, 1, 15, tzinfo=UTC), datetime(2026, 12, 1, 15, 50, tzinfo=UTC)
    )
    assert [s.hour for s in slots(windows, [booked])] == [14, 16, 17]
    # Booked off the grid by staff (15:30 to 16:20): 14:00 ends clear of its buffer at 15:20;
    # 15:00 clashes, so the next slot starts where that buffer ends, at 16:30.
    off_grid = Interval(
        datetime(2026, 12, 1, 15, 30, tzinfo=UTC), datetime(2026, 12, 1, 16, 20, tzinfo=UTC)
    )
    assert [s.strftime("%H:%M") for s in slots(windows, [off_grid])] == ["14:00", "16:30"]


def test_time_off_cuts_a_window():
    window = Interval(datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC))
    off = Interval(datetime(2026, 12, 1, 15, tzinfo=UTC), datetime(2026, 12, 1, 16, tzinfo=UTC))
    assert rules.subtract([window], [off]) == [
        Interval(window.start, off.start),
        Interval(off.end, window.end),
    ]
    assert rules.subtract([window], [Interval(window.start - HOUR, window.end + HOUR)]) == []


def test_weekly_hours_stay_at_local_time_across_the_autumn_change_in_the_specialists_zone():
    # New York leaves daylight time on Sunday 1 November 2026. Monday 9:00 is 13:00 UTC the
    # week before and 14:00 UTC the week after.
    mondays = rules.weekly_windows(
        [WeeklyHours(0, time(9), time(10))],
        "America/New_York",
        date(2026, 10, 26),
        date(2026, 11, 2),
    )
    assert [w.start for w in mondays] == [
        datetime(2026, 10, 26, 13, tzinfo=UTC),
        datetime(2026, 11, 2, 14, tzinfo=UTC),
    ]
    assert all(w.start.astimezone(NEW_YORK).hour == 9 for w in mondays)


def test_weekly_hours_stay_at_local_time_across_the_spring_change():
    # New York springs forward on Sunday 8 March 2026.
    fridays = rules.weekly_windows(
        [WeeklyHours(4, time(17), time(18))],
        "America/New_York",
        date(2026, 3, 6),
        date(2026, 3, 13),
    )
    assert [w.start.astimezone(NEW_YORK).hour for w in fridays] == [17, 17]
    assert fridays[1].start - fridays[0].start == timedelta(days=7) - HOUR


def test_a_window_that_spans_the_change_holds_the_hours_that_really_pass():
    # Sunday 1 November 2026, 00:00 to 04:00 in New York is five real hours (01:00 repeats);
    # Sunday 8 March, 00:00 to 04:00 is three (02:00 is skipped).
    autumn = rules.weekly_windows(
        [WeeklyHours(6, time(0), time(4))], "America/New_York", date(2026, 11, 1), date(2026, 11, 1)
    )
    spring = rules.weekly_windows(
        [WeeklyHours(6, time(0), time(4))], "America/New_York", date(2026, 3, 8), date(2026, 3, 8)
    )
    assert autumn[0].end - autumn[0].start == timedelta(hours=5)
    assert spring[0].end - spring[0].start == timedelta(hours=3)
    assert len(slots(autumn, session=60, buffer=0)) == 5
    assert len(slots(spring, session=60, buffer=0)) == 3


def test_a_skipped_start_time_lands_on_the_first_moment_that_exists():
    window = rules.weekly_windows(
        [WeeklyHours(6, time(2, 30), time(5))],
        "America/New_York",
        date(2026, 3, 8),
        date(2026, 3, 8),
    )[0]
    assert window.start.astimezone(NEW_YORK).strftime("%H:%M") == "03:30"


def test_the_participants_zone_changes_on_another_day_than_the_specialists():
    # London leaves summer time on 25 October 2026, New York on 1 November. A New York
    # specialist's Monday 9:00 is 14:00 in London on 19 October, 13:00 on 26 October (the
    # week the zones are out of step), and 14:00 again on 2 November.
    mondays = rules.weekly_windows(
        [WeeklyHours(0, time(9), time(10))],
        "America/New_York",
        date(2026, 10, 19),
        date(2026, 11, 2),
    )
    assert [w.start.astimezone(LONDON).strftime("%d %H:%M") for w in mondays] == [
        "19 14:00",
        "26 13:00",
        "02 14:00",
    ]


def test_day_parts_are_read_in_the_viewers_zone():
    hours = [WeeklyHours(0, time(9), time(11))]  # Monday mornings in Los Angeles
    covered = rules.day_part_hours(
        hours, "America/Los_Angeles", "America/New_York", date(2026, 11, 30)
    )
    assert covered == {(0, 12), (0, 13)}  # Monday noon to two in New York


def test_slots_respect_notice_and_horizon():
    window = Interval(datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC))
    found = list(
        rules.open_slots(
            windows=[window],
            booked=[],
            session=timedelta(minutes=50),
            buffer=timedelta(minutes=10),
            not_before=datetime(2026, 12, 1, 14, 30, tzinfo=UTC),
            not_after=datetime(2026, 12, 1, 16, tzinfo=UTC),
        )
    )
    assert [s.hour for s in found] == [15, 16]


def test_extra_hours_overlapping_weekly_hours_do_not_give_overlapping_slots():
    day = [Interval(datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 17, tzinfo=UTC))]
    extra = Interval(
        datetime(2026, 12, 1, 14, 30, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC)
    )
    merged = rules.merge([*day, extra])
    assert merged == [Interval(day[0].start, extra.end)]
    assert [s.hour for s in slots(merged)] == [14, 15, 16, 17]


def test_a_time_fits_whatever_grid_the_rest_of_the_day_follows():
    window = [
        Interval(datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC))
    ]
    booked = [
        Interval(datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 14, 50, tzinfo=UTC))
    ]
    kwargs = {
        "windows": window,
        "booked": booked,
        "session": timedelta(minutes=45),
        "buffer": timedelta(minutes=10),
    }
    assert rules.fits(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), **kwargs)
    assert rules.fits(datetime(2026, 12, 1, 15, 55, tzinfo=UTC), **kwargs)
    assert not rules.fits(datetime(2026, 12, 1, 14, 55, tzinfo=UTC), **kwargs)  # inside the buffer
    assert not rules.fits(datetime(2026, 12, 1, 17, 30, tzinfo=UTC), **kwargs)  # past the window
