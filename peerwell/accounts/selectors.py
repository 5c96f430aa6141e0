import math

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import Invitation, Membership, Team, User, invitation_token_hash


def _active_memberships() -> QuerySet[Membership]:
    return (
        Membership.objects.filter(is_active=True)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    return _active_memberships().filter(user=user)


# Built once, annotation included: this query is part of every signed-in request, and
# building it anew (resolving the second-factor subquery each time) cost about a fifth of
# reading it. Each request filters a copy; the query itself is never run.
_SIGNED_IN_MEMBERSHIPS = (
    _active_memberships()
    .select_related("user")
    .annotate(
        account_has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True))
    )
)


def signed_in_memberships(user_id: int) -> list[Membership]:
    """What every signed-in request reads about its account, in one query: the active
    memberships (as `memberships_of`), read with the account, which they share, each
    marked with whether the account has a confirmed second factor (`account_has_totp`).
    Empty when the account has no active membership."""
    memberships = list(_SIGNED_IN_MEMBERSHIPS.filter(user_id=user_id))
    for membership in memberships[1:]:
        membership.user = memberships[0].user
    return memberships


def event_organization(user: User | None, chosen_id: int | None = None):
    """The organization an account-level event (sign-in, second factor) is filed under: the
    one chosen in the session when the person belongs to it, else their first."""
    if user is None:
        return None
    memberships = list(memberships_of(user))
    membership = next((m for m in memberships if m.organization_id == chosen_id), None)
    membership = membership or (memberships[0] if memberships else None)
    return membership.organization if membership else None


def user_has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def staff_members(organization) -> QuerySet[Membership]:
    return (
        Membership.objects.in_org(organization)
        .exclude(role="participant")
        .select_related("user", "specialist_profile")
        .order_by("user__full_name")
    )


def invitations_for(organization) -> QuerySet[Invitation]:
    return Invitation.objects.in_org(organization).select_related("invited_by__user")


def teams_for(organization) -> QuerySet[Team]:
    return (
        Team.objects.in_org(organization)
        .select_related("supervisor__user")
        .prefetch_related("specialists__user")
    )


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def mfa_wait_seconds(device: TOTPDevice | None) -> int:
    """Seconds before the authenticator may be tried again (it doubles after each miss)."""
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
