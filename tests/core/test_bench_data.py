from io import StringIO

from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import Membership, Team, User
from peerwell.core.management.commands.bench_data import (
    BENCH_PASSWORD,
    BENCH_SPECIALIST_EMAIL,
    ORGANIZATION,
    bench_totp_key,
)
from peerwell.core.models import Organization
from peerwell.core.roles import Role
from peerwell.workforce.models import SpecialistProfile


def _counts(organization) -> dict:
    members = Membership.objects.in_org(organization)
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        **{role: members.filter(role=role).count() for role in Role},
        "profiles": SpecialistProfile.objects.in_org(organization).count(),
        "devices": TOTPDevice.objects.count(),
        "teams": Team.objects.in_org(organization).count(),
    }


def test_bench_data_builds_once(db):
    call_command("bench_data", participants=30, stdout=StringIO())
    organization = Organization.objects.get(slug=ORGANIZATION["slug"])
    first = _counts(organization)

    call_command("bench_data", participants=30, stdout=StringIO())

    assert _counts(organization) == first
    assert first[Role.SPECIALIST] == 100
    assert first[Role.PARTICIPANT] == 30
    assert first[Role.ADMIN] == first[Role.AUDITOR] == 1
    assert first[Role.SUPERVISOR] == first["teams"] > 0
    assert first["profiles"] == 100
    assert first["memberships"] == first["users"] == 100 + 30 + first[Role.SUPERVISOR] + 2
    assert not Membership.objects.exclude(organization=organization).exists()
    assert not organization.is_demo


def test_bench_specialist_can_sign_in(db):
    call_command("bench_data", participants=3, stdout=StringIO())

    specialist = User.objects.get(email=BENCH_SPECIALIST_EMAIL)
    assert check_password(BENCH_PASSWORD, specialist.password)
    device = TOTPDevice.objects.get(user=specialist, confirmed=True)
    assert device.key == bench_totp_key(BENCH_SPECIALIST_EMAIL)
    participant = Membership.objects.filter(role=Role.PARTICIPANT).first().user
    assert not participant.has_usable_password()
