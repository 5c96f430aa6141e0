import hashlib
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerwell.accounts.models import Invitation, Membership, User
from peerwell.accounts.services import membership_create, portal_invitation_create, user_create
from peerwell.audit.services import audit_record
from peerwell.core.models import Organization
from peerwell.core.roles import Role
from peerwell.participants.models import (
    Assignment,
    Consent,
    ConsentKind,
    ContactMethod,
    Participant,
    ParticipantStatus,
    PortalInvitation,
    ReferralSource,
    StatusChange,
)
from peerwell.participants.selectors import normalize_phone, possible_duplicates

RECORD_FIELDS = [
    "preferred_name",
    "legal_name",
    "pronouns",
    "date_of_birth",
    "language",
    "phone",
    "email",
    "contact_method",
    "ok_to_leave_message",
    "referral_source",
    "referral_detail",
    "hopes",
]
# What the participant looks for in a peer: the questionnaire they may answer themself.
PREFERENCE_FIELDS = [
    "support_wanted",
    "shared_experiences",
    "recovery_pathway",
    "peer_language",
    "peer_gender",
    "peer_age_range",
    "modalities",
    "preferred_times",
]
RECORD_FIELDS += PREFERENCE_FIELDS


class PossibleDuplicate(ValidationError):
    """Intake found records that may be the same person; the caller shows them to choose."""

    def __init__(self, matches: list[Participant]):
        super().__init__(_("This person may already have a record."))
        self.matches = matches


def _audit(action: str, *, actor: Membership, participant: Participant, obj=None, detail=None):
    audit_record(
        action=action,
        actor=actor.user,
        organization=actor.organization,
        obj=obj or participant,
        participant_id=participant.pk,
        detail=detail,
    )


def participant_intake(
    *,
    actor: Membership,
    record: dict,
    status: str = ParticipantStatus.REFERRED,
    not_a_duplicate: bool = False,
) -> Participant:
    """Create a participant's record; a specialist doing intake becomes their primary specialist.

    Raises PossibleDuplicate when a record with the same name and birth date, phone or
    email exists, unless the caller confirmed this is someone else (`not_a_duplicate`).
    """
    record = {
        **record,
        "phone": normalize_phone(record.get("phone", "")),
        "email": record.get("email", "").strip().lower(),
    }
    if status not in {ParticipantStatus.REFERRED, ParticipantStatus.ACTIVE}:
        raise ValidationError({"status": _("A new record starts as referred or active.")})
    if not not_a_duplicate:
        matches = list(
            possible_duplicates(
                actor.organization,
                legal_name=record.get("legal_name", ""),
                date_of_birth=record.get("date_of_birth"),
                phone=record["phone"],
                email=record["email"],
            )
        )
        if matches:
            raise PossibleDuplicate(matches)
    with transaction.atomic():
        participant = Participant(
            organization=actor.organization, created_by=actor, status=status, **record
        )
        participant.full_clean()
        participant.save()
        StatusChange.objects.create(
            organization=actor.organization,
            participant=participant,
            from_status="",
            to_status=status,
            reason=_("Intake"),
            changed_by=actor,
        )
        _audit(
            "participant.created",
            actor=actor,
            participant=participant,
            detail={"not_a_duplicate": True} if not_a_duplicate else None,
        )
        if actor.role == Role.SPECIALIST:
            participant_assign(
                actor=actor, participant=participant, specialist=actor, reason=_("Intake")
            )
    return participant


def participant_update(*, actor: Membership, participant: Participant, record: dict) -> Participant:
    """Change the record's details; the audit event names the fields changed, not their values."""
    record = {
        **record,
        "phone": normalize_phone(record.get("phone", participant.phone)),
        "email": record.get("email", participant.email).strip().lower(),
    }
    changed = sorted(
        f for f in RECORD_FIELDS if f in record and getattr(participant, f) != record[f]
    )
    if not changed:
        return participant
    for field in changed:
        setattr(participant, field, record[field])
    participant.full_clean()
    with transaction.atomic():
        if "email" in changed:
            _portal_invitations_withdraw(participant)
        participant.save(update_fields=changed)
        _audit(
            "participant.updated", actor=actor, participant=participant, detail={"fields": changed}
        )
    return participant


def participant_change_status(
    *, actor: Membership, participant: Participant, status: str, reason: str
) -> StatusChange:
    """Move a participant to another status, with the reason; discharged to active is re-enrolment."""
    if status not in ParticipantStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == participant.status:
        raise ValidationError({"status": _("The participant already has this status.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the status changes.")})
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        change = StatusChange.objects.create(
            organization=actor.organization,
            participant=locked,
            from_status=locked.status,
            to_status=status,
            reason=reason.strip(),
            changed_by=actor,
        )
        re_enrolled = (
            locked.status == ParticipantStatus.DISCHARGED and status == ParticipantStatus.ACTIVE
        )
        locked.status = status
        locked.save(update_fields=["status"])
        _audit(
            "participant.status_changed",
            actor=actor,
            participant=locked,
            obj=change,
            detail={"from": change.from_status, "to": status, "re_enrolled": re_enrolled},
        )
    participant.status = status
    return change


