"""Reads about the workforce: who is offered to new participants."""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from peerwell.accounts.models import Membership
from peerwell.core.roles import Role
from peerwell.workforce.models import Certification, SpecialistProfile


def certifications_in_force(on: date) -> QuerySet[Certification]:
    """Verified certifications in force on `on` (the organization's today, as a rule): the
    ones that offer a specialist to new participants and show as their badge."""
    return Certification.objects.filter(
        verified_at__isnull=False, issued_on__lte=on, expires_on__gte=on
    )


def _certified(on: date) -> Exists:
    """A verified certification in force on `on`, of the outer specialist."""
    return Exists(certifications_in_force(on).filter(specialist=OuterRef("pk")))


def _open_caseload() -> Coalesce:
    """How many participants the outer specialist has open assignments with.

    COUNT(*), not of a column: PostgreSQL then counts from the caseload index alone,
    without visiting each assignment's row (most of the directory's time otherwise)."""
    # participants.Assignment, reached through the relation: workforce comes before
    # participants and does not import it.
    assignments = Membership._meta.get_field("assignments").related_model
    count = (
        assignments.objects.filter(specialist=OuterRef("pk"), ended_at__isnull=True)
        .order_by()
        .values("specialist")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(count), 0)


def offered_specialists(organization, on: date | None = None) -> QuerySet[Membership]:
    """Specialists offered to new participants: active, accepting new participants, with a
    verified certification in force, and fewer open caseload assignments than capacity.

    The certification and the caseload are correlated subqueries (each an index lookup per
    specialist), not joins: joining every open assignment and grouping the wide rows back
    cost more than the rest of the directory put together at 20,000 participants."""
    # From the profiles accepting new participants (a few hundred at most), not from every
    # membership: SQLite otherwise walks all of the organization's participants' too.
    accepting = SpecialistProfile.objects.filter(
        organization=organization, accepting_new=True
    ).values("membership_id")
    return (
        Membership.objects.in_org(organization)
        .filter(
            # Certifications are dated by the organization's calendar, as consents are.
            _certified(on or organization.today()),
            pk__in=accepting,
            role=Role.SPECIALIST,
            is_active=True,
        )
        .annotate(caseload_size=_open_caseload())
        .filter(caseload_size__lt=F("specialist_profile__caseload_capacity"))
    )


def offered_to_new_participants(specialist: Membership, on: date | None = None) -> bool:
    """The rule of `offered_specialists`, for one specialist: one query of index lookups,
    none when their profile already says no."""
    profile = profile_of(specialist)
    if not (
        specialist.role == Role.SPECIALIST
        and specialist.is_active
        and profile.pk
        and profile.accepting_new
    ):
        return False
    facts = (
        Membership.objects.filter(pk=specialist.pk)
        .annotate(
            certified=_certified(on or specialist.organization.today()),
            open_caseload=_open_caseload(),
        )
        .values_list("certified", "open_caseload")
        .first()
    )
    if facts is None:  # gone since the page was read
        return False
    certified, open_caseload = facts
    return bool(certified) and open_caseload < profile.caseload_capacity


def profile_of(specialist: Membership) -> SpecialistProfile:
    """The specialist's profile, or an unsaved empty one (defaults) if they have none yet.
    Read through the relation, so it is kept on the instance: the booking page and the
    booking it calls read it once."""
    try:
        return specialist.specialist_profile
    except SpecialistProfile.DoesNotExist:
        return SpecialistProfile(organization=specialist.organization, membership=specialist)
