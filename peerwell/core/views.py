from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from peerwell.accounts import services as account_services
from peerwell.accounts.forms import OrganizationSettingsForm
from peerwell.accounts.middleware import mfa_not_required
from peerwell.accounts.selectors import teams_for
from peerwell.accounts.services import ORGANIZATION_SETTINGS
from peerwell.core import policy
from peerwell.core.home import sections_for
from peerwell.core.policy import Permission
from peerwell.core.roles import Role


@login_not_required
@mfa_not_required
@never_cache
def health(request):
    """Liveness for load balancers, and the benchmark's floor: the whole middleware stack, no work."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@mfa_not_required
def root(request):
    return redirect("core:home" if request.user.is_authenticated else "accounts:login")


HOME_TEMPLATES = {
    Role.PARTICIPANT: "core/home_participant.html",
    Role.SPECIALIST: "core/home_specialist.html",
    Role.SUPERVISOR: "core/home_supervisor.html",
    Role.ADMIN: "core/home_admin.html",
}


@policy.permission_required(Permission.HOME_VIEW)
def home(request):
    """Each role's home page; an auditor's home is the audit trail."""
    membership = request.membership
    if membership.role == Role.AUDITOR:
        return redirect("audit:events")
    context = {"sections": sections_for(request)}
    if membership.role == Role.SUPERVISOR:
        context["teams"] = list(teams_for(membership.organization).filter(supervisor=membership))
    return render(request, HOME_TEMPLATES[membership.role], context)


@policy.permission_required(Permission.ORGANIZATION_MANAGE)
def organization_settings(request):
    organization = request.membership.organization
    form = OrganizationSettingsForm(
        request.POST or None,
        initial={field: getattr(organization, field) for field in ORGANIZATION_SETTINGS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_services.organization_update_settings(
                actor=request.membership, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Organization settings saved."))
            return redirect("core:organization_settings")
    return render(request, "core/organization_settings.html", {"form": form})
