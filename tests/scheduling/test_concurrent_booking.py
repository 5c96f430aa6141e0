"""Fifty people press "Book" for the same slot at once, over real HTTP.

The server is uvicorn with three worker processes on the test database (SQLite file or
PostgreSQL), as in production, so the requests really race: in separate processes, on
separate connections. Exactly one booking may succeed; every other person must be told
plainly that the time was just taken.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from peerwell.core.roles import Role
from peerwell.scheduling import services
from peerwell.scheduling.models import Appointment, AppointmentStatus
from peerwell.scheduling.rules import WeeklyHours
from tests import factories

PEOPLE = 50
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def server(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "uvicorn"),
            "peerwell.asgi:application",
            "--host=127.0.0.1",
            f"--port={port}",
            "--workers=3",
            "--lifespan=off",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url(), "DATABASE_POOL_SIZE": "4"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/health/", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, (
            tmp_path / "server.log"
        ).read_text()
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=15)
    log.close()


def test_fifty_concurrent_bookings_of_one_slot_give_exactly_one_appointment(org, people, server):
    specialist = factories.certified(people[Role.SPECIALIST], caseload_capacity=PEOPLE + 5)
    services.availability_set_weekly(
        actor=specialist,
        specialist=specialist,
        hours=[WeeklyHours(day, clock(9), clock(17)) for day in range(7)],
    )
    zone = ZoneInfo(org.time_zone)
    slot = datetime.combine(timezone.localdate() + timedelta(days=3), clock(10), zone)
    book_url = f"{server}/peers/{specialist.pk}/book/"

    clients = []
    for n in range(PEOPLE):
        membership = factories.member(org, Role.PARTICIPANT)
        record = factories.participant(org, user=membership.user, email="")
        factories.consents(record, people[Role.ADMIN], "services")
        django_client = Client()
        django_client.force_login(membership.user)
        http = httpx.Client(
            base_url=server,
            cookies={"sessionid": django_client.cookies["sessionid"].value},
            timeout=60,
        )
        page = http.get(book_url)
        assert page.status_code == 200, (n, page.status_code)
        assert slot.isoformat() in page.text
        clients.append(http)

    barrier = threading.Barrier(PEOPLE)
    answers: list[httpx.Response | Exception] = [None] * PEOPLE

    def press_book(n: int) -> None:
        http = clients[n]
        barrier.wait()
        try:
            answers[n] = http.post(
                book_url,
                data={"starts_at": slot.isoformat(), "modality": "phone"},
                headers={"X-CSRFToken": http.cookies["csrftoken"]},
            )
        except httpx.HTTPError as error:
            answers[n] = error

    started = time.monotonic()
    threads = [threading.Thread(target=press_book, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for http in clients:
        http.close()

    statuses = [getattr(answer, "status_code", repr(answer)) for answer in answers]
    booked = [a for a in answers if getattr(a, "status_code", None) == 302]
    refused = [a for a in answers if getattr(a, "status_code", None) == 409]
    print(
        f"\n{connection.vendor}: {PEOPLE} concurrent bookings of one slot in {elapsed:.2f}s: "
        f"{len(booked)} booked (302), {len(refused)} told it was just taken (409), "
        f"others: {[s for s in statuses if s not in (302, 409)]}"
    )
    assert len(booked) == 1, statuses
    assert len(refused) == PEOPLE - 1, statuses
    assert all("That time was just taken" in answer.text for answer in refused)
    assert booked[0].headers["Location"].startswith("/sessions/")
    assert (
        Appointment.objects.filter(
            specialist=specialist, starts_at=slot, status=AppointmentStatus.BOOKED
        ).count()
        == 1
    )
    assert Appointment.objects.filter(specialist=specialist).count() == 1
