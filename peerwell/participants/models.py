from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerwell.accounts.models import Invitation, Membership, User
from peerwell.core.models import OrgScoped
from peerwell.workforce.models import AgeRange, PeerGender


class ParticipantStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DISCHARGED = "discharged", _("Discharged")


class RecoveryPathway(models.TextChoices):
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    CO_OCCURRING = "co_occurring", _("Co-occurring")
    NOT_SAID = "", _("Not said")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")


class ReferralSource(models.TextChoices):
    SELF = "self", _("Self")
    HOSPITAL = "hospital", _("Hospital or emergency department")
    CLINIC = "clinic", _("Clinic or treatment provider")
    CRISIS = "crisis", _("Crisis service")
    JUSTICE = "justice", _("Court, probation or jail")
    FAMILY = "family", _("Family or friend")
    COMMUNITY = "community", _("Community organization")
    OTHER = "other", _("Other")


class Participant(OrgScoped):
    """A person who receives peer support. Never a diagnosis: what they hope for, in their words."""

    preferred_name = models.CharField(_("preferred name"), max_length=100)
    legal_name = models.CharField(_("legal name"), max_length=200)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    language = models.CharField(_("preferred language"), max_length=40, default="English")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    contact_method = models.CharField(
        _("how they want to be contacted"),
        max_length=20,
        choices=ContactMethod.choices,
        default=ContactMethod.PHONE,
    )
    ok_to_leave_message = models.BooleanField(_("OK to leave a message"), default=False)
    referral_source = models.CharField(
        _("referred by"), max_length=20, choices=ReferralSource.choices, default=ReferralSource.SELF
    )
    referral_detail = models.CharField(_("referral details"), max_length=200, blank=True)
    hopes = models.TextField(_("what they hope for from peer support, in their words"), blank=True)
    shared_experiences = models.JSONField(
        _("shared experiences wanted in a peer"), default=list, blank=True
    )
    recovery_pathway = models.CharField(
        _("recovery pathway"), max_length=20, choices=RecoveryPathway.choices, blank=True
    )
    peer_language = models.CharField(_("language wanted in a peer"), max_length=40, blank=True)
    support_wanted = models.JSONField(_("what they want support with"), default=list, blank=True)
    peer_gender = models.CharField(
        _("gender wanted in a peer"), max_length=20, choices=PeerGender.choices, blank=True
    )
    peer_age_range = models.CharField(
        _("age range wanted in a peer"), max_length=20, choices=AgeRange.choices, blank=True
    )
    modalities = models.JSONField(_("preferred ways to meet"), default=list, blank=True)
    preferred_times = models.JSONField(_("preferred times of day"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.REFERRED,
    )
    user = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant_record",
        help_text=_("Their portal account, when they have one."),
    )
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "status"], name="participant_org_status"),
            models.Index(fields=["organization", "date_of_birth"], name="participant_org_dob"),
            models.Index(fields=["organization", "phone"], name="participant_org_phone"),
            models.Index(fields=["organization", "email"], name="participant_org_email"),
        ]

    def __str__(self) -> str:
        return self.preferred_name


class StatusChange(OrgScoped):
    """Every change of a participant's status, with why: the status history."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=ParticipantStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ParticipantStatus.choices)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class Assignment(OrgScoped):
    """A specialist on a participant's caseload, from start to end; one open primary at a time."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="assignments"
    )
    specialist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="assignments")
    is_primary = models.BooleanField(_("primary specialist"), default=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(is_primary=True, ended_at__isnull=True),
                name="assignment_one_open_primary",
            ),
            models.UniqueConstraint(
                fields=["participant", "specialist"],
                condition=Q(ended_at__isnull=True),
                name="assignment_open_once_per_specialist",
            ),
        ]
        indexes = [
            models.Index(fields=["specialist", "ended_at"], name="assignment_caseload"),
        ]

    def __str__(self) -> str:
        return f"{self.specialist} → {self.participant}"


class ConsentKind(models.TextChoices):
    SERVICES = "services", _("Consent to peer support services")
    TELEHEALTH = "telehealth", _("Consent to telehealth (video sessions)")
    RELEASE = "release", _("Release of information")


class Consent(OrgScoped):
    """A consent the participant gave, who recorded it and on what evidence.

    A release of information carries what 42 CFR Part 2 asks a consent to name: who may
    disclose (the organization), the recipient, the purpose, what may be shared, an expiry
    (date or event) and the right to revoke. Revocation stops further sharing.
    """

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    given_on = models.DateField(_("date given"))
    evidence = models.CharField(
        _("evidence"),
        max_length=300,
        help_text=_(
            "For example: signed form scanned to the shared drive, or verbal consent with a witness."
        ),
    )
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    information = models.CharField(_("what may be shared"), max_length=300, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expiry_event = models.CharField(_("or expires when"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="release")
                | (
                    ~Q(recipient="")
                    & ~Q(purpose="")
                    & ~Q(information="")
                    & (Q(expires_on__isnull=False) | ~Q(expiry_event=""))
                ),
                name="release_names_recipient_purpose_information_expiry",
                violation_error_message=_(
                    "A release of information must name its recipient, its purpose, what may "
                    "be shared, and when it ends."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self):
        errors = {}
        # Dated by the organization's calendar, as in_effect reads them.
        if self.given_on and self.given_on > self.organization.today():
            errors["given_on"] = _("The date given cannot be in the future.")
        if self.kind == ConsentKind.RELEASE:
            for field in ("recipient", "purpose", "information"):
                if not getattr(self, field).strip():
                    errors[field] = _("A release of information must say this.")
            if not self.expires_on and not self.expiry_event.strip():
                errors["expires_on"] = _("Give an expiry date or the event that ends the release.")
            elif self.expires_on and self.given_on and self.expires_on < self.given_on:
                errors["expires_on"] = _("The release cannot expire before it was given.")
        if errors:
            raise ValidationError(errors)

    def in_effect(self, on: date | None = None) -> bool:
        on = on or self.organization.today()
        if self.revoked_at is not None or self.given_on > on:
            return False
        return self.expires_on is None or on <= self.expires_on

    @staticmethod
    def in_effect_on(on: date) -> Q:
        """`in_effect` as a filter, for asking the database instead of reading each row."""
        return Q(revoked_at__isnull=True, given_on__lte=on) & (
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )


class PortalInvitation(OrgScoped):
    """Links an invitation to a participant's record: accepting it gives the record its
    portal account (see participants.apps)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="portal_invitations"
    )
    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.participant} ({self.invitation.email})"
