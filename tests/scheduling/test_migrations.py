"""Migrations that compute data: they give existing rows what the services give new ones."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from peerwell.core.roles import Role
from peerwell.scheduling import services
from peerwell.scheduling.models import Appointment
from peerwell.scheduling.rules import WeeklyHours
from tests import factories


def _migrate(app: str, name: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([(app, name)])


@pytest.mark.django_db(transaction=True)
def test_sessions_moved_before_0002_join_the_event_of_their_first_booking(org, people):
    specialist = factories.certified(people[Role.SPECIALIST])
    services.availability_set_weekly(
        actor=specialist,
        specialist=specialist,
        hours=[WeeklyHours(day, time(0), time(23, 59)) for day in range(7)],
    )
    record = factories.participant(org, specialist)
    factories.consents(record, people[Role.ADMIN], "services")
    noon = datetime.combine(timezone.localdate() + timedelta(days=3), time(12), ZoneInfo("UTC"))
    chain = [factories.staff_booking(specialist, record, noon)]
    for days in (1, 2):
        chain.append(
            services.appointment_reschedule(
                actor=specialist, appointment=chain[-1], starts_at=noon + timedelta(days=days)
            )
        )
    unmoved = factories.staff_booking(specialist, record, noon + timedelta(hours=2))
    expected = {
        chain[0].pk: (None, 0),
        chain[1].pk: (chain[0].pk, 1),
        chain[2].pk: (chain[0].pk, 2),
        unmoved.pk: (None, 0),
    }

    def numbered() -> dict[int, tuple[int | None, int]]:
        return {a.pk: (a.first_booking_id, a.moves) for a in Appointment.objects.all()}

    assert numbered() == expected  # as the booking service numbers them
    _migrate("scheduling", "0001_initial")
    _migrate("scheduling", "0002_appointment_first_booking_moves")
    assert numbered() == expected
    moved = Appointment.objects.filter(pk__in=[a.pk for a in chain])
    assert {a.ical_uid for a in moved} == {chain[0].ical_uid}
