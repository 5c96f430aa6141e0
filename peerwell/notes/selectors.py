from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone

from peerwell.accounts.models import Membership
from peerwell.notes.models import Contact, CosignStatus, GoalNote, NoteStatus
from peerwell.participants.models import Assignment, Participant, ParticipantStatus


def contacts_of(participant: Participant) -> QuerySet[Contact]:
    """The participant's contacts, newest first (the chart's timeline): what a line of it
    shows, with its note's state. The notes' text is not read, so none is decrypted."""
    return (
        Contact.objects.filter(participant=participant)
        .select_related("specialist__user", "note")
        .only(
            "kind",
            "occurred_at",
            "duration_minutes",
            "specialist__user__full_name",
            "note__status",
        )
        .order_by("-occurred_at", "-pk")
    )


LIST_LIMIT = 25  # rows per dashboard list; the counts say how many there are in all


def _no_contact_since(specialists, days: int) -> QuerySet[Assignment]:
    """Open assignments of active participants with no contact in the last `days`, each
    with its last contact (or none).

    Both come from the (participant, -occurred_at) index: whether a contact is newer than
    the cutoff, and the newest one, a row each per participant however many they have.
    """
    cutoff = timezone.now() - timedelta(days=days)
    contacts = Contact.objects.filter(participant=OuterRef("participant_id"))
    last = contacts.order_by("-occurred_at").values("occurred_at")[:1]
    return Assignment.objects.filter(
        ~Exists(contacts.filter(occurred_at__gte=cutoff)),
        specialist__in=specialists,
        ended_at__isnull=True,
        participant__status=ParticipantStatus.ACTIVE,
    ).annotate(last_contact=Subquery(last))


def _draft_counts(notes: QuerySet[GoalNote]) -> dict[str, int]:
    return notes.filter(status=NoteStatus.DRAFT).aggregate(
        drafts=Count("pk"),
        late=Count("pk", filter=Q(sign_due_at__lt=timezone.now())),
        flagged=Count("pk", filter=~Q(scope_flags=[])),
    )


@dataclass(frozen=True)
class Dashboard:
    planned: list[GoalNote]
    quiet: list[Assignment]
    quiet_count: int
    drafts: list[GoalNote]  # the first LIST_LIMIT, soonest due first: late ones lead
    counts: dict[str, int]  # drafts, late, flagged
    returned: list[GoalNote]
    quiet_days: int


def specialist_dashboard(membership: Membership) -> Dashboard:
    """What a specialist needs today; every query is bounded by their caseload, not history."""
    today = timezone.localdate()
    days = membership.organization.no_contact_alert_days
    notes = GoalNote.objects.filter(author=membership)
    # Only the light columns: a dashboard decrypts no note text.
    light = notes.select_related("participant", "contact").only(
        "pk",
        "status",
        "sign_due_at",
        "scope_flags",
        "cosign_status",
        "next_contact_on",
        "participant__preferred_name",
        "contact__occurred_at",
        "contact__kind",
    )
    # The first LIST_LIMIT, each carrying how many there are in all: one query, not two.
    quiet = list(
        _no_contact_since([membership], days)
        .annotate(total=Window(Count("*")))
        .select_related("participant")
        .only("participant_id", "participant__preferred_name")
        .order_by("last_contact", "participant__preferred_name")[:LIST_LIMIT]
    )
    return Dashboard(
        planned=list(
            light.filter(next_contact_on__in=[today, today + timedelta(days=1)]).order_by(
                "next_contact_on", "participant__preferred_name"
            )[:LIST_LIMIT]
        ),
        quiet=quiet,
        quiet_count=quiet[0].total if quiet else 0,
        drafts=list(light.filter(status=NoteStatus.DRAFT).order_by("sign_due_at")[:LIST_LIMIT]),
        counts=_draft_counts(notes),
        returned=list(
            light.filter(cosign_status=CosignStatus.RETURNED).order_by("-returned_at")[:LIST_LIMIT]
        ),
        quiet_days=days,
    )


@dataclass(frozen=True)
class SpecialistSummary:
    specialist: Membership
    drafts: int
    late: int
    flagged: int
    returned: int
    quiet: int


def team_dashboard(supervisor: Membership) -> list[SpecialistSummary]:
    """The same counts per specialist of the supervisor's teams, in a fixed number of queries."""
    team = list(
        Membership.objects.filter(teams__supervisor=supervisor)
        .select_related("user")
        .distinct()
        .order_by("user__full_name")
    )
    now = timezone.now()
    counts = {
        row["author"]: row
        for row in GoalNote.objects.filter(author__in=team)
        .values("author")
        .annotate(
            drafts=Count("pk", filter=Q(status=NoteStatus.DRAFT)),
            late=Count("pk", filter=Q(status=NoteStatus.DRAFT, sign_due_at__lt=now)),
            flagged=Count("pk", filter=Q(status=NoteStatus.DRAFT) & ~Q(scope_flags=[])),
            returned=Count("pk", filter=Q(cosign_status=CosignStatus.RETURNED)),
        )
    }
    # Counted here, not with GROUP BY: grouping would also group by the subquery's value.
    quiet = Counter(
        _no_contact_since(team, supervisor.organization.no_contact_alert_days).values_list(
            "specialist_id", flat=True
        )
    )
    return [
        SpecialistSummary(
            specialist=member,
            drafts=counts.get(member.pk, {}).get("drafts", 0),
            late=counts.get(member.pk, {}).get("late", 0),
            flagged=counts.get(member.pk, {}).get("flagged", 0),
            returned=counts.get(member.pk, {}).get("returned", 0),
            quiet=quiet[member.pk],
        )
        for member in team
    ]


def cosign_queue(supervisor: Membership) -> QuerySet[GoalNote]:
    """Signed notes waiting for this supervisor's co-signature (an admin sees the program's)."""
    notes = GoalNote.objects.in_org(supervisor.organization).filter(
        cosign_status=CosignStatus.PENDING
    )
    if supervisor.role != "admin":
        notes = notes.filter(author__teams__supervisor=supervisor).distinct()
    return notes.select_related("participant", "author__user", "contact").order_by("signed_at")


def own_notes(membership: Membership) -> QuerySet[GoalNote]:
    """A participant's own signed notes (open notes), newest first."""
    return (
        GoalNote.objects.filter(participant__user=membership.user, status=NoteStatus.SIGNED)
        .select_related("contact", "author__user")
        .order_by("-contact__occurred_at")
    )
