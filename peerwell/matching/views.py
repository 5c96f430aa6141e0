from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from peerwell.audit.services import audit_read
from peerwell.core import policy
from peerwell.core.policy import Permission
from peerwell.core.roles import Role
from peerwell.matching import selectors
from peerwell.matching.forms import DirectoryFilterForm
from peerwell.participants.selectors import record_of

# Best matches first, a page at a time: a list of every offered peer (a hundred or more in
# a large program) is long to read, and rendering it was most of the page's time.
PAGE_SIZE = 10


@policy.permission_required(Permission.DIRECTORY_VIEW)
def directory(request):
    """The peer directory: ranked with reasons for a participant, by name for staff."""
    form = DirectoryFilterForm(request.GET or None)
    filters = selectors.DirectoryFilters(**form.cleaned_data) if form.is_valid() else None
    participant = None
    if request.membership.role == Role.PARTICIPANT:
        participant = record_of(request.membership)
        if participant is not None:
            # Ranking reads the participant's preferences: personal data.
            audit_read(
                request,
                "directory.ranked",
                obj=participant,
                participant_id=participant.pk,
            )
    matches = selectors.directory(
        request.membership.organization,
        viewer_zone=timezone.get_current_timezone_name(),
        participant=participant,
        filters=filters,
    )
    page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/directory.html",
        {
            "entries": selectors.directory_page(request.membership.organization, page.object_list),
            "count": len(matches),
            "page": page,
            "query_string": query.urlencode(),
            "form": form,
            "ranked": participant is not None,
            "can_book": participant is not None,
        },
    )
