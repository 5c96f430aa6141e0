"""The booking pages, through the test client."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from peerwell.core.roles import Role
from peerwell.scheduling import services
from peerwell.scheduling.models import Appointment, AppointmentStatus
from peerwell.scheduling.rules import WeeklyHours
from tests import factories


@pytest.fixture
def phone_peer(people):
    """A certified peer who meets by phone, open 9 to 5 every day."""
    specialist = factories.certified(people[Role.SPECIALIST], modalities=["phone"])
    services.availability_set_weekly(
        actor=specialist,
        specialist=specialist,
        hours=[WeeklyHours(day, time(9), time(17)) for day in range(7)],
    )
    return specialist


@pytest.fixture
def own_record(org, people):
    """The participant's record, with their account and consent to services; no peer yet."""
    record = factories.participant(org, user=people[Role.PARTICIPANT].user)
    factories.consents(record, people[Role.ADMIN], "services")
    return record


def test_moving_a_session_asks_only_for_the_new_time(client, org, people, phone_peer, own_record):
    specialist, record = phone_peer, own_record
    day = timezone.localdate() + timedelta(days=3)
    zone = ZoneInfo(org.time_zone)
    booked = services.appointment_book(
        actor=people[Role.PARTICIPANT],
        participant=record,
        specialist=specialist,
        starts_at=datetime.combine(day, time(10), zone),
        modality="phone",
    )
    factories.sign_in(client, people[Role.PARTICIPANT])
    page = client.get(f"/sessions/{booked.pk}/reschedule/")
    assert "How would you like to meet?" not in page.content.decode()

    new_time = datetime.combine(day + timedelta(days=1), time(11), zone)
    response = client.post(
        f"/sessions/{booked.pk}/reschedule/", {"starts_at": new_time.isoformat()}
    )
    moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{moved.pk}/?booked=1"
    assert (moved.starts_at, moved.modality, moved.rescheduled_from) == (new_time, "phone", booked)
    # The session's page says so, without the message being kept for a later page.
    confirmed = "Your session is moved. A confirmation is on its way by email."
    assert confirmed in client.get(response["Location"]).content.decode()
    assert "_messages" not in client.session
    assert confirmed not in client.get(f"/sessions/{moved.pk}/").content.decode()
    # The flag says nothing on a session that is no longer booked; its page (linked from
    # the first confirmation) says where the session went.
    old_page = client.get(f"/sessions/{booked.pk}/?booked=1").content.decode()
    assert confirmed not in old_page
    assert f'Moved to <a href="/sessions/{moved.pk}/">' in old_page
    factories.sign_in(client, people[Role.SPECIALIST])
    page = client.get(f"/sessions/{moved.pk}/?booked=1").content.decode()
    assert "The session is moved." not in page  # someone else moved it
    # Staff who move it themselves are told so.
    response = client.post(
        f"/sessions/{moved.pk}/reschedule/",
        {"starts_at": (new_time + timedelta(days=1)).isoformat()},
    )
    assert "The session is moved." in client.get(response["Location"]).content.decode()


def test_the_page_to_move_a_session_offers_the_times_it_gives_up(
    client, org, people, phone_peer, own_record
):
    specialist, record = phone_peer, own_record
    zone = ZoneInfo(org.time_zone)
    on_the_hour = datetime.combine(timezone.localdate() + timedelta(days=3), time(10), zone)
    # Half a step later: off the day's grid, it blocks the grid's times either side.
    step = timedelta(minutes=org.session_minutes + org.buffer_minutes)
    booked = services.appointment_book(
        actor=people[Role.PARTICIPANT],
        participant=record,
        specialist=specialist,
        starts_at=on_the_hour + step / 2,
        modality="phone",
    )
    factories.sign_in(client, people[Role.PARTICIPANT])
    offered = f'value="{on_the_hour.isoformat()}"'
    booking, moving = (
        client.get(f"/peers/{specialist.pk}/book/"),
        client.get(f"/sessions/{booked.pk}/reschedule/"),
    )
    assert booking.status_code == moving.status_code == 200
    assert offered not in booking.content.decode() and offered in moving.content.decode()


def test_the_booking_page_reads_a_fixed_number_of_queries(
    client, org, people, phone_peer, own_record, django_assert_num_queries
):
    specialist, record = phone_peer, own_record
    for days in (2, 3, 4):
        start = datetime.combine(timezone.localdate() + timedelta(days=days), time(10))
        factories.staff_booking(specialist, record, start.replace(tzinfo=ZoneInfo(org.time_zone)))
    factories.sign_in(client, people[Role.PARTICIPANT])
    client.get(f"/peers/{specialist.pk}/book/")
    # Session, membership with its account and organization; the participant; the peer
    # with their account and profile; the audit event (chain head, event, head again);
    # weekly hours; exceptions and sessions together. Not the organization again, for
    # the peer or their sessions, however many sessions.
    with django_assert_num_queries(9):
        page = client.get(f"/peers/{specialist.pk}/book/")
    assert page.status_code == 200 and page.context["days"]


def test_the_calendar_puts_each_session_on_its_day_in_the_specialists_zone(client, org, people):
    specialist = people[Role.SPECIALIST]
    specialist.user.time_zone = "America/Los_Angeles"
    specialist.user.save()
    record = factories.participant(org, specialist)
    zone = ZoneInfo("America/Los_Angeles")
    monday = timezone.localdate() + timedelta(days=14 - timezone.localdate().weekday())
    # 22:30 on Monday in Los Angeles is Tuesday in UTC.
    late = factories.appointment(
        org, specialist, record, starts_at=datetime.combine(monday, time(22, 30), zone)
    )
    factories.sign_in(client, specialist)

    days = dict(client.get(f"/schedule/?view=week&date={monday}").context["days"])

    assert list(days) == [monday + timedelta(days=n) for n in range(7)]
    assert days[monday] == [late] and days[monday + timedelta(days=1)] == []


def test_a_session_page_reads_the_organization_no_second_time(
    client, org, people, django_assert_num_queries
):
    record = factories.participant(org, user=people[Role.PARTICIPANT].user)
    session = factories.appointment(org, people[Role.SPECIALIST], record)
    factories.sign_in(client, people[Role.PARTICIPANT])
    client.get(f"/sessions/{session.pk}/")
    # Session, membership with its account; the session with its participant and peer;
    # the audit event (chain head, event, head again). The cancellation window is the
    # organization's, read with the membership.
    with django_assert_num_queries(6):
        page = client.get(f"/sessions/{session.pk}/")
    assert page.status_code == 200 and page.context["may_change"] is True
