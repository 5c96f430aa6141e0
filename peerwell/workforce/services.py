from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerwell.accounts.models import Membership
from peerwell.audit.services import audit_record
from peerwell.core.roles import Role
from peerwell.workforce.models import Certification, SpecialistProfile


def specialist_set_cosign(*, actor: Membership, specialist: Membership, required: bool) -> None:
    """Require (or stop requiring) a supervisor's co-signature on a specialist's notes,
    for example while their certification is pending."""
    if specialist.role != Role.SPECIALIST:
        raise ValidationError(_("Only a peer specialist's notes can need co-signature."))
    with transaction.atomic():
        profile = _profile_for_update(specialist)
        profile.notes_need_cosign = required
        profile.save(update_fields=["notes_need_cosign"])
        audit_record(
            action="specialist.cosign_changed",
            actor=actor.user,
            organization=actor.organization,
            obj=specialist,
            detail={"required": required},
        )


# What a specialist edits of their directory profile (the photo goes its own way).
PROFILE_FIELDS = [
    "story",
    "lived_experience",
    "specializations",
    "languages",
    "modalities",
    "gender",
    "age_range",
    "accepting_new",
    "caseload_capacity",
]


def _profile_for_update(specialist: Membership) -> SpecialistProfile:
    profile, _created = SpecialistProfile.objects.get_or_create(
        membership=specialist, defaults={"organization": specialist.organization}
    )
    return profile


def specialist_profile_update(
    *, actor: Membership, values: dict, photo: File | None = None, remove_photo: bool = False
) -> SpecialistProfile:
    """A specialist changes what the directory shows about them; the audit names the fields.

    `photo` is a new photo, already checked and re-encoded (workforce.photos); the one it
    replaces, or removes, is deleted from storage once the change is committed.
    """
    if actor.role != Role.SPECIALIST:
        raise ValidationError(_("Only peer specialists have a directory profile."))
    profile = _profile_for_update(actor)
    changed = sorted(f for f in PROFILE_FIELDS if f in values and getattr(profile, f) != values[f])
    old_photo = profile.photo.name
    if photo is not None or (remove_photo and old_photo):
        changed.append("photo")
    if not changed:
        return profile
    for field in changed:
        if field != "photo":
            setattr(profile, field, values[field])
    profile.full_clean(exclude=["photo"])
    with transaction.atomic():
        if photo is not None:
            profile.photo.save(photo.name, photo, save=False)
        elif "photo" in changed:
            profile.photo = ""
        if old_photo and "photo" in changed:
            storage = profile.photo.storage
            transaction.on_commit(lambda: storage.delete(old_photo))
        profile.save(update_fields=changed)
        audit_record(
            action="specialist.profile_changed",
            actor=actor.user,
            organization=actor.organization,
            obj=actor,
            detail={"fields": changed},
        )
    return profile


def certification_record(*, actor: Membership, specialist: Membership, **fields) -> Certification:
    """An admin records a specialist's credential, having checked it with its issuer: it is
    verified from then on, and counts for the directory while in force."""
    if actor.role != Role.ADMIN:
        raise ValidationError(_("Only an admin records certifications."))
    if specialist.role != Role.SPECIALIST or specialist.organization_id != actor.organization_id:
        raise ValidationError(_("Certifications are recorded for peer specialists."))
    certification = Certification(
        organization=specialist.organization,
        specialist=specialist,
        verified_by=actor,
        verified_at=timezone.now(),
        **fields,
    )
    certification.full_clean()
    with transaction.atomic():
        _profile_for_update(specialist)  # the directory lists specialists through their profile
        certification.save()
        audit_record(
            action="certification.recorded",
            actor=actor.user,
            organization=actor.organization,
            obj=certification,
            detail={"specialist": specialist.pk},
        )
    return certification
