"""Sign-in, sign-out and lockout events into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from peerwell.accounts.models import User
from peerwell.accounts.selectors import primary_membership
from peerwell.accounts.services import failed_login_detail
from peerwell.audit.services import audit_record


def _org_id(user: User | None):
    membership = primary_membership(user) if user else None
    return membership.organization_id if membership else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action="login", actor=user, organization=_org_id(user))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "peerwell_logout_reason", "")
    audit_record(
        action="logout",
        actor=user,
        organization=_org_id(user),
        detail={"reason": reason} if reason else {},
    )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("username") or ""
    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    detail = {} if user else failed_login_detail(email)
    if request is not None and getattr(request, "axes_locked_out", False):
        detail["locked_out"] = True
    audit_record(action="login.failed", actor=user, organization=_org_id(user), detail=detail)


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    user = User.objects.filter(email__iexact=(username or "").strip()).first() if username else None
    audit_record(
        action="login.locked_out",
        actor=user,
        organization=_org_id(user),
        detail={} if user else failed_login_detail(username),
    )