def participant_assign(
    *,
    actor: Membership,
    participant: Participant,
    specialist: Membership,
    is_primary: bool = True,
    reason: str = "",
) -> Assignment:
    """Put a specialist on the participant's caseload; a new primary replaces the old one."""
    if (
        specialist.organization_id != participant.organization_id
        or specialist.role != Role.SPECIALIST
    ):
        raise ValidationError({"specialist": _("Choose a specialist of this organization.")})
    if not specialist.is_active:
        raise ValidationError({"specialist": _("This specialist's account is not active.")})
    now = timezone.now()
    with transaction.atomic():
        open_assignments = Assignment.objects.select_for_update().filter(
            participant=participant, ended_at__isnull=True
        )
        ending = open_assignments.filter(specialist=specialist)
        if is_primary:
            ending = ending | open_assignments.filter(is_primary=True)
        ended = list(ending.values_list("pk", flat=True))
        Assignment.objects.filter(pk__in=ended).update(ended_at=now)
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    organization=participant.organization,
                    participant=participant,
                    specialist=specialist,
                    is_primary=is_primary,
                    started_at=now,
                    assigned_by=actor,
                    reason=reason.strip(),
                )
        except IntegrityError as error:
            raise ValidationError(
                _("Someone changed this caseload at the same moment. Try again.")
            ) from error
        _audit(
            "participant.assigned",
            actor=actor,
            participant=participant,
            obj=assignment,
            detail={"specialist": specialist.pk, "primary": is_primary, "ended": ended},
        )
    return assignment


def consent_record(
    *,
    actor: Membership,
    participant: Participant,
    kind: str,
    given_on: date,
    evidence: str,
    recipient: str = "",
    purpose: str = "",
    information: str = "",
    expires_on: date | None = None,
    expiry_event: str = "",
) -> Consent:
    """Record a consent the participant gave (Consent.clean says what a release must name)."""
    consent = Consent(
        organization=participant.organization,
        participant=participant,
        kind=kind,
        given_on=given_on,
        evidence=evidence.strip(),
        recorded_by=actor,
        recipient=recipient.strip(),
        purpose=purpose.strip(),
        information=information.strip(),
        expires_on=expires_on,
        expiry_event=expiry_event.strip(),
    )
    with transaction.atomic():
        consent.full_clean()
        consent.save()
        _audit(
            "consent.recorded",
            actor=actor,
            participant=participant,
            obj=consent,
            detail={"kind": kind},
        )
    return consent


def consent_revoke(*, actor: Membership, consent: Consent, reason: str) -> Consent:
    """Revoke a consent: from now on nothing it covered may be shared."""
    if consent.revoked_at is not None:
        raise ValidationError(_("This consent was already revoked."))
    with transaction.atomic():
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.revocation_reason = reason.strip()
        consent.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        _audit(
            "consent.revoked",
            actor=actor,
            participant=consent.participant,
            obj=consent,
            detail={"kind": consent.kind},
        )
    return consent


SIGN_UP_SALT = "peerwell.participants.sign_up"
SIGN_UP_LINK_DAYS = 3


