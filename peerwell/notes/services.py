from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerwell.accounts.models import Membership
from peerwell.audit.services import audit_record
from peerwell.core.roles import Role
from peerwell.notes import rules, scope
from peerwell.notes.models import (
    ActionStep,
    Addendum,
    Contact,
    CosignStatus,
    GoalNote,
    NoteStatus,
)
from peerwell.participants.models import Participant
from peerwell.workforce.models import SpecialistProfile


class OpenScopeFlags(ValidationError):
    """Signing found text outside peer scope and no reason was given to sign anyway."""

    def __init__(self, flags: list[scope.Flag]):
        super().__init__(
            _("Some of this note may be outside peer scope. Change it, or say why it is right.")
        )
        self.flags = flags


def _audit(action: str, *, actor: Membership, note: GoalNote, obj=None, detail=None) -> None:
    audit_record(
        action=action,
        actor=actor.user,
        organization=actor.organization,
        obj=obj or note,
        participant_id=note.participant_id,
        detail=detail,
    )


def contact_record(
    *,
    actor: Membership,
    participant: Participant,
    kind: str,
    occurred_at: datetime,
    duration_minutes: int,
    place: str = "",
) -> GoalNote:
    """Record that support happened and open its goal note as a draft for the specialist."""
    if actor.role != Role.SPECIALIST:
        raise ValidationError(_("Only a peer specialist records their own contacts."))
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError(
            {"occurred_at": _("A contact is recorded after it happened, not before.")}
        )
    organization = actor.organization
    with transaction.atomic():
        contact = Contact(
            organization=organization,
            participant=participant,
            specialist=actor,
            kind=kind,
            occurred_at=occurred_at,
            duration_minutes=duration_minutes,
            place=place.strip(),
        )
        contact.full_clean()
        contact.save()
        note = GoalNote.objects.create(
            organization=organization,
            contact=contact,
            participant=participant,
            author=actor,
            sign_due_at=rules.sign_due_at(
                occurred_at,
                organization.note_sign_business_days,
                organization.time_zone,
                organization.holiday_calendar,
            ),
        )
        audit_record(
            action="contact.recorded",
            actor=actor.user,
            organization=organization,
            obj=contact,
            participant_id=participant.pk,
            detail={"kind": kind, "minutes": duration_minutes},
        )
    return note


def _editable(actor: Membership, note: GoalNote) -> None:
    if note.author_id != actor.pk:
        raise PermissionDenied(_("Only the note's author can change it."))
    if note.status != NoteStatus.DRAFT:
        raise ValidationError(_("A signed note cannot change. Add an addendum instead."))


def note_text(note: GoalNote, steps) -> str:
    """All the free text of a note, one part a line, as the scope guard reads it."""
    parts = [getattr(note, field) for field in GoalNote.TEXT_FIELDS]
    parts += [step.description for step in steps]
    return "\n".join(part for part in parts if part)


def note_save_draft(
    *, actor: Membership, note: GoalNote, fields: dict, action_steps: list[dict]
) -> GoalNote:
    """Save what the specialist has typed so far, and what the scope guard finds in it."""
    _editable(actor, note)
    allowed = {"mood", "next_contact_on", *GoalNote.TEXT_FIELDS}
    for field, value in fields.items():
        if field not in allowed:
            raise ValidationError(_("Unknown field %(field)s.") % {"field": field})
        setattr(note, field, value)
    steps = [
        ActionStep(organization=note.organization, note=note, position=i, **step)
        for i, step in enumerate(action_steps)
        if step.get("description", "").strip()
    ]
    note.scope_flags = [flag.as_dict() for flag in scope.check(note_text(note, steps))]
    note.full_clean(exclude=["contact", "participant", "author", "sign_due_at"])
    with transaction.atomic():
        locked = GoalNote.objects.select_for_update().get(pk=note.pk)
        if locked.status != NoteStatus.DRAFT:
            raise ValidationError(_("A signed note cannot change. Add an addendum instead."))
        note.save(update_fields=[*allowed, "scope_flags", "updated_at"])
        note.action_steps.all().delete()
        ActionStep.objects.bulk_create(steps)
        _audit(
            "note.draft_saved",
            actor=actor,
            note=note,
            detail={"flags": sorted({f["category"] for f in note.scope_flags})},
        )
    return note


