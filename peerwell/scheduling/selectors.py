"""Reads for scheduling: open slots, calendars, a participant's sessions."""

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from peerwell.accounts.models import Membership
from peerwell.core.models import MAX_SESSION_MINUTES
from peerwell.core.roles import Role
from peerwell.participants.models import Assignment, ContactMethod, Participant
from peerwell.participants.selectors import participants_visible_to
from peerwell.scheduling import rules
from peerwell.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    CalendarFeed,
    ExceptionKind,
    ReminderChannel,
    WeeklyAvailability,
)


def zone_of(membership: Membership) -> str:
    """A member's own time zone, or their organization's."""
    return membership.user.time_zone or membership.organization.time_zone


def participant_zone(participant: Participant) -> str:
    """The participant's own time zone (their portal account's), or their organization's."""
    if participant.user_id and participant.user.time_zone:
        return participant.user.time_zone
    return participant.organization.time_zone


def _weekly_windows(
    specialist: Membership, first: datetime, last: datetime
) -> list[rules.Interval]:
    """The specialist's weekly hours as windows covering `first` to `last`, each row read in
    the zone it was set in."""
    by_zone: dict[str, list[rules.WeeklyHours]] = defaultdict(list)
    # Plain values, not models: this runs on every booking page and every booking.
    weekly = WeeklyAvailability.objects.filter(specialist=specialist).values_list(
        "time_zone", "weekday", "starts", "ends"
    )
    for zone, weekday, starts, ends in weekly:
        by_zone[zone].append(rules.WeeklyHours(weekday, starts, ends))
    # A day either side, so every zone's local days covering the range are placed.
    first_day, last_day = (first - timedelta(days=1)).date(), (last + timedelta(days=1)).date()
    return [
        window
        for zone, hours in by_zone.items()
        for window in rules.weekly_windows(hours, zone, first_day, last_day)
    ]


@dataclass
class _Calendar:
    extra: list[rules.Interval] = field(default_factory=list)
    time_off: list[rules.Interval] = field(default_factory=list)
    booked: list[rules.Interval] = field(default_factory=list)
    # The participant's sessions with other specialists.
    participant_booked: list[rules.Interval] = field(default_factory=list)

    def open_windows(self, weekly: list[rules.Interval]) -> list[rules.Interval]:
        """Weekly hours plus extra hours, less time off."""
        return rules.subtract(rules.merge(weekly + self.extra), self.time_off)


_BOOKED = "booked"
# The parts of the calendar's union (`_calendar`), read on every booking page and every
# booking: built once, each read filters a copy (these are never run themselves); building
# them anew took about a seventh of the calendar's read. Unordered, the parts and the
# whole: a union's parts may not be ordered, and the whole would take the exceptions'
# default order.
_EXCEPTIONS = AvailabilityException.objects.values_list(
    "kind", "starts_at", "ends_at", "specialist_id"
).order_by()
_BOOKED_SESSIONS = (
    Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    .values_list(Value(_BOOKED), "starts_at", "ends_at", "specialist_id")
    .order_by()
)


def _calendar(
    specialist: Membership,
    first: datetime,
    last: datetime,
    participant: Participant | None = None,
    moving: Appointment | None = None,
) -> _Calendar:
    """The specialist's extra hours, time off and booked sessions that reach into `first`
    to `last`, and the participant's booked sessions there, less the session being moved
    (`moving`), whose time is given up by the move: one query, as this is read on every
    booking page and every booking."""
    exceptions = _EXCEPTIONS.filter(specialist=specialist, ends_at__gt=first, starts_at__lt=last)
    whose = Q(specialist=specialist)
    if participant is not None:
        whose |= Q(participant=participant)
    appointments = _BOOKED_SESSIONS.filter(
        whose,
        # No session is longer than the longest session length: a lower bound on the
        # start keeps the index scan to the range instead of all past sessions.
        starts_at__gt=first - timedelta(minutes=MAX_SESSION_MINUTES),
        starts_at__lt=last,
        ends_at__gt=first,
    )
    if moving is not None:
        appointments = appointments.exclude(pk=moving.pk)
    calendar = _Calendar()
    for kind, starts_at, ends_at, specialist_id in exceptions.union(
        appointments, all=True
    ).order_by():
        interval = rules.Interval(starts_at, ends_at)
        if kind == _BOOKED:
            if specialist_id == specialist.pk:
                calendar.booked.append(interval)
            else:
                calendar.participant_booked.append(interval)
        elif kind == ExceptionKind.EXTRA:
            calendar.extra.append(interval)
        else:
            calendar.time_off.append(interval)
    return calendar


