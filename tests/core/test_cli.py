"""The `peerwell` command and the demo data."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peerwell.accounts.models import Membership, Team, User
from peerwell.audit.selectors import audit_verify
from peerwell.core.models import Organization
from peerwell.core.roles import Role
from peerwell.demo import data as demo_data
from peerwell.notes.models import GoalNote
from peerwell.participants.models import Participant
from peerwell.scheduling.models import Appointment
from peerwell.workforce.models import SpecialistProfile
from peerwell.workforce.selectors import offered_specialists
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_seed_demo_is_idempotent_and_covers_every_role(db, capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Membership.objects.count(), Team.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Membership.objects.count(), Team.objects.count()) == counts
    org = Organization.objects.get(slug=demo_data.ORGANIZATION["slug"])
    assert org.is_demo
    roles = set(Membership.objects.in_org(org).values_list("role", flat=True))
    assert roles == set(Role)
    assert SpecialistProfile.objects.in_org(org).exclude(lived_experience=[]).count() == 3
    assert Participant.objects.in_org(org).filter(user__isnull=False).count() == 7
    # Sessions booked for the coming days, and peers the newcomer can be offered.
    assert Appointment.objects.in_org(org).count() == len(demo_data.APPOINTMENTS)
    assert offered_specialists(org).count() == 2  # the third's certification is pending
    states = {
        (n.status, n.cosign_status, bool(n.scope_flags)) for n in GoalNote.objects.in_org(org)
    }
    assert ("draft", "not_required", True) in states  # a draft the scope guard flagged
    assert ("signed", "returned", False) in states  # returned by the supervisor
    assert audit_verify()[1] == []
    out = capsys.readouterr().out
    assert "participant@riverbend.example" in out and demo_data.DEMO_PASSWORD in out


def test_demo_code_refuses_accounts_outside_the_demo(db, people):
    factories.totp_device(people[Role.SPECIALIST].user)
    with pytest.raises(CommandError):
        call_command("demo_code", people[Role.SPECIALIST].user.email)


def test_the_console_command_maps_hyphens_and_reports_audit_status(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PEERWELL_VAR": str(tmp_path),
        "PEERWELL_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "peerwell", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    assert run("migrate").returncode == 0
    seeded = run("seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    verified = run("audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        (event_id,) = db.execute(
            "SELECT id FROM audit_auditevent ORDER BY id LIMIT 1 OFFSET 3"
        ).fetchone()
        db.execute("UPDATE audit_auditevent SET action = 'tampered' WHERE id = ?", (event_id,))
    broken = run("audit", "verify")
    assert broken.returncode == 1
    assert f"event {event_id}" in broken.stderr and "changed" in broken.stderr
