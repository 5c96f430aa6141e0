"""The synthetic demo organization: `peerwell seed-demo` and `peerwell demo` load it.

Every name and detail is invented. It lives apart from the apps because it uses all of them.
"""

import base64
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import Membership, Team, User
from peerwell.accounts.services import membership_create, team_create, user_create
from peerwell.core.models import Organization
from peerwell.core.roles import STAFF_ROLES, Role
from peerwell.core.services import organization_create, refuse_in_production, synthetic_totp_key
from peerwell.demo import data as demo_data
from peerwell.notes import services as notes
from peerwell.participants import services as participants
from peerwell.participants.models import Participant
from peerwell.scheduling.models import Appointment
from peerwell.scheduling.rules import WeeklyHours
from peerwell.scheduling.selectors import open_slot_starts
from peerwell.scheduling.services import appointment_book, availability_set_weekly
from peerwell.workforce.models import SpecialistProfile
from peerwell.workforce.services import certification_record

DEMO_PROFILE_FIELDS = (
    "lived_experience",
    "languages",
    "story",
    "specializations",
    "modalities",
    "gender",
    "age_range",
)


def demo_totp_secret(email: str) -> str:
    return base64.b32encode(bytes.fromhex(synthetic_totp_key("demo", email))).decode()


def _demo_member(organization: Organization, person: dict, role: str) -> Membership:
    user = User.objects.filter(email__iexact=person["email"]).first()
    if user is None:
        user = user_create(
            email=person["email"],
            full_name=person["full_name"],
            preferred_name=person.get("preferred_name", ""),
            password=demo_data.DEMO_PASSWORD,
        )
    membership = Membership.objects.filter(organization=organization, user=user).first()
    if membership is None:
        membership = membership_create(organization=organization, user=user, role=role)
    if role in STAFF_ROLES and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user,
            name="Demo authenticator",
            key=synthetic_totp_key("demo", user.email),
            confirmed=True,
        )
    if role == Role.SPECIALIST:
        _demo_specialist(organization, membership, person)
    return membership


def _demo_specialist(organization: Organization, membership: Membership, person: dict) -> None:
    """Profile, certification (unless pending) and weekly hours of a demo specialist."""
    _profile, created = SpecialistProfile.objects.get_or_create(
        membership=membership,
        defaults={
            "organization": organization,
            "notes_need_cosign": person.get("notes_need_cosign", False),
            **{field: person[field] for field in DEMO_PROFILE_FIELDS},
        },
    )
    if not created:
        return
    admin = Membership.objects.in_org(organization).filter(role=Role.ADMIN).first()
    today = timezone.localdate()
    if person["certified"]:
        certification_record(
            actor=admin,
            specialist=membership,
            name="Certified Peer Support Specialist",
            issuer="State Peer Certification Board",
            number=f"CPSS-{membership.pk:05d}",
            issued_on=today - timedelta(days=400),
            expires_on=today + timedelta(days=330),
        )
    hours = [
        WeeklyHours(day, time.fromisoformat(starts), time.fromisoformat(ends))
        for days, starts, ends in person["hours"]
        for day in days
    ]
    availability_set_weekly(actor=membership, specialist=membership, hours=hours)


