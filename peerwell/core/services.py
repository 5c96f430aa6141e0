import base64
import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import Membership, Team, User
from peerwell.accounts.services import membership_create, team_create, user_create
from peerwell.audit.services import audit_record
from peerwell.core import demo_data
from peerwell.core.models import Organization
from peerwell.core.roles import STAFF_ROLES, Role
from peerwell.workforce.models import SpecialistProfile


def organization_create(*, name: str, slug: str, is_demo: bool = False, **fields) -> Organization:
    with transaction.atomic():
        organization = Organization.objects.create(name=name, slug=slug, is_demo=is_demo, **fields)
        audit_record(action="organization.created", organization=organization, obj=organization)
    return organization


def synthetic_totp_key(purpose: str, email: str) -> str:
    """A fixed authenticator key (hex) for a synthetic demo or benchmark account.

    Derived, not random, so the key printed for the demo works on every run and the
    benchmark runner can compute codes. Never used for real accounts.
    """
    return hashlib.sha256(f"peerwell-{purpose}-totp:{email}".encode()).hexdigest()[:40]


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
        SpecialistProfile.objects.get_or_create(
            membership=membership,
            defaults={
                "organization": organization,
                "lived_experience": person["lived_experience"],
                "languages": person["languages"],
                "story": person["story"],
            },
        )
    return membership


def refuse_in_production(what: str) -> None:
    """Demo and benchmark data carry published passwords and keys: never in production."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured(f"{what} is refused in production (PEERWELL_ENV=production)")


def demo_seed() -> Organization:
    """Create the synthetic demo organization; running it again adds nothing twice."""
    refuse_in_production("Loading the demo organization")
    with transaction.atomic():
        organization = Organization.objects.filter(slug=demo_data.ORGANIZATION["slug"]).first()
        if organization is None:
            organization = organization_create(**demo_data.ORGANIZATION, is_demo=True)
        staff = [_demo_member(organization, p, p["role"]) for p in demo_data.STAFF]
        for person in demo_data.PARTICIPANTS:
            _demo_member(organization, person, Role.PARTICIPANT)
        if not Team.objects.in_org(organization).filter(name=demo_data.TEAM_NAME).exists():
            team_create(
                actor=next(m for m in staff if m.role == Role.ADMIN),
                name=demo_data.TEAM_NAME,
                supervisor=next(m for m in staff if m.role == Role.SUPERVISOR),
                specialists=[m for m in staff if m.role == Role.SPECIALIST],
            )
    return organization
