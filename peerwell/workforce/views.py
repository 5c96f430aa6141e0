from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerwell.core import policy
from peerwell.core.policy import Permission
from peerwell.workforce import services


@require_POST
@policy.permission_required(Permission.STAFF_INVITE)
def specialist_cosign(request, membership_id: int):
    """An admin requires, or stops requiring, co-signature of a specialist's notes."""
    specialist = policy.access_membership(request.membership, membership_id)
    required = request.POST.get("required") == "yes"
    try:
        services.specialist_set_cosign(
            actor=request.membership, specialist=specialist, required=required
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:staff")
    if required:
        text = _("%(name)s's notes now need a co-signature.")
    else:
        text = _("%(name)s's notes no longer need a co-signature.")
    messages.success(request, text % {"name": specialist.user.full_name})
    return redirect("accounts:staff")
