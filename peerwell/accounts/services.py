from datetime import timedelta

import django_otp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import (
    Invitation,
    InvitationStatus,
    Membership,
    Team,
    User,
    invitation_token_hash,
)
from peerwell.accounts.selectors import (
    confirmed_totp_device,
    event_organization,
    mfa_wait_seconds,
    user_has_confirmed_totp,
)
from peerwell.audit.services import audit_record
from peerwell.core.models import Organization
from peerwell.core.roles import STAFF_ROLES, Role


def user_create(*, email: str, full_name: str, password: str | None, **fields) -> User:
    """Create an account. The password must pass the password rules (None: unusable)."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this email already exists.")})
    user = User(email=email, full_name=full_name, **fields)
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the same address, submitted twice at once
        raise ValidationError({"email": _("An account with this email already exists.")}) from error
    return user


def membership_create(
    *, organization: Organization, user: User, role: str, actor=None
) -> Membership:
    """Give a user a role in an organization (one membership per person per organization)."""
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(_("This person is already a member of the organization."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organization=organization, user=user, role=role
                )
        except IntegrityError as error:
            raise ValidationError(
                _("This person is already a member of the organization.")
            ) from error
        audit_record(
            action="membership.created",
            actor=actor,
            organization=organization,
            obj=membership,
            detail={"role": role, "user": user.pk},
        )
    return membership


# Sent inside the accepting transaction, so what receivers write commits with it.
invitation_accepted = Signal()


def invitation_create(*, actor: Membership, email: str, role: str, base_url: str) -> Invitation:
    """Invite a person to join the actor's organization as staff, by an emailed link.

    The link carries a random token; only its hash is stored. A new invitation to the
    same address replaces a pending one.
    """
    if role not in STAFF_ROLES:
        raise ValidationError(
            {"role": _("Invite staff only: specialist, supervisor, admin or auditor.")}
        )
    return _invitation_send(actor=actor, email=email, role=role, base_url=base_url)


def portal_invitation_create(*, actor: Membership, email: str, base_url: str) -> Invitation:
    """Invite a participant to their portal account (the participants app links the record
    when the invitation is accepted, through the `invitation_accepted` signal)."""
    return _invitation_send(actor=actor, email=email, role=Role.PARTICIPANT, base_url=base_url)


def _invitation_send(*, actor: Membership, email: str, role: str, base_url: str) -> Invitation:
    email = User.objects.normalize_email(email).strip().lower()
    organization = actor.organization
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the organization.")})
    token = Invitation.new_token()
    with transaction.atomic():
        now = timezone.now()
        Invitation.objects.in_org(organization).pending().filter(email=email).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            token_hash=invitation_token_hash(token),
            invited_by=actor,
            expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        )
        audit_record(
            action="invitation.created",
            actor=actor.user,
            organization=organization,
            obj=invitation,
            detail={"role": role},
        )
        link = f"{base_url.rstrip('/')}/invitations/{token}/"
        body = render_to_string(
            "accounts/email/invitation.txt",
            {
                "organization": organization,
                "role": invitation.get_role_display(),
                "link": link,
                "days": settings.INVITATION_DAYS,
            },
        )
        subject = _("You are invited to join %(organization)s on Peerwell") % {
            "organization": organization.name
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("Only a pending invitation can be revoked."))
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.revoked",
            actor=actor.user,
            organization=actor.organization,
            obj=invitation,
        )
    return invitation


def invitation_accept(
    *,
    token: str,
    full_name: str,
    password: str,
    existing_user: User | None = None,
    language: str = "en",
) -> Membership:
    """Use an invitation once: create the account (or take the signed-in one) and its role.

    Precondition: for an existing account the caller has authenticated it (signed in, or
    checked its password). The invitation row is locked so a link cannot be used twice.
    A new account keeps `language`, the language the person accepted in, as its preference.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organization")
            .filter(token_hash=invitation_token_hash(token))
            .first()
        )
        if invitation is None or invitation.status != InvitationStatus.PENDING:
            raise ValidationError(
                _("This invitation link is no longer valid. Ask your admin for a new one.")
            )
        if existing_user is not None:
            if existing_user.email.lower() != invitation.email:
                raise ValidationError(_("This invitation was sent to another email address."))
            user = existing_user
        else:
            user = user_create(
                email=invitation.email, full_name=full_name, password=password, language=language
            )
        membership = membership_create(
            organization=invitation.organization, user=user, role=invitation.role, actor=user
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            action="invitation.accepted",
            actor=user,
            organization=invitation.organization,
            obj=invitation,
        )
        invitation_accepted.send(Invitation, invitation=invitation, membership=membership)
    return membership