def participant_sign_up(
    *,
    organization: Organization,
    full_name: str,
    preferred_name: str,
    email: str,
    password: str,
    time_zone: str,
    language: str,
    telehealth: bool,
    base_url: str,
) -> Participant | None:
    """A person signs themself up: an account (unconfirmed until they open the emailed
    link), a participant record with status referred, and the consents they gave.

    For an address that already has an account nothing is created: its owner gets a new
    confirmation link if it was never confirmed, or a note that they already have an
    account. Both ways take about as long and show the same page, so the page does not tell
    who has an account.
    """
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # the cost a new account pays, so timing tells nothing
        if existing.email_confirmed:
            body = render_to_string(
                "participants/email/already_registered.txt",
                {
                    "organization": organization,
                    "link": base_url + reverse("accounts:password_reset"),
                },
            )
            subject = _("Your Peerwell account")
            transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
        else:
            _send_confirmation(existing, organization, base_url)
        return None
    with transaction.atomic():
        user = user_create(
            email=email,
            full_name=full_name.strip(),
            password=password,
            preferred_name=preferred_name.strip(),
            time_zone=time_zone,
            language=language,
            email_confirmed=False,
        )
        membership = membership_create(
            organization=organization, user=user, role=Role.PARTICIPANT, actor=user
        )
        name_field = Participant._meta.get_field("preferred_name")
        participant = participant_intake(
            actor=membership,
            record={
                "preferred_name": (preferred_name.strip() or full_name.strip())[
                    : name_field.max_length
                ],
                "legal_name": full_name.strip(),
                "email": email,
                "contact_method": ContactMethod.EMAIL,
                "referral_source": ReferralSource.SELF,
                "user": user,
            },
            # Staff see possible duplicates in the caseload; the person signing up is not
            # shown other people's records.
            not_a_duplicate=True,
        )
        evidence = _("Agreed online when signing up")
        today = organization.today()
        kinds = [ConsentKind.SERVICES] + ([ConsentKind.TELEHEALTH] if telehealth else [])
        for kind in kinds:
            consent_record(
                actor=membership,
                participant=participant,
                kind=kind,
                given_on=today,
                evidence=evidence,
            )
        _audit("participant.signed_up", actor=membership, participant=participant, obj=participant)
        _send_confirmation(user, organization, base_url)
    return participant


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def _send_confirmation(user: User, organization: Organization, base_url: str) -> None:
    # The token names the account and a digest of its address, not the address itself,
    # which would otherwise sit readable in server logs and browser history.
    token = signing.dumps({"user": user.pk, "email": _email_digest(user.email)}, salt=SIGN_UP_SALT)
    body = render_to_string(
        "participants/email/confirm_email.txt",
        {
            "organization": organization,
            "link": base_url + reverse("participants:confirm_email", args=[token]),
            "days": SIGN_UP_LINK_DAYS,
        },
    )
    subject = _("Confirm your email for %(organization)s") % {"organization": organization.name}
    email = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


def participant_confirm_email(token: str) -> User:
    """Open the sign-up link: the account's address is confirmed and it may sign in.

    Raises ValidationError for a link that is broken, too old, or already used.
    """
    try:
        data = signing.loads(token, salt=SIGN_UP_SALT, max_age=timedelta(days=SIGN_UP_LINK_DAYS))
    except signing.BadSignature:
        raise ValidationError(
            _("This link is broken or too old. Sign up again, or sign in if you already did.")
        ) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("user")).first()
        if user is None or user.email_confirmed or _email_digest(user.email) != data.get("email"):
            raise ValidationError(_("This link was already used. Sign in to continue."))
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])
        membership = user.memberships.select_related("organization").first()
        audit_record(
            action="account.email_confirmed",
            actor=user,
            organization=membership.organization if membership else None,
            obj=user,
        )
    return user


def participant_update_preferences(
    *, actor: Membership, participant: Participant, preferences: dict
) -> Participant:
    """The participant answers (or changes) what they look for in a peer; all optional."""
    unknown = set(preferences) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown preferences: %(names)s") % {"names": sorted(unknown)})
    return participant_update(actor=actor, participant=participant, record=preferences)


def portal_invitation_send(
    *, actor: Membership, participant: Participant, base_url: str
) -> PortalInvitation:
    """Email the participant an invitation to their portal account (open notes, booking).

    Earlier portal invitations of this record stop working: only the newest address the
    program has for the person may claim the record.
    """
    if participant.user_id:
        raise ValidationError(_("This participant already has a portal account."))
    if not participant.email:
        raise ValidationError(_("Add the participant's email address first."))
    if Participant.objects.filter(user__email__iexact=participant.email).exists():
        raise ValidationError(
            _("This email address already belongs to another participant's portal account.")
        )
    with transaction.atomic():
        _portal_invitations_withdraw(participant)
        invitation = portal_invitation_create(
            actor=actor, email=participant.email, base_url=base_url
        )
        link = PortalInvitation.objects.create(
            organization=participant.organization, participant=participant, invitation=invitation
        )
        _audit("participant.portal_invited", actor=actor, participant=participant, obj=link)
    return link


def _portal_invitations_withdraw(participant: Participant) -> None:
    pending = Invitation.objects.pending().filter(
        pk__in=PortalInvitation.objects.filter(participant=participant).values("invitation")
    )
    pending.update(revoked_at=timezone.now())


def portal_account_link(*, invitation: Invitation, membership: Membership) -> None:
    """An accepted portal invitation gives the participant's record its account, provided
    it was sent to the address the record still has."""
    link = (
        PortalInvitation.objects.filter(invitation=invitation).select_related("participant").first()
    )
    if link is None:
        return
    participant = link.participant
    if participant.user_id or participant.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation is no longer valid. Ask your peer specialist for a new one.")
        )
    if Participant.objects.filter(user=membership.user).exists():
        raise ValidationError(
            _("This account already has a participant record. Ask your peer specialist.")
        )
    participant.user = membership.user
    participant.save(update_fields=["user"])
    _audit("participant.portal_linked", actor=membership, participant=participant, obj=link)
