import hashlib
import json
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerwell.accounts.models import Membership
from peerwell.core.fields import EncryptedTextField
from peerwell.core.models import OrgScoped
from peerwell.participants.models import Participant


class ContactKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")
    OUTREACH = "outreach", _("Outreach")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    IN_PERSON = "in_person", _("In person")
    TEXT = "text", _("Text messages")


class Contact(OrgScoped):
    """Support that happened: who, when, how long, where. Its goal note says what."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="contacts")
    specialist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["participant", "-occurred_at"], name="contact_participant_time"),
            models.Index(fields=["specialist", "occurred_at"], name="contact_specialist_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class CosignStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required")
    PENDING = "pending", _("Waiting for co-signature")
    RETURNED = "returned", _("Returned by supervisor")
    COSIGNED = "cosigned", _("Co-signed")


class GoalNote(OrgScoped):
    """The peer note of one contact: check-in, what was hard, coping tools, action steps, next step.

    No field asks for a diagnosis or a medication plan. The free text is encrypted at rest.
    Signing locks it and stores a hash of its content; after that only addenda are added.
    """

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="note")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="notes")
    mood = models.PositiveSmallIntegerField(
        _("mood today, 1 to 10"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    check_in = EncryptedTextField(_("check-in, in their words"), blank=True)
    challenges = EncryptedTextField(_("what has been hard since last time"), blank=True)
    coping_tools = EncryptedTextField(_("coping tools used or practiced"), blank=True)
    next_step = EncryptedTextField(_("next step"), blank=True)
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)
    narrative = EncryptedTextField(_("narrative (optional)"), blank=True)
    status = models.CharField(max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    sign_due_at = models.DateTimeField()
    scope_flags = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    scope_override_reason = EncryptedTextField(blank=True)
    cosign_status = models.CharField(
        max_length=20, choices=CosignStatus.choices, default=CosignStatus.NOT_REQUIRED
    )
    cosigned_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    return_comment = EncryptedTextField(blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    TEXT_FIELDS = ("check_in", "challenges", "coping_tools", "next_step", "narrative")

    class Meta:
        indexes = [
            models.Index(fields=["author", "status", "sign_due_at"], name="note_author_status"),
            models.Index(fields=["organization", "cosign_status"], name="note_cosign"),
            # The dashboard's lists: their cost follows the caseload, not the author's history.
            models.Index(fields=["author", "next_contact_on"], name="note_author_next_contact"),
            models.Index(fields=["author", "cosign_status"], name="note_author_cosign"),
        ]

    def __str__(self) -> str:
        return f"Goal note {self.pk}"

    @property
    def sign_by(self):
        """The last day to sign on time, in the viewer's time zone (sign_due_at is its end)."""
        return timezone.localtime(self.sign_due_at - timedelta(microseconds=1)).date()

    @property
    def is_late(self) -> bool:
        return self.status == NoteStatus.DRAFT and timezone.now() > self.sign_due_at

    def canonical_content(self, action_steps) -> bytes:
        """What the signature covers: every field of the note and its action steps."""
        content = {
            "note": self.pk,
            "contact": self.contact_id,
            "participant": self.participant_id,
            "author": self.author_id,
            "mood": self.mood,
            "next_contact_on": self.next_contact_on.isoformat() if self.next_contact_on else None,
            **{field: getattr(self, field) for field in self.TEXT_FIELDS},
            "action_steps": [
                [s.description, s.owner, s.due_on.isoformat() if s.due_on else None]
                for s in action_steps
            ],
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False).encode()

    def compute_hash(self, action_steps) -> str:
        return hashlib.sha256(self.canonical_content(action_steps)).hexdigest()


class StepOwner(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPECIALIST = "specialist", _("Peer specialist")
    TOGETHER = "together", _("Together")


class ActionStep(OrgScoped):
    """A step agreed in the session: what, who does it, by when."""

    note = models.ForeignKey(GoalNote, on_delete=models.PROTECT, related_name="action_steps")
    description = EncryptedTextField(_("action step"))
    owner = models.CharField(_("who"), max_length=20, choices=StepOwner.choices)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Action step {self.pk}"


class Addendum(OrgScoped):
    """A later addition to a signed note: the note itself never changes."""

    note = models.ForeignKey(GoalNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = EncryptedTextField(_("addendum"))

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Addendum {self.pk}"