def mfa_totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device to show as a QR code, created once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.PEERWELL_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def mfa_totp_confirm(
    *, user: User, device: TOTPDevice, token: str, current_token: str = "", organization=None
) -> list[str]:
    """Confirm the authenticator with a first code; return fresh recovery codes to show once.

    Replacing an authenticator already in use also needs a current code from it (or a
    recovery code): someone at an unattended, signed-in screen must not be able to move
    the second factor to their own phone. The owner is emailed either way.
    """
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("Start the set-up again."))
    organization = organization or event_organization(user)
    replacing = user_has_confirmed_totp(user)
    if replacing:
        _require_current_code(user, current_token, field="current_token", organization=organization)
    wait = mfa_wait_seconds(device)
    if wait:
        raise ValidationError({"token": too_many_tries_message(wait)})
    if not device.verify_token(token.strip().replace(" ", "")):
        audit_record(action="mfa.enrolment_failed", actor=user, organization=organization)
        raise ValidationError(
            {
                "token": _(
                    "That code did not match. Check the time on your phone and try the newest code."
                )
            }
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record(
            action="mfa.replaced" if replacing else "mfa.enrolled",
            actor=user,
            organization=organization,
            obj=device,
        )
        _notify_security_change(user, _("Two-step sign-in was set up on a phone."))
    return codes


def _require_current_code(user: User, token: str, *, field: str, organization) -> None:
    device = django_otp.match_token(user, token.strip().replace(" ", "")) if token else None
    if device is None:
        audit_record(action="mfa.failed", actor=user, organization=organization)
        raise ValidationError({field: _("Type a current code from your app, or a recovery code.")})


def mfa_verify(*, user: User, token: str, organization=None):
    """The second step of signing in: a code from the app, or a single-use recovery code.

    Returns the device that matched; raises ValidationError({"token": ...}) otherwise.
    Misses make the next try wait (django-otp doubles the delay each time).
    """
    organization = organization or event_organization(user)
    authenticator = confirmed_totp_device(user)
    wait = mfa_wait_seconds(authenticator)
    if wait:
        raise ValidationError({"token": too_many_tries_message(wait)})
    device = django_otp.match_token(user, token)
    if device is None:
        audit_record(action="mfa.failed", actor=user, organization=organization)
        raise ValidationError(
            {"token": _("That code did not match. Try the newest code from your app.")}
        )
    used_recovery = isinstance(device, StaticDevice)
    if used_recovery and authenticator is not None:
        # match_token tried the app first; that miss must not delay the next sign-in.
        authenticator.throttle_reset()
    audit_record(
        action="mfa.recovery_code_used" if used_recovery else "mfa.verified",
        actor=user,
        organization=organization,
        obj=device,
    )
    return device


def _notify_security_change(user: User, what: str) -> None:
    """Tell the account's owner by email, so a change they did not make does not go unseen."""
    body = render_to_string("accounts/email/security_change.txt", {"what": what})
    subject = _("Your Peerwell sign-in settings changed")
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def too_many_tries_message(seconds: int) -> str:
    return ngettext(
        "Too many tries. Wait %(seconds)s second, then type the newest code.",
        "Too many tries. Wait %(seconds)s seconds, then type the newest code.",
        seconds,
    ) % {"seconds": seconds}


def mfa_recovery_codes_regenerate(*, user: User, token: str, organization=None) -> list[str]:
    """New recovery codes, replacing all old ones; needs a current code, and tells the owner."""
    organization = organization or event_organization(user)
    _require_current_code(user, token, field="token", organization=organization)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(action="mfa.recovery_codes_regenerated", actor=user, organization=organization)
        _notify_security_change(
            user, _("New recovery codes were made; the old ones no longer work.")
        )
    return codes


def user_sign_out_everywhere(*, user: User, organization=None) -> None:
    """End every session of this account, on every device, the current one included."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        audit_record(
            action="session.signed_out_everywhere",
            actor=user,
            organization=organization or event_organization(user),
        )


def user_update_preferences(*, user: User, language: str, time_zone: str) -> User:
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["language", "time_zone"])
    return user


ORGANIZATION_SETTINGS = (
    "name",
    "time_zone",
    "idle_timeout_minutes",
    "note_sign_business_days",
    "holiday_calendar",
    "no_contact_alert_days",
    "session_minutes",
    "buffer_minutes",
    "booking_notice_hours",
    "booking_horizon_days",
    "cancellation_window_hours",
    "reminder_hours",
    "self_sign_up",
)


def organization_update_settings(*, actor: Membership, **values) -> Organization:
    """Change the organization's settings; the audit event names the fields changed."""
    organization = actor.organization
    unknown = set(values) - set(ORGANIZATION_SETTINGS)
    if unknown:
        raise ValidationError(
            _("Unknown settings: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    changed = {
        field: value for field, value in values.items() if getattr(organization, field) != value
    }
    if not changed:
        return organization
    for field, value in changed.items():
        setattr(organization, field, value)
    organization.full_clean()
    with transaction.atomic():
        organization.save(update_fields=list(changed))
        audit_record(
            action="organization.settings_changed",
            actor=actor.user,
            organization=organization,
            obj=organization,
            detail={"fields": sorted(changed)},
        )
    return organization


def team_create(
    *, actor: Membership, name: str, supervisor: Membership, specialists: list[Membership]
) -> Team:
    """Create a team: one supervisor of the organization and specialists of it."""
    organization = actor.organization
    if supervisor.organization_id != organization.pk or supervisor.role != Role.SUPERVISOR:
        raise ValidationError({"supervisor": _("Choose a supervisor of this organization.")})
    if any(s.organization_id != organization.pk or s.role != Role.SPECIALIST for s in specialists):
        raise ValidationError({"specialists": _("Choose specialists of this organization.")})
    if Team.objects.in_org(organization).filter(name=name).exists():
        raise ValidationError({"name": _("A team with this name already exists.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                team = Team.objects.create(
                    organization=organization, name=name, supervisor=supervisor
                )
        except IntegrityError as error:
            raise ValidationError({"name": _("A team with this name already exists.")}) from error
        team.specialists.set(specialists)
        audit_record(
            action="team.created",
            actor=actor.user,
            organization=organization,
            obj=team,
            detail={"supervisor": supervisor.pk, "specialists": sorted(s.pk for s in specialists)},
        )
    return team


def password_reset_requested(*, email: str) -> None:
    """Record that a reset link was asked for: the account when one exists, else a keyed hash."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    audit_record(
        action="password.reset_requested",
        object_type="accounts.user" if user else "",
        object_id=user.pk if user else "",
        organization=event_organization(user),
        detail={} if user else failed_login_detail(email),
    )


def password_reset_completed(*, user: User) -> None:
    """A reset link was used: that proves the address too, so an account whose sign-up link
    was missed is confirmed by it."""
    with transaction.atomic():
        if not user.email_confirmed:
            User.objects.filter(pk=user.pk).update(email_confirmed=True)
        audit_record(
            action="password.reset_completed",
            actor=user,
            organization=event_organization(user),
            detail={"email_confirmed": True} if not user.email_confirmed else None,
        )


def failed_login_detail(email: str | None) -> dict:
    """Audit detail for a failed sign-in to no known account: a keyed hash, never the address.

    Keyed with the secret key, so hashing a list of known addresses cannot reverse it, while
    repeated attempts at one address still share a value.
    """
    if not email:
        return {}
    digest = salted_hmac(
        "peerwell.audit.failed_login_email", email.strip().lower(), algorithm="sha256"
    )
    return {"email_hmac": digest.hexdigest()}