def _needs_cosign(author: Membership) -> bool:
    return SpecialistProfile.objects.filter(membership=author, notes_need_cosign=True).exists()


def note_sign(*, actor: Membership, note: GoalNote, reason: str = "") -> GoalNote:
    """Sign and lock the note; store the hash of its content.

    The scope guard reads the note once more: with open flags, signing needs a short
    reason, which is kept with the note. A note of a specialist whose notes need a
    co-signature goes to their supervisor's queue.
    """
    _editable(actor, note)
    with transaction.atomic():
        note = GoalNote.objects.select_for_update().get(pk=note.pk)
        if note.status != NoteStatus.DRAFT:
            raise ValidationError(_("This note is already signed."))
        steps = list(note.action_steps.all())
        flags = scope.check(note_text(note, steps))
        if flags and not reason.strip():
            raise OpenScopeFlags(flags)
        if not any(getattr(note, f) for f in GoalNote.TEXT_FIELDS) and note.mood is None:
            raise ValidationError(
                _("The note is empty: write at least the check-in before signing.")
            )
        note.scope_flags = [flag.as_dict() for flag in flags]
        note.scope_override_reason = reason.strip() if flags else ""
        note.status = NoteStatus.SIGNED
        note.signed_at = timezone.now()
        note.content_hash = note.compute_hash(steps)
        note.cosign_status = (
            CosignStatus.PENDING if _needs_cosign(note.author) else CosignStatus.NOT_REQUIRED
        )
        note.save(
            update_fields=[
                "scope_flags",
                "scope_override_reason",
                "status",
                "signed_at",
                "content_hash",
                "cosign_status",
                "updated_at",
            ]
        )
        _audit(
            "note.signed",
            actor=actor,
            note=note,
            detail={
                "hash": note.content_hash,
                "flags": sorted({f.category for f in flags}),
                "cosign": note.cosign_status,
            },
        )
    return note


def addendum_add(*, actor: Membership, note: GoalNote, text: str) -> Addendum:
    """Add to a signed note; a returned note goes back to the supervisor's queue."""
    if note.status != NoteStatus.SIGNED:
        raise ValidationError(_("Only a signed note takes addenda; change the draft itself."))
    if not text.strip():
        raise ValidationError({"text": _("Write the addendum.")})
    with transaction.atomic():
        addendum = Addendum.objects.create(
            organization=note.organization, note=note, author=actor, text=text.strip()
        )
        if note.cosign_status == CosignStatus.RETURNED and actor.pk == note.author_id:
            note.cosign_status = CosignStatus.PENDING
            note.save(update_fields=["cosign_status", "updated_at"])
        _audit("note.addendum_added", actor=actor, note=note, obj=addendum)
    return addendum


def _supervises(supervisor: Membership, specialist_id: int) -> bool:
    if supervisor.role == Role.ADMIN:
        return True
    return supervisor.supervised_teams.filter(specialists=specialist_id).exists()


def note_cosign(*, actor: Membership, note: GoalNote) -> GoalNote:
    """A supervisor co-signs a note waiting in their queue."""
    if not _supervises(actor, note.author_id):
        raise PermissionDenied(_("Only the author's supervisor co-signs this note."))
    with transaction.atomic():
        updated = GoalNote.objects.filter(pk=note.pk, cosign_status=CosignStatus.PENDING).update(
            cosign_status=CosignStatus.COSIGNED, cosigned_by=actor, cosigned_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This note is not waiting for a co-signature."))
        _audit("note.cosigned", actor=actor, note=note)
    note.refresh_from_db()
    return note


def note_return(*, actor: Membership, note: GoalNote, comment: str) -> GoalNote:
    """A supervisor returns a note with a comment; the author answers with an addendum."""
    if not _supervises(actor, note.author_id):
        raise PermissionDenied(_("Only the author's supervisor returns this note."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the author should add or correct.")})
    with transaction.atomic():
        locked = GoalNote.objects.select_for_update().get(pk=note.pk)
        if locked.cosign_status != CosignStatus.PENDING:
            raise ValidationError(_("This note is not waiting for a co-signature."))
        locked.cosign_status = CosignStatus.RETURNED
        locked.return_comment = comment.strip()
        locked.returned_at = timezone.now()
        locked.save(update_fields=["cosign_status", "return_comment", "returned_at", "updated_at"])
        _audit("note.returned", actor=actor, note=locked)
    return locked
