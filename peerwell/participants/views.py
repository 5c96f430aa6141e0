from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerwell.accounts.middleware import mfa_not_required
from peerwell.audit.services import audit_read
from peerwell.core import policy
from peerwell.core.models import Organization
from peerwell.core.policy import Permission
from peerwell.core.ratelimits import TOO_MANY, email_sending_limited
from peerwell.participants import selectors, services
from peerwell.participants.chart import sections_for
from peerwell.participants.forms import (
    AssignForm,
    ConsentForm,
    IntakeForm,
    ParticipantForm,
    PeerPreferencesForm,
    RevokeForm,
    SignUpForm,
    StatusForm,
)
from peerwell.participants.models import Consent

PAGE_SIZE = 25


# Forms below work on a copy of the record: validating a ModelForm writes into its
# instance, and the services compare the record before and after to save and audit changes.


def _record(form) -> dict:
    return {f: form.cleaned_data[f] for f in ParticipantForm.Meta.fields}


@policy.permission_required(Permission.PARTICIPANT_VIEW)
def participant_list(request):
    """The participants this member may see: a caseload, a team's, or the program's."""
    membership = request.membership
    participants = selectors.caseload(membership)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        participants = selectors.search(participants, query)
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_read(
        request,
        "participant.list_viewed",
        detail={"count": len(page.object_list), "page": page.number, "searched": bool(query)},
    )
    return render(
        request,
        "participants/list.html",
        {
            "page": page,
            "query": query,
            "query_string": urlencode({"q": query}) if query else "",
            "can_intake": policy.has_permission(membership, Permission.PARTICIPANT_INTAKE),
        },
    )


@policy.permission_required(Permission.PARTICIPANT_INTAKE)
def participant_intake(request):
    form = IntakeForm(request.POST or None)
    matches = []
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_intake(
                actor=request.membership,
                record=_record(form),
                status=form.cleaned_data["status"],
                not_a_duplicate=form.cleaned_data["not_a_duplicate"],
            )
        except services.PossibleDuplicate as duplicate:
            matches = duplicate.matches
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s's record is created.") % {"name": participant.preferred_name}
            )
            return redirect("participants:chart", participant_id=participant.pk)
    visible = (
        set(
            selectors.participants_visible_to(request.membership)
            .filter(pk__in=[m.pk for m in matches])
            .values_list("pk", flat=True)
        )
        if matches
        else set()
    )
    return render(
        request, "participants/intake.html", {"form": form, "matches": matches, "visible": visible}
    )


@policy.permission_required(Permission.PARTICIPANT_VIEW)
def participant_chart(request, participant_id: int):
    """One page with the person's status, consents, caseload and history, newest first."""
    participant = policy.access_participant(request.membership, participant_id)
    chart = selectors.chart(participant)
    audit_read(
        request,
        "participant.viewed",
        obj=participant,
        participant_id=participant.pk,
    )
    membership = request.membership
    return render(
        request,
        "participants/chart.html",
        {
            "participant": participant,
            "chart": chart,
            "sections": sections_for(request, participant),
            "status_form": StatusForm(initial={"status": participant.status}),
            "can_edit": policy.has_permission(membership, Permission.PARTICIPANT_EDIT),
            "can_reassign": policy.has_permission(membership, Permission.PARTICIPANT_REASSIGN),
        },
    )


