from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from peerwell.accounts.models import Membership
from peerwell.audit.services import audit_record
from peerwell.core.roles import Role
from peerwell.workforce.models import SpecialistProfile


def specialist_set_cosign(*, actor: Membership, specialist: Membership, required: bool) -> None:
    """Require (or stop requiring) a supervisor's co-signature on a specialist's notes,
    for example while their certification is pending."""
    if specialist.role != Role.SPECIALIST:
        raise ValidationError(_("Only a peer specialist's notes can need co-signature."))
    with transaction.atomic():
        profile, _created = SpecialistProfile.objects.get_or_create(
            membership=specialist, defaults={"organization": specialist.organization}
        )
        profile.notes_need_cosign = required
        profile.save(update_fields=["notes_need_cosign"])
        audit_record(
            action="specialist.cosign_changed",
            actor=actor.user,
            organization=actor.organization,
            obj=specialist,
            detail={"required": required},
        )
