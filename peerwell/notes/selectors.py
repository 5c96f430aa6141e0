from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from peerwell.accounts.models import Membership
from peerwell.notes.models import Contact, CosignStatus, GoalNote, NoteStatus
from peerwell.participants.models import Assignment, Participant, ParticipantStatus


def contacts_of(participant: Participant) -> QuerySet[Contact]:
    """The participant's contacts with their notes, newest first (the chart's timeline)."""
    return (
        Contact.objects.filter(participant=participant)
        .select_related("specialist__user", "note")
        .order_by("-occurred_at", "-pk")
    )


def _no_contact_since(specialists, days: int) -> QuerySet[Assignment]:
    """Open assignments of active participants whose last contact is older than `days`."""
    cutoff = timezone.now() - timedelta(days=days)
    return (
        Assignment.objects.filter(
            specialist__in=specialists,
            ended_at__isnull=True,
            participant__status=ParticipantStatus.ACTIVE,
        )
        .annotate(last_contact=Max("participant__contacts__occurred_at"))
        .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True))
    )


@dataclass(frozen=True)
class Dashboard:
    planned: list[GoalNote]
    quiet: list[Assignment]
    drafts: list[GoalNote]
    returned: list[GoalNote]
    quiet_days: int

    @property
    def late(self) -> list[GoalNote]:
        return [note for note in self.drafts if note.is_late]

    @property
    def flagged(self) -> list[GoalNote]:
        return [note for note in self.drafts if note.scope_flags]


def specialist_dashboard(membership: Membership) -> Dashboard:
    """What a specialist needs today; every query is bounded by their own caseload."""
    today = timezone.localdate()
    days = membership.organization.no_contact_alert_days
    notes = GoalNote.objects.filter(author=membership).select_related("participant", "contact")
    # Only the light columns: a dashboard decrypts no note text.
    light = notes.only(
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
    return Dashboard(
        planned=list(
            light.filter(next_contact_on__in=[today, today + timedelta(days=1)]).order_by(
                "next_contact_on", "participant__preferred_name"
            )
        ),
        quiet=list(
            _no_contact_since([membership], days)
            .select_related("participant")
            .order_by("last_contact", "participant__preferred_name")
        ),
        drafts=list(light.filter(status=NoteStatus.DRAFT).order_by("sign_due_at")),
        returned=list(light.filter(cosign_status=CosignStatus.RETURNED).order_by("-returned_at")),
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
    quiet = dict(
        _no_contact_since(team, supervisor.organization.no_contact_alert_days)
        .values("specialist")
        .annotate(n=Count("pk"))
        .values_list("specialist", "n")
    )
    return [
        SpecialistSummary(
            specialist=member,
            drafts=counts.get(member.pk, {}).get("drafts", 0),
            late=counts.get(member.pk, {}).get("late", 0),
            flagged=counts.get(member.pk, {}).get("flagged", 0),
            returned=counts.get(member.pk, {}).get("returned", 0),
            quiet=quiet.get(member.pk, 0),
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
