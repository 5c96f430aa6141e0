import csv
from itertools import islice

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from peerwell.audit.forms import AuditFilterForm
from peerwell.audit.selectors import audit_actions_for, audit_events_for, staff_accounts
from peerwell.audit.services import audit_record
from peerwell.core import policy
from peerwell.core.policy import Permission

PAGE_SIZE = 50
CSV_COLUMNS = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "participant_id",
    "ip_address",
    "user_agent",
    "request_id",
    "chain",
    "seq",
    "hash",
]


def _filter_form(request):
    organization = request.membership.organization
    form = AuditFilterForm(
        request.GET or None, organization=organization, actions=audit_actions_for(organization)
    )
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    return form, filters


def _audit_detail(filters: dict) -> dict:
    return {key: str(value) for key, value in filters.items() if value}


@policy.permission_required(Permission.AUDIT_VIEW)
def events(request):
    """The audit trail of the auditor's organization, filtered and paginated."""
    form, filters = _filter_form(request)
    organization = request.membership.organization
    page = Paginator(audit_events_for(organization, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        action="audit.searched",
        actor=request.user,
        organization=organization,
        detail=_audit_detail(filters),
    )
    query = request.GET.copy()
    query.pop("page", None)
    staff_ids = set(staff_accounts(organization).values_list("pk", flat=True))
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "query_string": query.urlencode(), "staff_ids": staff_ids},
    )


class _Echo:
    def write(self, value):
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run: text that starts like a formula gets a quote first."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_lines(events, staff_ids: set[int]):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events:
        named = event.actor_id in staff_ids
        yield writer.writerow(
            csv_cell(value)
            for value in (
                event.pk,
                event.occurred_at.isoformat(),
                event.actor_id,
                event.actor.email if named else "",
                event.action,
                event.object_type,
                event.object_id,
                event.participant_id,
                event.ip_address,
                event.user_agent,
                event.request_id,
                event.chain,
                event.seq,
                event.hash,
            )
        )


def _streamed(request, lines):
    """Under ASGI, hand Django an async iterator so the export is streamed, not buffered;
    each batch is read from the database in the worker thread that owns the connection."""
    if not isinstance(request, ASGIRequest):
        return lines

    def batch():
        return list(islice(lines, 500))

    async def chunks():
        while rows := await sync_to_async(batch)():
            for row in rows:
                yield row

    return chunks()


@policy.permission_required(Permission.AUDIT_EXPORT)
def export_csv(request):
    """The filtered trail as CSV, streamed so a large export never sits in memory."""
    _form, filters = _filter_form(request)
    organization = request.membership.organization
    audit_record(
        action="audit.exported",
        actor=request.user,
        organization=organization,
        detail=_audit_detail(filters),
    )
    events = audit_events_for(organization, **filters).iterator(chunk_size=2000)
    staff_ids = set(staff_accounts(organization).values_list("pk", flat=True))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        _streamed(request, _csv_lines(events, staff_ids)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
