"""`peerwell bench-data`: the benchmark organization, built fast and only once.

Every account here is synthetic. Staff share one password and get an authenticator key
derived from their email, so the benchmark runner (`python -m bench.run`) can sign in as
any of them; participants get unusable passwords, since none of them signs in.
"""

import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import Membership, Team, User
from peerwell.audit.services import audit_record
from peerwell.core.models import Organization
from peerwell.core.roles import STAFF_ROLES, Role
from peerwell.core.services import (
    organization_create,
    refuse_in_production,
    synthetic_totp_key,
)
from peerwell.workforce.models import LivedExperience, SpecialistProfile

ORGANIZATION = {"name": "Peerwell benchmark", "slug": "bench"}
EMAIL_DOMAIN = "bench.example"
BENCH_PASSWORD = "bench-only-passphrase-7"  # noqa: S105  (synthetic benchmark staff only)
BENCH_SPECIALIST_EMAIL = f"bench-specialist@{EMAIL_DOMAIN}"
SPECIALISTS = 100
TEAMS = 5  # one supervisor each; the specialists are shared out between them
BATCH_SIZE = 1000


def bench_totp_key(email: str) -> str:
    """The authenticator key (hex) of a bench staff account, known to the runner."""
    return synthetic_totp_key("bench", email)


def _people(participants: int) -> list[tuple[str, str, str]]:
    """(email, full name, role) of every bench account, in a fixed order."""
    people = [(BENCH_SPECIALIST_EMAIL, "Bench Specialist 001", Role.SPECIALIST)]
    people += [
        (f"bench-specialist-{i:03d}@{EMAIL_DOMAIN}", f"Bench Specialist {i:03d}", Role.SPECIALIST)
        for i in range(2, SPECIALISTS + 1)
    ]
    people += [
        (f"bench-supervisor-{i}@{EMAIL_DOMAIN}", f"Bench Supervisor {i}", Role.SUPERVISOR)
        for i in range(1, TEAMS + 1)
    ]
    people += [
        (f"bench-admin@{EMAIL_DOMAIN}", "Bench Admin", Role.ADMIN),
        (f"bench-auditor@{EMAIL_DOMAIN}", "Bench Auditor", Role.AUDITOR),
    ]
    people += [
        (
            f"bench-participant-{i:06d}@{EMAIL_DOMAIN}",
            f"Bench Participant {i:06d}",
            Role.PARTICIPANT,
        )
        for i in range(1, participants + 1)
    ]
    return people


def _bench_emails() -> dict[str, int]:
    # A suffix filter, not `email__in`: SQLite limits how many parameters one query takes.
    return dict(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("email", "pk"))


def _create_users(people: list[tuple[str, str, str]]) -> int:
    existing = _bench_emails()
    # Hashing is the slow part: staff share one hash, participants get none.
    staff_password = make_password(BENCH_PASSWORD)
    unusable = make_password(None)
    users = [
        User(
            email=email,
            full_name=name,
            password=staff_password if role in STAFF_ROLES else unusable,
        )
        for email, name, role in people
        if email not in existing
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    return len(users)


def _create_memberships(organization, people, user_ids: dict[str, int]) -> int:
    members = set(Membership.objects.in_org(organization).values_list("user_id", flat=True))
    memberships = [
        Membership(organization=organization, user_id=user_ids[email], role=role)
        for email, _name, role in people
        if user_ids[email] not in members
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    return len(memberships)


def _create_profiles(organization) -> int:
    experiences = [choice for choice, _label in LivedExperience.choices]
    missing = (
        Membership.objects.in_org(organization)
        .filter(role=Role.SPECIALIST, specialist_profile__isnull=True)
        .order_by("pk")
    )
    profiles = [
        SpecialistProfile(
            organization=organization,
            membership=membership,
            lived_experience=[
                experiences[i % len(experiences)],
                experiences[(i + 3) % len(experiences)],
            ],
            languages=["en", "es"] if i % 4 == 0 else ["en"],
            story="A synthetic story for the benchmark.",
        )
        for i, membership in enumerate(missing)
    ]
    SpecialistProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
    return len(profiles)


def _create_devices(people, user_ids: dict[str, int]) -> int:
    staff_ids = {user_ids[email]: email for email, _name, role in people if role in STAFF_ROLES}
    enrolled = set(
        TOTPDevice.objects.filter(user_id__in=staff_ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    devices = [
        TOTPDevice(
            user_id=user_id, name="Bench authenticator", key=bench_totp_key(email), confirmed=True
        )
        for user_id, email in staff_ids.items()
        if user_id not in enrolled
    ]
    TOTPDevice.objects.bulk_create(devices, batch_size=BATCH_SIZE)
    return len(devices)


def _create_teams(organization) -> int:
    if Team.objects.in_org(organization).exists():
        return 0
    by_role = Membership.objects.in_org(organization).order_by("pk")
    supervisors = list(by_role.filter(role=Role.SUPERVISOR))
    specialists = list(by_role.filter(role=Role.SPECIALIST))
    teams = Team.objects.bulk_create(
        Team(organization=organization, name=f"Bench team {i}", supervisor=supervisor)
        for i, supervisor in enumerate(supervisors, start=1)
    )
    # SQLite and PostgreSQL both hand back the new ids from a bulk insert.
    Team.specialists.through.objects.bulk_create(
        Team.specialists.through(team_id=teams[i % len(teams)].pk, membership_id=s.pk)
        for i, s in enumerate(specialists)
    )
    return len(teams)


def bench_data_build(participants: int) -> dict[str, int]:
    """Create the bench organization and whatever of its people are missing; return counts."""
    refuse_in_production("Loading benchmark data")
    people = _people(participants)
    with transaction.atomic():
        organization = Organization.objects.filter(slug=ORGANIZATION["slug"]).first()
        if organization is None:
            organization = organization_create(**ORGANIZATION)
        created = {"users": _create_users(people)}
        user_ids = _bench_emails()
        created["memberships"] = _create_memberships(organization, people, user_ids)
        created["specialist_profiles"] = _create_profiles(organization)
        created["authenticators"] = _create_devices(people, user_ids)
        created["teams"] = _create_teams(organization)
        if any(created.values()):
            # Bulk inserts skip the per-row audit events; one event says what was loaded.
            audit_record(
                action="bench.data_loaded",
                organization=organization,
                obj=organization,
                detail=created,
            )
    return created


class Command(BaseCommand):
    help = "Create the synthetic benchmark organization (slug 'bench'); running it again adds nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=2000)

    def handle(self, *args, participants, **options):
        if participants < 0:
            raise CommandError("--participants must be 0 or more")
        started = time.perf_counter()
        created = bench_data_build(participants)
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark organization ready in {time.perf_counter() - started:.1f}s "
                f"(created {summary})"
            )
        )