def _demo_records(organization: Organization, staff: dict[str, Membership]) -> None:
    """Participant records, consents, contacts and notes in every state a dashboard shows."""
    if Participant.objects.in_org(organization).exists():
        return
    admin = next(m for m in staff.values() if m.role == Role.ADMIN)
    records = {}
    for email, record, specialist_email in demo_data.RECORDS:
        specialist = staff[specialist_email]
        person = participants.participant_intake(
            actor=specialist,
            record={**record, "user": User.objects.get(email=email)},
            status="active",
            not_a_duplicate=True,
        )
        participants.consent_record(
            actor=specialist,
            participant=person,
            kind="services",
            given_on=timezone.localdate() - timedelta(days=30),
            evidence="Signed intake form",
        )
        records[record["legal_name"]] = person
    participants.consent_record(
        actor=admin,
        participant=records["Alex Moreno"],
        kind="release",
        given_on=timezone.localdate() - timedelta(days=20),
        evidence="Signed release, scanned",
        recipient="Harbor Clinic",
        purpose="care coordination",
        information="attendance and goals",
        expires_on=timezone.localdate() + timedelta(days=160),
    )
    for legal_name, days_ago, kind, minutes, fields, then in demo_data.NOTES:
        person = records[legal_name]
        author = person.assignments.get(ended_at__isnull=True).specialist
        note = notes.contact_record(
            actor=author,
            participant=person,
            kind=kind,
            duration_minutes=minutes,
            occurred_at=timezone.now() - timedelta(days=days_ago, hours=2),
        )
        steps = [{"description": step, "owner": "participant"} for step in fields.get("steps", [])]
        text = {key: value for key, value in fields.items() if key != "steps"}
        note = notes.note_save_draft(actor=author, note=note, fields=text, action_steps=steps)
        if then in {"sign", "return"}:
            note = notes.note_sign(actor=author, note=note)
        if then == "return":
            supervisor = next(m for m in staff.values() if m.role == Role.SUPERVISOR)
            notes.note_return(
                actor=supervisor, note=note, comment="Please add the next contact date."
            )


def _demo_sessions(organization: Organization) -> None:
    """A participant with no peer yet, and sessions booked for the coming days."""
    if Appointment.objects.in_org(organization).exists():
        return
    email, record = demo_data.NEW_PARTICIPANT
    admin = Membership.objects.in_org(organization).filter(role=Role.ADMIN).first()
    newcomer = participants.participant_intake(
        actor=admin, record={**record, "user": User.objects.get(email=email)}, not_a_duplicate=True
    )
    for kind in ("services", "telehealth"):
        participants.consent_record(
            actor=admin,
            participant=newcomer,
            kind=kind,
            given_on=organization.today(),
            evidence="Agreed online when signing up",
        )
    zone = ZoneInfo(organization.time_zone)
    for legal_name, days, at, modality in demo_data.APPOINTMENTS:
        person = Participant.objects.in_org(organization).get(legal_name=legal_name)
        specialist = person.assignments.get(ended_at__isnull=True, is_primary=True).specialist
        if modality == "video":
            participants.consent_record(
                actor=specialist,
                participant=person,
                kind="telehealth",
                given_on=timezone.localdate() - timedelta(days=30),
                evidence="Signed telehealth consent",
            )
        # The first open time from that day and hour on: the demo starts on any weekday.
        wanted = datetime.combine(
            timezone.localdate(timezone=zone) + timedelta(days=days), time.fromisoformat(at), zone
        )
        starts_at = open_slot_starts(
            specialist, wanted, wanted + timedelta(days=7), for_participant=False
        )[0]
        appointment_book(
            actor=specialist,
            participant=person,
            specialist=specialist,
            starts_at=starts_at,
            modality=modality,
        )


def demo_seed() -> Organization:
    """Create the synthetic demo organization; running it again adds nothing twice."""
    refuse_in_production("Loading the demo organization")
    with transaction.atomic():
        organization = Organization.objects.filter(slug=demo_data.ORGANIZATION["slug"]).first()
        if organization is None:
            organization = organization_create(**demo_data.ORGANIZATION, is_demo=True)
        staff = {p["email"]: _demo_member(organization, p, p["role"]) for p in demo_data.STAFF}
        for person in demo_data.PARTICIPANTS:
            _demo_member(organization, person, Role.PARTICIPANT)
        if not Team.objects.in_org(organization).filter(name=demo_data.TEAM_NAME).exists():
            team_create(
                actor=next(m for m in staff.values() if m.role == Role.ADMIN),
                name=demo_data.TEAM_NAME,
                supervisor=next(m for m in staff.values() if m.role == Role.SUPERVISOR),
                specialists=[m for m in staff.values() if m.role == Role.SPECIALIST],
            )
        _demo_records(organization, staff)
        _demo_sessions(organization)
    return organization