def _booking_terms(organization, for_participant: bool):
    """(session length, buffer, earliest start, latest start) of a booking made now:
    participants from the organization's notice period on, staff from now; nobody beyond
    the booking horizon."""
    now = timezone.now()
    notice = timedelta(hours=organization.booking_notice_hours if for_participant else 0)
    return (
        timedelta(minutes=organization.session_minutes),
        timedelta(minutes=organization.buffer_minutes),
        now + notice,
        now + timedelta(days=organization.booking_horizon_days),
    )


def open_slot_starts(
    specialist: Membership,
    first: datetime,
    last: datetime,
    *,
    for_participant: bool,
    moving: Appointment | None = None,
) -> list[datetime]:
    """Start times from `first` to `last` (inclusive) at which a session can be booked, or
    the session `moving` moved to (its own time given up, and not offered).

    Participants book from the organization's notice period on, staff from now; nobody
    books beyond the booking horizon.
    """
    session, buffer, earliest, latest = _booking_terms(specialist.organization, for_participant)
    not_before = max(first, earliest)
    not_after = min(last, latest)
    if not_after < not_before:
        return []
    # Whole windows are read, with every booking in them, so the slots follow the same grid
    # whatever part of the day is asked for.
    weekly = _weekly_windows(specialist, first - timedelta(days=1), last + timedelta(days=1))
    calendar = _calendar(
        specialist, first - timedelta(days=2), last + timedelta(days=2), moving=moving
    )
    return sorted(
        start
        for start in rules.open_slots(
            windows=calendar.open_windows(weekly),
            booked=calendar.booked,
            session=session,
            buffer=buffer,
            not_before=not_before,
            not_after=not_after,
        )
        if moving is None or start != moving.starts_at
    )


class BookingRefusal(enum.Enum):
    SLOT_TAKEN = "slot taken"
    PARTICIPANT_BUSY = "participant busy"


def booking_refusal(
    specialist: Membership,
    participant: Participant,
    starts_at: datetime,
    *,
    for_participant: bool,
    moving: Appointment | None = None,
) -> BookingRefusal | None:
    """Why a session of this participant with this specialist may not start at `starts_at`
    now, or None if it may. SLOT_TAKEN: outside the open hours, notice or horizon, or
    within the buffer of another of the specialist's sessions; PARTICIPANT_BUSY: the
    participant has another session then. The session being moved (`moving`) is not in the
    way: a session may move by less than its own length."""
    session, buffer, earliest, latest = _booking_terms(specialist.organization, for_participant)
    if not earliest <= starts_at <= latest:
        return BookingRefusal.SLOT_TAKEN
    slot = rules.Interval(starts_at, starts_at + session)
    # The exceptions a day either side, as the open slots page reads them; sessions in reach
    # of the buffer.
    calendar = _calendar(
        specialist,
        slot.start - timedelta(days=1),
        slot.end + timedelta(days=1),
        participant,
        moving,
    )
    fits = rules.fits(
        starts_at,
        windows=calendar.open_windows(_weekly_windows(specialist, slot.start, slot.end)),
        booked=calendar.booked,
        session=session,
        buffer=buffer,
    )
    if not fits:
        return BookingRefusal.SLOT_TAKEN
    if any(slot.overlaps(other) for other in calendar.participant_booked):
        return BookingRefusal.PARTICIPANT_BUSY
    return None


