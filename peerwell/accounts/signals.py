"""Sign-in, sign-out and lockout events into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from peerwell.accounts.middleware import SESSION_ORG_KEY
from peerwell.accounts.models import User
from peerwell.accounts.selectors import event_organization
from peerwell.accounts.services import failed_login_detail
from peerwell.audit.services import audit_record


def _org_id(user: User | None, request=None):
    chosen = request.session.get(SESSION_ORG_KEY) if request is not None else None
    return event_organization(user, chosen)


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action="login", actor=user, organization=_org_id(user, request))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "peerwell_logout_reason", "")
    audit_record(
        action="logout",
        actor=user,
        organization=_org_id(user, request),
        detail={"reason": reason} if reason else {},
    )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("username") or ""
    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    detail = {} if user else failed_login_detail(email)
    if request is not None and getattr(request, "axes_locked_out", False):
        detail["locked_out"] = True
    # Whoever tried is unknown: the account is what was tried, not who acted.
    audit_record(
        action="login.failed",
        organization=_org_id(user),
        object_type="accounts.user" if user else "",
        object_id=user.pk if user else "",
        detail=detail,
    )


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    user = User.objects.filter(email__iexact=(username or "").strip()).first() if username else None
    audit_record(
        action="login.locked_out",
        organization=_org_id(user),
        object_type="accounts.user" if user else "",
        object_id=user.pk if user else "",
        detail={} if user else failed_login_detail(username),
    )
