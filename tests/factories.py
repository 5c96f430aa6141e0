"""Test data in one place: organizations, people in each role, signed-in clients."""

import io
import itertools
from datetime import timedelta

from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from peerwell.accounts.models import Membership, Team, User
from peerwell.core.models import Organization
from peerwell.core.roles import STAFF_ROLES, Role
from peerwell.notes.models import Contact, GoalNote
from peerwell.participants.models import Assignment, Consent, Participant
from peerwell.scheduling import services as scheduling
from peerwell.scheduling.models import Appointment
from peerwell.workforce.models import Certification, SpecialistProfile

PASSWORD = "a long test passphrase 42"
_counter = itertools.count(1)


def organization(**fields) -> Organization:
    n = next(_counter)
    fields.setdefault("name", f"Program {n}")
    fields.setdefault("slug", f"program-{n}")
    return Organization.objects.create(**fields)


def user(**fields) -> User:
    n = next(_counter)
    fields.setdefault("email", f"person{n}@example.org")
    fields.setdefault("full_name", f"Person {n}")
    password = fields.pop("password", PASSWORD)
    return User.objects.create_user(password=password, **fields)


def member(org: Organization, role: str = Role.SPECIALIST, **user_fields) -> Membership:
    return Membership.objects.create(organization=org, user=user(**user_fields), role=role)


def totp_device(person: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, membership_or_user) -> None:
    """Sign a test client in; staff also pass the second factor, as after a real sign-in."""
    person = getattr(membership_or_user, "user", membership_or_user)
    client.force_login(person, backend="peerwell.accounts.auth.AccountBackend")
    if any(m.role in STAFF_ROLES for m in person.memberships.all()):
        device = TOTPDevice.objects.filter(user=person, confirmed=True).first() or totp_device(
            person
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def participant(org: Organization, specialist: Membership | None = None, **fields):
    """A participant, on `specialist`'s caseload when one is given."""
    n = next(_counter)
    creator = (
        specialist or Membership.objects.filter(organization=org).first() or member(org, Role.ADMIN)
    )
    fields.setdefault("preferred_name", f"Participant {n}")
    fields.setdefault("legal_name", fields["preferred_name"])
    record = Participant.objects.create(organization=org, created_by=creator, **fields)
    if specialist is not None:
        Assignment.objects.create(
            organization=org, participant=record, specialist=specialist, assigned_by=specialist
        )
    return record


def team(supervisor: Membership, *specialists: Membership):
    group = Team.objects.create(
        organization=supervisor.organization, name=f"Team {next(_counter)}", supervisor=supervisor
    )
    group.specialists.set(specialists)
    return group


def note(org: Organization, specialist: Membership, for_participant=None, **fields):
    """A contact and its goal note (a draft unless fields say otherwise)."""
    for_participant = for_participant or participant(org, specialist)
    contact = Contact.objects.create(
        organization=org,
        participant=for_participant,
        specialist=specialist,
        kind="individual",
        occurred_at=timezone.now() - timedelta(hours=1),
        duration_minutes=45,
    )
    fields.setdefault("sign_due_at", timezone.now() + timedelta(days=3))
    return GoalNote.objects.create(
        organization=org, contact=contact, participant=for_participant, author=specialist, **fields
    )


def appointment(org: Organization, specialist: Membership, for_participant, **fields):
    """A booked session, written directly (booking rules are tested through the service)."""
    starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=3))
    return Appointment.objects.create(
        organization=org,
        participant=for_participant,
        specialist=specialist,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=org.session_minutes),
        modality=fields.pop("modality", "phone"),
        booked_by=specialist.user,
        **fields,
    )


def staff_booking(specialist: Membership, for_participant, starts_at, modality="phone"):
    """A session the specialist books for a participant through the booking service, so
    every booking rule applies (unlike `appointment`)."""
    return scheduling.appointment_book(
        actor=specialist,
        participant=for_participant,
        specialist=specialist,
        starts_at=starts_at,
        modality=modality,
    )


def certified(specialist: Membership, **profile_fields) -> Membership:
    """Make a specialist bookable by new participants: a profile and a verified credential."""
    today = specialist.organization.today()
    SpecialistProfile.objects.update_or_create(
        membership=specialist,
        defaults={"organization": specialist.organization, **profile_fields},
    )
    Certification.objects.create(
        organization=specialist.organization,
        specialist=specialist,
        name="Certified Peer Specialist",
        issuer="State certification board",
        issued_on=today - timedelta(days=365),
        expires_on=today + timedelta(days=365),
        verified_at=timezone.now(),
    )
    return specialist


def consents(for_participant, recorded_by: Membership, *kinds: str) -> None:
    for kind in kinds or ("services", "telehealth"):
        Consent.objects.create(
            organization=for_participant.organization,
            participant=for_participant,
            kind=kind,
            given_on=for_participant.organization.today(),
            evidence="signed online",
            recorded_by=recorded_by,
        )


def photo_bytes(size=(800, 600), exif_gps: bool = False, format: str = "JPEG") -> bytes:
    """An image file as a phone might upload it, optionally with a location in its EXIF."""
    image = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (45.0, 31.0, 12.0)}  # GPSInfo: latitude
        exif[0x010F] = "PhoneMaker"  # camera make
    out = io.BytesIO()
    image.save(out, format=format, exif=exif)
    return out.getvalue()