def open_slots_by_day(
    specialist: Membership,
    viewer_zone: str,
    days: int = 14,
    *,
    for_participant: bool,
    moving: Appointment | None = None,
) -> list[tuple[date, list[datetime]]]:
    """Open slots over the next `days` days (for the session `moving`, if one is being
    moved), grouped by the viewer's local day."""
    tz = ZoneInfo(viewer_zone)
    now = timezone.now()
    slots = open_slot_starts(
        specialist,
        now,
        now + timedelta(days=days),
        for_participant=for_participant,
        moving=moving,
    )
    grouped: dict[date, list[datetime]] = {}
    for slot in slots:
        local = slot.astimezone(tz)
        grouped.setdefault(local.date(), []).append(local)
    return sorted(grouped.items())


def participant_email(participant: Participant) -> str:
    """Where email about sessions may go: their portal account's address, or the record's
    when email is how they asked to be contacted. Never an address they did not choose."""
    if participant.user_id:
        return participant.user.email
    return participant.email if participant.contact_method == ContactMethod.EMAIL else ""


def reminder_channel(participant: Participant) -> tuple[str, str]:
    """How the participant wants reminders: a text when they prefer texts and gave a
    phone, otherwise email where email may go. ("", "") when neither is known."""
    if participant.contact_method == ContactMethod.TEXT and participant.phone:
        return ReminderChannel.SMS, participant.phone
    email = participant_email(participant)
    return (ReminderChannel.EMAIL, email) if email else ("", "")


def appointments_visible_to(membership: Membership) -> QuerySet[Appointment]:
    """A participant's own sessions; a specialist's own calendar and their caseload's;
    a supervisor's or admin's through the participants they may see."""
    appointments = Appointment.objects.in_org(membership.organization).select_related(
        "participant", "specialist__user"
    )
    if membership.role == Role.PARTICIPANT:
        return appointments.filter(participant__user=membership.user)
    if membership.role == Role.SPECIALIST:
        return appointments.filter(
            Q(specialist=membership) | Q(participant__in=participants_visible_to(membership))
        )
    return appointments.filter(participant__in=participants_visible_to(membership))


def calendar(specialist: Membership, first: datetime, last: datetime) -> list[Appointment]:
    """The specialist's booked and no-show sessions between two moments."""
    return list(
        Appointment.objects.filter(
            specialist=specialist,
            status__in=[AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW],
            starts_at__lt=last,
            ends_at__gt=first,
        ).select_related("participant")
    )


def calendar_days(specialist: Membership, days: list[date]) -> list[tuple[date, list[Appointment]]]:
    """The specialist's sessions on each of DAYS (consecutive), by the day each starts in
    the zone the page is shown in."""
    zone = timezone.get_current_timezone()
    first = datetime.combine(days[0], time.min, zone)
    last = datetime.combine(days[-1] + timedelta(days=1), time.min, zone)
    by_day: dict[date, list[Appointment]] = {day: [] for day in days}
    for appointment in calendar(specialist, first, last):
        local_day = timezone.localtime(appointment.starts_at, zone).date()
        if local_day in by_day:
            by_day[local_day].append(appointment)
    return list(by_day.items())


def upcoming_for_participant(participant: Participant) -> list[Appointment]:
    """The participant's next booked sessions, soonest first."""
    return list(
        Appointment.objects.filter(
            participant=participant,
            status=AppointmentStatus.BOOKED,
            ends_at__gt=timezone.now(),
        ).select_related("specialist__user")[:20]
    )


def peers_of(participant: Participant) -> dict[int, bool]:
    """The participant's open assignments: each specialist's id, and whether they are the
    primary."""
    return dict(
        Assignment.objects.filter(participant=participant, ended_at__isnull=True).values_list(
            "specialist_id", "is_primary"
        )
    )


