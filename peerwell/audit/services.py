from datetime import UTC, datetime

from django.db import models, transaction

from peerwell.audit import context
from peerwell.audit.models import AuditChainHead, AuditEvent


def chain_for(organization_id: int | None) -> str:
    return f"org:{organization_id}" if organization_id else "system"


def audit_record(
    *,
    action: str,
    actor=None,
    organization=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    participant_id: int | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event to its organization's chain, inside the caller's transaction.

    `detail` carries ids and codes only, never names or free text. Call it in the same
    transaction as the change it records, so that neither exists without the other.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    organization_id = getattr(organization, "pk", organization)
    chain = chain_for(organization_id)
    request = context.current()
    # No savepoint inside the caller's transaction: an event that fails to append must
    # take the change it records down with it, never be caught and skipped.
    with transaction.atomic(savepoint=False):
        # Locking the head serializes appends to one chain, so two events never share a place.
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(chain=chain)
        event = AuditEvent(
            chain=chain,
            seq=head.last_seq + 1,
            occurred_at=datetime.now(UTC),
            organization_id=organization_id,
            actor_id=getattr(actor, "pk", actor),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            participant_id=participant_id,
            ip_address=request.ip_address,
            user_agent=request.user_agent,
            request_id=request.request_id,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def audit_read(request, action: str, *, obj=None, participant_id=None, detail=None) -> AuditEvent:
    """Record that the signed-in member read personal data on a page: the one call views
    make, so every read is recorded the same way (actor, their organization, the request)."""
    return audit_record(
        action=action,
        actor=request.user,
        organization=request.membership.organization,
        obj=obj,
        participant_id=participant_id,
        detail=detail,
    )
