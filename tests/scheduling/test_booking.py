"""Booking, rescheduling, cancelling and no-shows through the services, against the database."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.participants.models import Assignment
from peerwell.scheduling import selectors, services
from peerwell.scheduling.models import AppointmentStatus, Reminder, ReminderStatus
from peerwell.scheduling.rules import WeeklyHours
from tests import factories

NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY_9_TO_5 = [WeeklyHours(day, time(9), time(17)) for day in range(7)]


@pytest.fixture
def specialist(people):
    specialist = factories.certified(people[Role.SPECIALIST], modalities=["video", "phone"])
    specialist.user.time_zone = "America/New_York"
    specialist.user.save()
    services.availability_set_weekly(
        actor=specialist, specialist=specialist, hours=EVERY_DAY_9_TO_5
    )
    return specialist


@pytest.fixture
def participant(org, people):
    """A participant with a portal account and no peer yet, who consented to services."""
    record = factories.participant(org, user=people[Role.PARTICIPANT].user, email="")
    factories.consents(record, people[Role.ADMIN], "services")
    return record


def _slot(specialist, days=3, hour=10):
    """An open slot `days` ahead at `hour` in New York."""
    day = timezone.localdate() + timedelta(days=days)
    starts_at = datetime.combine(day, time(hour), NEW_YORK)
    assert starts_at in selectors.open_slot_starts(
        specialist, starts_at, starts_at, for_participant=True
    )
    return starts_at


def _book(people, participant, specialist, starts_at, modality="phone"):
    return services.appointment_book(
        actor=people[Role.PARTICIPANT],
        participant=participant,
        specialist=specialist,
        starts_at=starts_at,
        modality=modality,
    )


def test_a_participant_books_an_open_slot_and_gets_the_peer_they_chose(
    people, participant, specialist
):
    starts_at = _slot(specialist)
    appointment = _book(people, participant, specialist, starts_at)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=50)
    assert Assignment.objects.get(participant=participant, ended_at__isnull=True).specialist == (
        specialist
    )
    assert starts_at not in selectors.open_slot_starts(
        specialist, starts_at, starts_at, for_participant=True
    )
    assert AuditEvent.objects.filter(
        action="appointment.booked", participant_id=participant.pk
    ).exists()
    # The worker makes the reminders after the booking, once.
    assert not Reminder.objects.filter(appointment=appointment).exists()
    assert len(services.reminders_schedule(appointment.pk)) == 2
    assert services.reminders_schedule(appointment.pk) == []
    reminders = Reminder.objects.filter(appointment=appointment).order_by("-hours_before")
    assert [(r.hours_before, r.channel) for r in reminders] == [(24, "email"), (1, "email")]
    assert reminders[0].due_at == starts_at - timedelta(hours=24)


def test_the_same_slot_cannot_be_booked_twice(org, people, participant, specialist):
    starts_at = _slot(specialist)
    _book(people, participant, specialist, starts_at)
    other = factories.participant(org, specialist)
    factories.consents(other, people[Role.ADMIN], "services")
    with pytest.raises(services.SlotTaken, match="just taken"):
        factories.staff_booking(specialist, other, starts_at)
    # Overlapping by ten minutes is the same as taking it: the buffer keeps them apart.
    with pytest.raises(services.SlotTaken):
        factories.staff_booking(specialist, other, starts_at + timedelta(minutes=40))


def test_participants_book_only_inside_notice_and_horizon(people, participant, specialist):
    soon = timezone.now() + timedelta(minutes=30)
    with pytest.raises(services.SlotTaken):
        _book(people, participant, specialist, soon)
    with pytest.raises(services.SlotTaken):
        _book(people, participant, specialist, _far_future(specialist))


def _far_future(specialist):
    day = timezone.localdate() + timedelta(days=specialist.organization.booking_horizon_days + 2)
    return datetime.combine(day, time(10), NEW_YORK)


def test_consent_is_needed_and_video_needs_telehealth(org, people, specialist):
    record = factories.participant(org, user=people[Role.PARTICIPANT].user)
    starts_at = _slot(specialist)
    with pytest.raises(ValidationError, match="Consent to peer support services"):
        _book(people, record, specialist, starts_at)
    factories.consents(record, people[Role.ADMIN], "services")
    with pytest.raises(ValidationError, match="telehealth"):
        _book(people, record, specialist, starts_at, modality="video")
    with pytest.raises(ValidationError, match="does not meet that way"):
        _book(people, record, specialist, starts_at, modality="in_person")


def test_a_booking_reads_peers_and_consents_once_the_participant_is_locked(
    people, participant, specialist
):
    factories.consents(participant, people[Role.ADMIN], "telehealth")
    with CaptureQueriesContext(connection) as queries:
        _book(people, participant, specialist, _slot(specialist), modality="video")
    statements = [q["sql"] for q in queries]
    checks = statements[: next(n for n, sql in enumerate(statements) if sql.startswith("INSERT"))]
    # Services and telehealth consents in one statement; peers in one of their own.
    (consents,) = [n for n, sql in enumerate(checks) if "participants_consent" in sql]
    (peers,) = [n for n, sql in enumerate(checks) if 'participants_assignment"."is_primary' in sql]
    if connection.features.has_select_for_update:
        # After the lock (PostgreSQL; SQLite's transaction holds the whole database), in
        # statements of their own, so they see a booking that held the lock first.
        (lock,) = [
            n
            for n, sql in enumerate(checks)
            if sql.startswith('SELECT "participants_participant"') and "FOR UPDATE" in sql
        ]
        assert lock < min(consents, peers)
    assert Assignment.objects.get(participant=participant).specialist == specialist


def test_a_booking_takes_the_organizations_terms_from_the_request_and_reads_it_no_more(
    people, participant, specialist
):
    slot = _slot(specialist)
    assert participant.organization.session_minutes  # read by the request, as pages do
    with CaptureQueriesContext(connection) as queries:
        _book(people, participant, specialist, slot)
    assert not [q["sql"] for q in queries if '"core_organization"' in q["sql"]]


def test_a_consent_revoked_or_not_yet_given_does_not_count(people, participant, specialist):
    consent = participant.consents.get(kind="services")
    consent.revoked_at = timezone.now()
    consent.save()
    with pytest.raises(ValidationError, match="Consent to peer support services"):
        _book(people, participant, specialist, _slot(specialist))
    consent.revoked_at = None
    consent.given_on = participant.organization.today() + timedelta(days=1)
    consent.save()
    with pytest.raises(ValidationError, match="Consent to peer support services"):
        _book(people, participant, specialist, _slot(specialist))


def test_a_participant_has_one_session_at_a_time(org, people, participant, specialist):
    other = factories.certified(factories.member(org, Role.SPECIALIST))
    services.availability_set_weekly(actor=other, specialist=other, hours=EVERY_DAY_9_TO_5)
    first = _book(people, participant, specialist, _slot(specialist, hour=13))
    Assignment.objects.create(
        organization=org,
        participant=participant,
        specialist=other,
        assigned_by=specialist,
        is_primary=False,
    )
    same_time = _slot(other, hour=13)  # 10:00 in LA, the other peer's zone
    assert first.starts_at == same_time
    for overlapping in (same_time, same_time + timedelta(minutes=30)):
        with pytest.raises(ValidationError, match="already has a session at that time"):
            factories.staff_booking(other, participant, overlapping)
    # Right after the first session ends is free for them: the buffer is the peer's.
    assert factories.staff_booking(other, participant, first.ends_at).starts_at == first.ends_at


def test_new_participants_see_only_certified_specialists_with_room(
    org, people, participant, specialist
):
    profile = specialist.specialist_profile
    profile.caseload_capacity = 1
    profile.save()
    factories.participant(org, specialist)  # the caseload is now full
    with pytest.raises(ValidationError, match="not taking new participants"):
        _book(people, participant, specialist, _slot(specialist))


def test_a_participant_with_a_peer_books_with_that_peer(org, people, participant, specialist):
    other = factories.certified(factories.member(org, Role.SPECIALIST))
    services.availability_set_weekly(actor=other, specialist=other, hours=EVERY_DAY_9_TO_5)
    _book(people, participant, specialist, _slot(specialist))
    with pytest.raises(ValidationError, match="You already have a peer"):
        _book(people, participant, other, _slot(other, days=4, hour=13))  # 10:00 in LA


def test_someone_else_cannot_book_for_a_participant(org, people, participant, specialist):
    stranger = factories.member(org, Role.PARTICIPANT)
    with pytest.raises(PermissionDenied):
        services.appointment_book(
            actor=stranger,
            participant=participant,
            specialist=specialist,
            starts_at=_slot(specialist),
            modality="phone",
        )


def test_rescheduling_releases_the_old_time_and_its_reminders(people, participant, specialist):
    first = _book(people, participant, specialist, _slot(specialist))
    services.reminders_schedule(first.pk)
    moved = services.appointment_reschedule(
        actor=people[Role.PARTICIPANT], appointment=first, starts_at=_slot(specialist, days=4)
    )
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED
    assert moved.rescheduled_from == first
    assert set(first.reminders.values_list("status", flat=True)) == {ReminderStatus.SKIPPED}
    assert services.reminders_schedule(first.pk) == []  # none for a moved session
    assert first.starts_at in selectors.open_slot_starts(
        specialist, first.starts_at, first.starts_at, for_participant=True
    )


def test_the_chart_lists_a_session_once_at_the_time_it_moved_to(org, participant, specialist):
    # Written directly: booking refuses times already past.
    week_ago = timezone.now() - timedelta(days=7)
    first = factories.appointment(
        org, specialist, participant, starts_at=week_ago, status=AppointmentStatus.CANCELLED
    )
    moved = factories.appointment(
        org,
        specialist,
        participant,
        starts_at=week_ago + timedelta(days=1),
        rescheduled_from=first,
        first_booking=first,
        moves=1,
    )
    missed = factories.appointment(
        org,
        specialist,
        participant,
        starts_at=week_ago + timedelta(days=2),
        status=AppointmentStatus.CANCELLED,
    )
    assert selectors.sessions_of(participant) == [missed, moved]
    assert selectors.moved_to(first) == moved
    assert selectors.moved_to(missed) is None


def test_a_move_is_counted_from_a_first_booking_and_only_then(org, participant, specialist):
    first = factories.appointment(org, specialist, participant)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.appointment(
            org, specialist, participant, starts_at=first.starts_at + timedelta(days=1), moves=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.appointment(
            org,
            specialist,
            participant,
            starts_at=first.starts_at + timedelta(days=1),
            first_booking=first,
        )


def _grid_step(specialist) -> timedelta:
    org = specialist.organization
    return timedelta(minutes=org.session_minutes + org.buffer_minutes)


def test_a_session_moves_by_less_than_its_own_length(people, participant, specialist):
    first = _book(people, participant, specialist, _slot(specialist))
    step = _grid_step(specialist)
    # On the grid, its own time is not offered for the move; the next one is.
    assert selectors.open_slot_starts(
        specialist, first.starts_at, first.starts_at + step, for_participant=True, moving=first
    ) == [first.starts_at + step]
    half_later = first.starts_at + (first.ends_at - first.starts_at) / 2
    # The time it gives up by moving is not in its own way.
    moved = services.appointment_reschedule(
        actor=people[Role.PARTICIPANT], appointment=first, starts_at=half_later
    )
    assert (moved.starts_at, moved.rescheduled_from) == (half_later, first)
    # Off the day's grid now, it blocks the grid's times either side of it; moving it
    # again, those are offered, and its own time is not.
    around = [first.starts_at, first.starts_at + step]
    assert selectors.open_slot_starts(specialist, *around, for_participant=True) == []
    assert (
        selectors.open_slot_starts(specialist, *around, for_participant=True, moving=moved)
        == around
    )
    with pytest.raises(ValidationError, match="already at that time"):
        services.appointment_reschedule(
            actor=people[Role.PARTICIPANT], appointment=moved, starts_at=half_later
        )


def test_a_moving_session_still_keeps_clear_of_other_sessions(org, people, participant, specialist):
    first = _book(people, participant, specialist, _slot(specialist))
    step = _grid_step(specialist)
    other = factories.participant(org, specialist)
    factories.consents(other, people[Role.ADMIN], "services")
    factories.staff_booking(specialist, other, first.starts_at + step)
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(
            actor=people[Role.PARTICIPANT], appointment=first, starts_at=first.starts_at + step / 2
        )
    with pytest.raises(ValidationError, match="Only this participant's sessions"):
        services.appointment_book(
            actor=specialist,
            participant=other,
            specialist=specialist,
            starts_at=first.starts_at + step * 2,
            modality="phone",
            rescheduled_from=first,
        )


def test_participants_change_sessions_online_only_before_the_window(
    people, participant, specialist
):
    appointment = _book(people, participant, specialist, _slot(specialist, days=1, hour=16))
    # Window of 48 hours: the session tomorrow can no longer be changed online.
    org = appointment.organization
    org.cancellation_window_hours = 48
    org.save()
    with pytest.raises(ValidationError, match="until 48 hours before"):
        services.appointment_cancel(actor=people[Role.PARTICIPANT], appointment=appointment)
    services.appointment_cancel(actor=specialist, appointment=appointment, reason="Sick")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Sick"
    with pytest.raises(ValidationError, match="no longer booked"):
        services.appointment_cancel(actor=specialist, appointment=appointment)


def test_no_show_once_the_session_has_begun(org, people, specialist):
    record = factories.participant(org, specialist)
    future = factories.appointment(org, specialist, record)
    with pytest.raises(ValidationError, match="once it has begun"):
        services.appointment_mark_no_show(actor=specialist, appointment=future)
    started = factories.appointment(
        org, specialist, record, starts_at=timezone.now() - timedelta(minutes=10)
    )
    services.appointment_mark_no_show(actor=specialist, appointment=started)
    assert started.status == AppointmentStatus.NO_SHOW


def test_time_off_and_extra_hours_change_the_slots(people, participant, specialist):
    starts_at = _slot(specialist)
    services.availability_exception_add(
        actor=specialist,
        specialist=specialist,
        kind="time_off",
        starts_at=starts_at - timedelta(hours=1),
        ends_at=starts_at + timedelta(hours=2),
    )
    assert starts_at not in selectors.open_slot_starts(
        specialist, starts_at, starts_at, for_participant=True
    )
    evening = datetime.combine(starts_at.date(), time(19), NEW_YORK)
    services.availability_exception_add(
        actor=specialist,
        specialist=specialist,
        kind="extra",
        starts_at=evening,
        ends_at=evening + timedelta(hours=1),
    )
    assert selectors.open_slot_starts(
        specialist, evening, evening + timedelta(hours=1), for_participant=True
    ) == [evening]
    # Booking asks the same hours as the page.
    with pytest.raises(services.SlotTaken):
        _book(people, participant, specialist, starts_at)
    assert _book(people, participant, specialist, evening).starts_at == evening


def test_weekly_hours_are_checked(people, specialist):
    with pytest.raises(ValidationError, match="overlap"):
        services.availability_set_weekly(
            actor=specialist,
            specialist=specialist,
            hours=[WeeklyHours(0, time(9), time(12)), WeeklyHours(0, time(11), time(14))],
        )
    with pytest.raises(PermissionDenied):
        services.availability_set_weekly(
            actor=people[Role.SUPERVISOR], specialist=specialist, hours=[]
        )


def test_every_time_offered_after_a_change_of_session_length_can_be_booked(
    org, people, participant, specialist
):
    _book(people, participant, specialist, _slot(specialist))
    org.session_minutes = 45
    org.save()
    specialist.organization.refresh_from_db()
    day_start = datetime.combine(timezone.localdate() + timedelta(days=3), time(0), NEW_YORK)
    offered = selectors.open_slot_starts(
        specialist, day_start, day_start + timedelta(days=1), for_participant=True
    )
    assert len(offered) >= 6
    for starts_at in offered:
        other = factories.participant(org, specialist)
        factories.consents(other, people[Role.ADMIN], "services")
        factories.staff_booking(specialist, other, starts_at)


def test_a_session_cancelled_meanwhile_is_not_marked_as_a_no_show(org, people, specialist):
    record = factories.participant(org, specialist)
    started = factories.appointment(
        org, specialist, record, starts_at=timezone.now() - timedelta(minutes=10)
    )
    stale = type(started).objects.get(pk=started.pk)
    services.appointment_cancel(actor=specialist, appointment=started)
    with pytest.raises(ValidationError, match="Only a booked session"):
        services.appointment_mark_no_show(actor=specialist, appointment=stale)
    started.refresh_from_db()
    assert started.status == AppointmentStatus.CANCELLED


def test_participants_reach_only_offered_peers_and_their_own(client, org, people, participant):
    unlisted = factories.member(org, Role.SPECIALIST)  # no certification
    offered = factories.certified(factories.member(org, Role.SPECIALIST))
    factories.sign_in(client, people[Role.PARTICIPANT])
    assert client.get(f"/peers/{unlisted.pk}/book/").status_code == 404
    assert client.get(f"/peers/{offered.pk}/book/").status_code == 200
    profile = offered.specialist_profile
    profile.accepting_new = False  # the offer, kept in the cache, moves on at once
    profile.save()
    assert client.get(f"/peers/{offered.pk}/book/").status_code == 404
    full = factories.certified(factories.member(org, Role.SPECIALIST), caseload_capacity=1)
    factories.participant(org, full)
    assert client.get(f"/peers/{full.pk}/book/").status_code == 404  # no room for newcomers
    factories.participant(org, unlisted)  # someone else's peer: still not theirs
    Assignment.objects.create(
        organization=org, participant=participant, specialist=unlisted, assigned_by=unlisted
    )
    assert client.get(f"/peers/{unlisted.pk}/book/").status_code == 200


def test_the_calendar_answers_any_date_it_is_given(client, people):
    factories.sign_in(client, people[Role.SPECIALIST])
    for date in ("9999-12-31", "0001-01-01", "2026-02-30", "yesterday"):
        assert client.get(f"/schedule/?view=week&date={date}").status_code == 200
    far = client.post(
        "/schedule/availability/",
        {
            "add_exception": "1",
            "kind": "time_off",
            "starts_at": "9999-12-31T20:00",
            "ends_at": "9999-12-31T23:00",
        },
    )
    assert far.status_code == 400


def test_booking_asks_the_rules_of_the_specialist_as_locked_not_as_the_page_read_them(
    people, participant, specialist
):
    starts_at = _slot(specialist)
    as_read = type(specialist).objects.select_related("specialist_profile").get(pk=specialist.pk)
    profile = specialist.specialist_profile
    profile.accepting_new = False  # changed after the booking page was read
    profile.save()
    with pytest.raises(ValidationError, match="not taking new participants"):
        _book(people, participant, as_read, starts_at)
