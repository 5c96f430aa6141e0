from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from peerwell.accounts.models import User
from peerwell.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from peerwell.core.roles import STAFF_ROLES


def audit_events_for(
    organization,
    *,
    actor_id: int | None = None,
    participant_id: int | None = None,
    action: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[AuditEvent]:
    """The organization's events, newest first, filtered; dates are in the viewer's zone."""
    events = AuditEvent.objects.filter(organization=organization).select_related("actor")
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if participant_id:
        events = events.filter(participant_id=participant_id)
    if action:
        events = events.filter(action=action)
    zone = timezone.get_current_timezone()
    if date_from:
        events = events.filter(occurred_at__gte=datetime.combine(date_from, time.min, zone))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min, zone)
        events = events.filter(occurred_at__lt=end)
    return events.order_by("-occurred_at", "-pk")


def staff_accounts(organization) -> QuerySet[User]:
    """Accounts with a staff role in the organization: the people an auditor may name."""
    return User.objects.filter(
        memberships__organization=organization, memberships__role__in=STAFF_ROLES
    ).order_by("full_name")


def audit_actions_for(organization) -> list[str]:
    return list(
        AuditEvent.objects.filter(organization=organization)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class ChainBreak:
    chain: str
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id else "the end of the chain"
        return f"chain {self.chain}: {where} (position {self.seq}): {self.reason}"


@dataclass(frozen=True)
class ChainSummary:
    chain: str
    events: int
    head_hash: str


def audit_verify() -> tuple[list[ChainSummary], list[ChainBreak]]:
    """Re-walk every chain; return each intact chain's summary and each chain's first break."""
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    chains = sorted(set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct()))
    summaries, breaks = [], []
    for chain in chains:
        found = _verify_chain(chain, heads.get(chain))
        if isinstance(found, ChainBreak):
            breaks.append(found)
        else:
            summaries.append(found)
    return summaries, breaks


def _verify_chain(chain: str, head: AuditChainHead | None) -> ChainSummary | ChainBreak:
    expected_seq, previous_hash = 1, GENESIS_HASH
    events = AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(
                chain,
                event.seq,
                event.pk,
                f"expected position {expected_seq}: the event before it was deleted",
            )
        if event.prev_hash != previous_hash:
            return ChainBreak(
                chain,
                event.seq,
                event.pk,
                "does not link to the event before it: it was inserted, or the one before was replaced",
            )
        if event.compute_hash() != event.hash:
            return ChainBreak(
                chain,
                event.seq,
                event.pk,
                "its contents no longer match its hash: the row was changed",
            )
        expected_seq, previous_hash = event.seq + 1, event.hash
    last_seq = expected_seq - 1
    if head is None or head.last_seq != last_seq or head.last_hash != previous_hash:
        recorded = head.last_seq if head else 0
        return ChainBreak(
            chain,
            last_seq,
            None,
            f"the chain ends at position {last_seq} but its head records {recorded}: events at its end were deleted or added",
        )
    return ChainSummary(chain, last_seq, previous_hash)
