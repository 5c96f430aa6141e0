"""Confirmations with iCalendar files, reminders sent by the database worker, calendar feeds.

The worker is the real one (`db_worker --batch` of django-tasks-db) on the test database;
"time passing" is simulated by moving a queued task's run_after into the past. The tests
commit (the worker closes its connection when done), so on_commit hooks run as in production.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.scheduling import services
from peerwell.scheduling.models import Reminder, ReminderStatus
from peerwell.scheduling.rules import WeeklyHours
from peerwell.scheduling.selectors import open_slot_starts
from tests import factories
from tests.mailbox import ics_of, sent_events

NEW_YORK = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def make_due(task_path_end: str):
    DBTaskResult.objects.filter(task_path__endswith=task_path_end).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


def always_open(people, **profile):
    """The specialist, certified and open around the clock, so any future time is a slot."""
    specialist = factories.certified(people[Role.SPECIALIST], **profile)
    services.availability_set_weekly(
        actor=specialist,
        specialist=specialist,
        hours=[WeeklyHours(day, time(0), time(23, 59)) for day in range(7)],
    )
    return specialist


@pytest.fixture
def booked(org, people):
    specialist = always_open(people, modalities=["phone"])
    record = factories.participant(
        org, user=people[Role.PARTICIPANT].user, preferred_name="Rosa Quiet"
    )
    factories.consents(record, people[Role.ADMIN], "services")
    starts_at = datetime.combine(timezone.localdate() + timedelta(days=3), time(12), NEW_YORK)
    appointment = services.appointment_book(
        actor=people[Role.PARTICIPANT],
        participant=record,
        specialist=specialist,
        starts_at=starts_at,
        modality="phone",
    )
    return appointment


def test_a_booking_is_confirmed_by_email_with_an_icalendar_invitation(booked):
    assert mail.outbox == []  # nothing is sent while the request waits: the worker sends
    run_worker()
    participant_mail, specialist_mail = mail.outbox
    assert participant_mail.to == [booked.participant.user.email]
    assert specialist_mail.to == [booked.specialist.user.email]
    for message in mail.outbox:
        calendar = ics_of(message)
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert event["UID"] == booked.ical_uid
        assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert event.decoded("DTSTART") == booked.starts_at
        assert event.decoded("DTEND") == booked.ends_at
        assert "Rosa" not in str(message.attachments[0].content)
    assert "Rosa" not in specialist_mail.body


def test_reminders_go_out_once_when_due(booked):
    run_worker()
    mail.outbox.clear()
    make_due("send_reminder")
    run_worker()
    assert len(mail.outbox) == 2
    assert all("Reminder" in m.subject for m in mail.outbox)
    assert set(booked.reminders.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert AuditEvent.objects.filter(action="reminder.sent").count() == 2
    # A second delivery of the same task (a retry, a second worker) sends nothing.
    from peerwell.scheduling.tasks import send_reminder

    for reminder in booked.reminders.all():
        assert send_reminder.call(reminder.pk) == "already handled"
    assert len(mail.outbox) == 2


def test_a_booking_queues_one_task_and_the_worker_queues_its_reminders(booked):
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path.endswith("appointment_booked")
    run_worker()
    reminders = DBTaskResult.objects.filter(task_path__endswith="send_reminder")
    assert sorted(task.run_after for task in reminders) == sorted(
        booked.reminders.values_list("due_at", flat=True)
    )
    assert len(reminders) == 2


def test_a_session_cancelled_before_the_worker_runs_gets_no_reminder(booked):
    services.appointment_cancel(actor=booked.specialist, appointment=booked)
    run_worker()
    assert not DBTaskResult.objects.filter(task_path__endswith="send_reminder").exists()
    assert not booked.reminders.exists()
    # No confirmation of a booking already cancelled: only the cancellation goes out.
    assert [m.subject.startswith("Cancelled") for m in mail.outbox] == [True, True]


def test_a_cancelled_session_sends_no_reminder_and_a_cancellation(booked, people):
    run_worker()
    mail.outbox.clear()
    services.appointment_cancel(actor=booked.specialist, appointment=booked)
    make_due("send_reminder")
    run_worker()
    assert set(booked.reminders.values_list("status", flat=True)) == {ReminderStatus.SKIPPED}
    assert [m.subject.startswith("Cancelled") for m in mail.outbox] == [True, True]
    calendar = ics_of(mail.outbox[0])
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1


def test_a_moved_session_is_one_event_that_each_move_updates(booked, people):
    run_worker()
    mail.outbox.clear()
    first = booked.starts_at
    moved = services.appointment_reschedule(
        actor=people[Role.PARTICIPANT], appointment=booked, starts_at=first + timedelta(days=1)
    )
    run_worker()
    # One email each, updating the event calendars hold (same UID, a higher SEQUENCE):
    # no cancellation of the old time beside an invitation to the new.
    people_ = sorted([booked.participant.user.email, booked.specialist.user.email])
    assert moved.ical_uid == booked.ical_uid
    assert sent_events() == [
        (email, "REQUEST", booked.ical_uid, 1, moved.starts_at) for email in people_
    ]
    to_participant = next(m for m in mail.outbox if m.to == [booked.participant.user.email])
    assert to_participant.subject.startswith("Moved: peer support session")
    with timezone.override(NEW_YORK):
        was = f"{timezone.localtime(first):%A} {first.day}"
    assert f"has moved from {was}" in to_participant.body
    assert AuditEvent.objects.filter(action="appointment.moved_email_sent").count() == 1

    # Moved again, then cancelled: the same event each time, its SEQUENCE still growing.
    mail.outbox.clear()
    again = services.appointment_reschedule(
        actor=people[Role.PARTICIPANT], appointment=moved, starts_at=first + timedelta(days=2)
    )
    run_worker()
    services.appointment_cancel(actor=again.specialist, appointment=again)
    run_worker()
    assert sorted(e[1:4] for e in sent_events()) == [
        ("CANCEL", booked.ical_uid, 3),
        ("CANCEL", booked.ical_uid, 3),
        ("REQUEST", booked.ical_uid, 2),
        ("REQUEST", booked.ical_uid, 2),
    ]


def test_a_session_moved_and_cancelled_before_the_worker_runs_sends_only_the_cancellation(
    booked, people
):
    moved = services.appointment_reschedule(
        actor=people[Role.PARTICIPANT],
        appointment=booked,
        starts_at=booked.starts_at + timedelta(days=1),
    )
    services.appointment_cancel(actor=people[Role.PARTICIPANT], appointment=moved)
    run_worker()
    assert [e[1:4] for e in sent_events()] == [("CANCEL", booked.ical_uid, 2)] * 2


def test_a_calendar_feed_lists_a_moved_session_once_at_its_new_time(client, booked, people):
    moved = services.appointment_reschedule(
        actor=people[Role.PARTICIPANT],
        appointment=booked,
        starts_at=booked.starts_at + timedelta(days=1),
    )
    factories.sign_in(client, people[Role.PARTICIPANT])
    client.post("/calendar/feeds/")
    url = client.get("/calendar/feeds/").context["new_feed_url"]
    client.logout()
    calendar = Calendar.from_ical(client.get(url.split("testserver", 1)[1]).content)
    (event,) = calendar.walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"]) == (booked.ical_uid, 1)
    assert event.decoded("DTSTART") == moved.starts_at


def test_texts_for_participants_who_prefer_them(org, people, settings, tmp_path):
    settings.PEERWELL_SMS_DIR = str(tmp_path)
    specialist = always_open(people)
    record = factories.participant(org, contact_method="text", phone="5035550100")
    factories.consents(record, people[Role.ADMIN], "services")
    starts_at = datetime.combine(timezone.localdate() + timedelta(days=2), time(12), NEW_YORK)
    appointment = factories.staff_booking(specialist, record, starts_at)
    run_worker()  # the booking's task makes and queues the reminders
    assert set(appointment.reminders.values_list("channel", flat=True)) == {"sms"}
    make_due("send_reminder")
    run_worker()
    texts = sorted(tmp_path.iterdir())
    assert len(texts) == 2
    assert texts[0].read_text().startswith("To: 5035550100")
    assert "peer support session" in texts[0].read_text()


def test_no_reminder_is_made_for_a_time_already_past(org, people):
    specialist = always_open(people)
    record = factories.participant(org, email="p@example.org", contact_method="email")
    factories.consents(record, people[Role.ADMIN], "services")
    now = timezone.now()
    soon = open_slot_starts(specialist, now, now + timedelta(hours=6), for_participant=False)[2]
    appointment = factories.staff_booking(specialist, record, soon)
    run_worker()
    assert list(
        Reminder.objects.filter(appointment=appointment).values_list("hours_before", flat=True)
    ) == [1]


def test_a_private_calendar_feed_lists_sessions_until_it_is_stopped(client, booked, people):
    participant = people[Role.PARTICIPANT]
    factories.sign_in(client, participant)
    response = client.post("/calendar/feeds/")
    assert response.status_code == 302
    page = client.get("/calendar/feeds/")
    url = page.context["new_feed_url"]
    assert "/calendar/" in url and url.endswith(".ics")
    path = url.split("testserver", 1)[1]

    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == booked.ical_uid
    assert "Rosa" not in feed.content.decode()
    assert AuditEvent.objects.filter(action="calendar_feed.read").count() == 1

    factories.sign_in(client, participant)
    client.post("/calendar/feeds/revoke/")
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_reminder_goes_the_way_the_participant_asks_for_now(booked, settings, tmp_path):
    settings.PEERWELL_SMS_DIR = str(tmp_path)
    run_worker()
    mail.outbox.clear()
    participant = booked.participant
    participant.contact_method, participant.phone = "text", "5035550111"
    participant.save()
    make_due("send_reminder")
    run_worker()
    assert mail.outbox == []
    assert len(list(tmp_path.iterdir())) == 2
    assert set(
        AuditEvent.objects.filter(action="reminder.sent").values_list("detail__channel", flat=True)
    ) == {"sms"}


def test_no_email_goes_to_an_address_the_participant_did_not_choose(org, people):
    specialist = always_open(people)
    # Phone only, no messages: the email staff typed in is not a way to reach them.
    record = factories.participant(org, contact_method="phone", email="shared@example.org")
    factories.consents(record, people[Role.ADMIN], "services")
    starts_at = datetime.combine(timezone.localdate() + timedelta(days=3), time(12), NEW_YORK)
    appointment = factories.staff_booking(specialist, record, starts_at)
    run_worker()
    assert [m.to for m in mail.outbox] == [[specialist.user.email]]
    assert not appointment.reminders.exists()