@policy.permission_required(Permission.PARTICIPANT_EDIT)
def participant_edit(request, participant_id: int):
    participant = policy.access_participant(
        request.membership, participant_id, Permission.PARTICIPANT_EDIT
    )
    form = ParticipantForm(request.POST or None, instance=copy(participant))
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_update(
                actor=request.membership, participant=participant, record=_record(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The record is saved."))
            return redirect("participants:chart", participant_id=participant.pk)
    return render(request, "participants/edit.html", {"participant": participant, "form": form})


@require_POST
@policy.permission_required(Permission.PARTICIPANT_EDIT)
def participant_status(request, participant_id: int):
    participant = policy.access_participant(
        request.membership, participant_id, Permission.PARTICIPANT_EDIT
    )
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.participant_change_status(
                actor=request.membership, participant=participant, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Status changed to %(status)s.") % {"status": participant.get_status_display()},
            )
    else:
        messages.error(request, _("Choose a status and say why it changes."))
    return redirect("participants:chart", participant_id=participant.pk)


@policy.permission_required(Permission.PARTICIPANT_EDIT)
def consent_new(request, participant_id: int):
    participant = policy.access_participant(
        request.membership, participant_id, Permission.PARTICIPANT_EDIT
    )
    # With its organization, whose calendar the form's check of the date reads.
    form = ConsentForm(
        request.POST or None, instance=Consent(organization=participant.organization)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                actor=request.membership, participant=participant, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("participants:chart", participant_id=participant.pk)
    return render(
        request, "participants/consent_form.html", {"participant": participant, "form": form}
    )


@require_POST
@policy.permission_required(Permission.PARTICIPANT_EDIT)
def consent_revoke(request, participant_id: int, consent_id: int):
    participant = policy.access_participant(
        request.membership, participant_id, Permission.PARTICIPANT_EDIT
    )
    consent = policy.access_consent(request.membership, participant, consent_id)
    form = RevokeForm(request.POST)
    form.is_valid()
    try:
        services.consent_revoke(
            actor=request.membership, consent=consent, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Consent revoked. Nothing it covered will be shared from now on.")
        )
    return redirect("participants:chart", participant_id=participant.pk)


@policy.permission_required(Permission.PARTICIPANT_REASSIGN)
def participant_assign(request, participant_id: int):
    participant = policy.access_participant(
        request.membership, participant_id, Permission.PARTICIPANT_REASSIGN
    )
    form = AssignForm(request.POST or None, organization=participant.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_assign(
                actor=request.membership, participant=participant, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Caseload updated."))
            return redirect("participants:chart", participant_id=participant.pk)
    return render(request, "participants/assign.html", {"participant": participant, "form": form})


@login_not_required
@mfa_not_required
def sign_up(request, organization_slug: str):
    organization = get_object_or_404(Organization, slug=organization_slug, self_sign_up=True)
    form = SignUpForm(
        request.POST or None,
        initial={"time_zone": organization.time_zone, "language": get_language()},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if email_sending_limited(request, data["email"]):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            try:
                services.participant_sign_up(
                    organization=organization,
                    full_name=data["full_name"],
                    preferred_name=data["preferred_name"],
                    email=data["email"],
                    password=data["password"],
                    time_zone=data["time_zone"],
                    language=data["language"],
                    telehealth=data["consent_telehealth"],
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("participants:sign_up_sent")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "participants/sign_up.html",
        {"organization": organization, "form": form, "error_form": form if form.errors else None},
        status=status,
    )


@login_not_required
@mfa_not_required
def sign_up_sent(request):
    return render(request, "participants/sign_up_sent.html")


@login_not_required
@mfa_not_required
def confirm_email(request, token: str):
    try:
        services.participant_confirm_email(token)
    except ValidationError as error:
        return render(
            request,
            "participants/sign_up_confirmed.html",
            {"error": " ".join(error.messages)},
            status=410,
        )
    return render(request, "participants/sign_up_confirmed.html")


@policy.permission_required(Permission.OWN_PREFERENCES_EDIT)
def my_preferences(request):
    """The optional questionnaire: what the participant looks for in a peer."""
    participant = policy.access_own_participant(request.membership)
    # Every question may be skipped: an empty POST is still an answer.
    form = PeerPreferencesForm(
        request.POST if request.method == "POST" else None, instance=copy(participant)
    )
    if request.method == "POST" and form.is_valid():
        services.participant_update_preferences(
            actor=request.membership,
            participant=participant,
            preferences={f: form.cleaned_data[f] for f in PeerPreferencesForm.Meta.fields},
        )
        messages.success(request, _("Thank you. Here are peer supporters who may suit you."))
        return redirect("matching:directory")
    return render(request, "participants/my_preferences.html", {"form": form})


@require_POST
@policy.permission_required(Permission.PARTICIPANT_EDIT)
def portal_invite(request, participant_id: int):
    participant = policy.access_participant(
        request.membership, participant_id, Permission.PARTICIPANT_EDIT
    )
    try:
        services.portal_invitation_send(
            actor=request.membership,
            participant=participant,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("An invitation to the portal is on its way to %(email)s.")
            % {"email": participant.email},
        )
    return redirect("participants:chart", participant_id=participant.pk)