def primary_specialist(participant: Participant) -> Membership | None:
    """The participant's primary peer specialist, if they have one."""
    assignment = (
        Assignment.objects.filter(participant=participant, is_primary=True, ended_at__isnull=True)
        .select_related("specialist__user", "specialist__organization")
        .first()
    )
    return assignment.specialist if assignment else None


def weekly_coverage(specialist_ids: list[int], viewer_zone: str) -> dict[int, set[tuple[int, int]]]:
    """(weekday, hour) pairs in the viewer's zone each specialist's weekly hours cover."""
    rows = (
        WeeklyAvailability.objects.filter(specialist_id__in=specialist_ids)
        .order_by()
        .values_list("specialist_id", "time_zone", "weekday", "starts", "ends")
    )
    grouped: dict[tuple[int, str], list[rules.WeeklyHours]] = defaultdict(list)
    for specialist_id, zone, weekday, starts, ends in rows:
        grouped[(specialist_id, zone)].append(rules.WeeklyHours(weekday, starts, ends))
    week_of = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    coverage: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for (specialist_id, zone), hours in grouped.items():
        coverage[specialist_id] |= rules.day_part_hours(hours, zone, viewer_zone, week_of)
    return coverage


def feed_appointments(membership: Membership) -> list[Appointment]:
    """A member's sessions for their calendar feed: a month back, half a year ahead. A
    session that moved is there once, at its new time: its old times share its event."""
    now = timezone.now()
    appointments = Appointment.objects.filter(
        starts_at__gte=now - timedelta(days=31),
        starts_at__lt=now + timedelta(days=183),
        rescheduled_to__isnull=True,
    )
    if membership.role == Role.PARTICIPANT:
        appointments = appointments.filter(
            participant__user=membership.user, organization=membership.organization
        )
    else:
        appointments = appointments.filter(specialist=membership)
    return list(appointments.order_by("starts_at")[:1000])


def today_and_tomorrow(specialist: Membership) -> list[Appointment]:
    """The specialist's booked sessions from now to the end of tomorrow, in the zone the
    page is shown in (theirs)."""
    zone = timezone.get_current_timezone()
    end = datetime.combine(timezone.localdate(timezone=zone) + timedelta(days=2), time.min, zone)
    return calendar(specialist, timezone.now() - timedelta(hours=1), end)


def sessions_of(participant: Participant) -> list[Appointment]:
    """A participant's sessions for the chart: what is coming, then the last few."""
    now = timezone.now()
    sessions = Appointment.objects.filter(participant=participant).select_related(
        "specialist__user"
    )
    upcoming = list(sessions.filter(ends_at__gt=now, status=AppointmentStatus.BOOKED)[:10])
    # A session moved away from a time is listed at the time it moved to, not twice.
    past = sessions.filter(starts_at__lte=now, rescheduled_to__isnull=True)
    return upcoming + list(past.order_by("-starts_at")[:5])


def moved_to(appointment: Appointment) -> Appointment | None:
    """The booking a session was moved to from this one, if it was moved."""
    if appointment.is_booked:
        return None
    try:
        return appointment.rescheduled_to
    except Appointment.rescheduled_to.RelatedObjectDoesNotExist:
        return None


def active_feed(token_hash: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .select_related("membership__user", "organization")
        .first()
    )


def feed_of(membership: Membership) -> CalendarFeed | None:
    """The member's calendar feed address in use, if any."""
    return CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).first()


def weekly_hours_of(specialist: Membership) -> QuerySet[WeeklyAvailability]:
    return WeeklyAvailability.objects.filter(specialist=specialist)


def exceptions_ahead(specialist: Membership) -> QuerySet[AvailabilityException]:
    """Time off and extra hours that have not ended yet."""
    return AvailabilityException.objects.filter(specialist=specialist, ends_at__gt=timezone.now())
