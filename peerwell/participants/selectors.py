from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet

from peerwell.accounts.models import Membership
from peerwell.core.roles import Role
from peerwell.participants.models import (
    Assignment,
    Consent,
    ConsentKind,
    Participant,
    StatusChange,
)


def participants_visible_to(membership: Membership) -> QuerySet[Participant]:
    """The participants this member may see: the whole program for an admin, their team's
    caseloads for a supervisor, their own caseload for a specialist, nothing otherwise."""
    participants = Participant.objects.in_org(membership.organization)
    if membership.role == Role.ADMIN:
        return participants
    if membership.role == Role.SUPERVISOR:
        team = Q(assignments__specialist__teams__supervisor=membership)
        return participants.filter(team, assignments__ended_at__isnull=True).distinct()
    if membership.role == Role.SPECIALIST:
        return participants.filter(
            assignments__specialist=membership, assignments__ended_at__isnull=True
        ).distinct()
    return participants.none()


def record_of(membership: Membership) -> Participant | None:
    """The participant record of a participant's own portal account, if it has one."""
    # By the account alone (one to one), then the organization checked: asked as one
    # filter, SQLite may walk the organization's whole index instead. A get, not first():
    # no ORDER BY to build, on every page of a participant's own.
    try:
        participant = Participant.objects.get(user_id=membership.user_id)
    except Participant.DoesNotExist:
        return None
    if participant.organization_id != membership.organization_id:
        return None
    # Both already read with the membership: no join, no second read.
    participant.user = membership.user
    participant.organization = membership.organization
    return participant


def caseload(membership: Membership) -> QuerySet[Participant]:
    return (
        participants_visible_to(membership)
        .prefetch_related(primary_assignments())
        .order_by("preferred_name", "pk")
    )


def primary_assignments() -> Prefetch:
    """Prefetch each participant's open primary assignment into `open_primary` (a list)."""
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(is_primary=True, ended_at__isnull=True).select_related(
            "specialist__user"
        ),
        to_attr="open_primary",
    )


def possible_duplicates(
    organization, *, legal_name: str, date_of_birth: date | None, phone: str, email: str
) -> QuerySet[Participant]:
    """Records that may be the same person: same name and birth date, or same phone or email."""
    match = Q()
    if legal_name and date_of_birth:
        match |= Q(legal_name__iexact=legal_name.strip(), date_of_birth=date_of_birth)
    if phone:
        match |= Q(phone=normalize_phone(phone))
    if email:
        match |= Q(email__iexact=email.strip())
    if not match:
        return Participant.objects.none()
    return Participant.objects.in_org(organization).filter(match).order_by("pk")


def normalize_phone(phone: str) -> str:
    """Digits only (and a leading +), so "(555) 010-2030" and "555-010-2030" match."""
    phone = phone.strip()
    digits = "".join(c for c in phone if c.isdigit())
    return f"+{digits}" if phone.startswith("+") else digits


def consents_of(participant: Participant) -> QuerySet[Consent]:
    # With the organization, whose date each one's in_effect asks for.
    return participant.consents.select_related(
        "organization", "recorded_by__user", "revoked_by__user"
    )


def consents_in_effect(
    participant: Participant, kinds: tuple[str, ...], on: date | None = None
) -> set[str]:
    """Which of these consents (services, telehealth) has the participant given, and not
    revoked, on `on`? Today by default: the organization's date, which its consents are
    dated by. One query for all the kinds."""
    on = on or participant.organization.today()
    return set(
        participant.consents.filter(Consent.in_effect_on(on), kind__in=kinds).values_list(
            "kind", flat=True
        )
    )


def sharing_allowed(participant: Participant, *, recipient: str, on: date | None = None) -> bool:
    """May this participant's information go to this recipient today?

    The one place every feature that shares information asks. True only while a release of
    information naming the recipient is in effect: not revoked, not expired (on the
    organization's date, unless `on` says otherwise).
    """
    on = on or participant.organization.today()
    return participant.consents.filter(
        Consent.in_effect_on(on), kind=ConsentKind.RELEASE, recipient__iexact=recipient.strip()
    ).exists()


def search(participants: QuerySet[Participant], query: str) -> QuerySet[Participant]:
    """Narrow by preferred or legal name, phone or email (names are not encrypted, so searchable)."""
    match = Q(preferred_name__icontains=query) | Q(legal_name__icontains=query)
    match |= Q(email__iexact=query)
    digits = normalize_phone(query)
    if len(digits) >= 4:
        match |= Q(phone__contains=digits)
    return participants.filter(match)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    item: object


@dataclass(frozen=True)
class Chart:
    assignments: list[Assignment]
    consents: list[Consent]
    status_changes: list[StatusChange]

    @property
    def current(self) -> list[Assignment]:
        return [a for a in self.assignments if a.ended_at is None]

    @property
    def timeline(self) -> list[TimelineEntry]:
        """What happened, newest first. Contacts and notes join it as those features land."""
        entries = [TimelineEntry(s.changed_at, "status", s) for s in self.status_changes]
        entries += [TimelineEntry(a.started_at, "assignment", a) for a in self.assignments]
        entries += [TimelineEntry(c.recorded_at, "consent", c) for c in self.consents]
        return sorted(entries, key=lambda e: e.at, reverse=True)


def chart(participant: Participant) -> Chart:
    return Chart(
        assignments=list(
            participant.assignments.select_related("specialist__user", "assigned_by__user")
        ),
        consents=list(consents_of(participant)),
        status_changes=list(participant.status_changes.select_related("changed_by__user")),
    )
