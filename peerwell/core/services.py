import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from peerwell.audit.services import audit_record
from peerwell.core.models import Organization


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


def refuse_in_production(what: str) -> None:
    """Demo and benchmark data carry published passwords and keys: never in production."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured(f"{what} is refused in production (PEERWELL_ENV=production)")
