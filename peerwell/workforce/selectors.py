"""Reads about the workforce: who is offered to new participants."""

from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from peerwell.accounts.models import Membership
from peerwell.core.roles import Role
from peerwell.workforce.models import SpecialistProfile


def offered_specialists(organization, on: date | None = None) -> QuerySet[Membership]:
    """Specialists offered to new participants: active, accepting new participants, with a
    verified certification in force, and fewer open caseload assignments than capacity."""
    on = on or timezone.localdate()
    return (
        Membership.objects.in_org(organization)
        .filter(
            role=Role.SPECIALIST,
            is_active=True,
            specialist_profile__accepting_new=True,
            certifications__verified_at__isnull=False,
            certifications__issued_on__lte=on,
            certifications__expires_on__gte=on,
        )
        .annotate(
            caseload_size=Count(
                "assignments",
                filter=Q(assignments__ended_at__isnull=True),
                distinct=True,
            )
        )
        .filter(caseload_size__lt=F("specialist_profile__caseload_capacity"))
    )


def offered_to_new_participants(specialist: Membership) -> bool:
    return offered_specialists(specialist.organization).filter(pk=specialist.pk).exists()


def profile_of(specialist: Membership) -> SpecialistProfile:
    """The specialist's profile, or an unsaved empty one (defaults) if they have none yet."""
    profile = SpecialistProfile.objects.filter(membership=specialist).first()
    return profile or SpecialistProfile(organization=specialist.organization, membership=specialist)
