from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerwell.core import policy
from peerwell.core.policy import Permission
from peerwell.workforce import selectors, services
from peerwell.workforce.forms import CertificationForm, ProfileForm


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


@policy.permission_required(Permission.OWN_PROFILE_EDIT)
def my_profile(request):
    """A specialist's own directory profile: story, lived experience, languages, ways to meet."""
    profile = selectors.profile_of(request.membership)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=copy(profile))
    if request.method == "POST" and form.is_valid():
        services.specialist_profile_update(
            actor=request.membership,
            values={f: form.cleaned_data[f] for f in ProfileForm.Meta.fields},
            photo=form.cleaned_data["photo"],
            remove_photo=form.cleaned_data["remove_photo"],
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("workforce:my_profile")
    return render(
        request,
        "workforce/my_profile.html",
        {"form": form, "profile": profile, "error_form": form if form.errors else None},
        status=400 if form.errors else 200,
    )


@policy.permission_required(Permission.DIRECTORY_VIEW)
def photo(request, membership_id: int):
    """A specialist's directory photo, for people of their organization who see the directory."""
    specialist = policy.access_specialist(request.membership, membership_id)
    profile = selectors.profile_of(specialist)
    if not profile.photo:
        raise Http404(_("Not found."))
    response = FileResponse(profile.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@policy.permission_required(Permission.CERTIFICATION_MANAGE)
def certifications(request, membership_id: int):
    """An admin's record of a specialist's credentials, and where new ones are entered."""
    specialist = policy.access_membership(request.membership, membership_id)
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_record(
                actor=request.membership, specialist=specialist, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The certification is recorded."))
            return redirect("workforce:certifications", membership_id=specialist.pk)
    return render(
        request,
        "workforce/certifications.html",
        {
            "specialist": specialist,
            "certifications": specialist.certifications.select_related("verified_by__user"),
            "form": form,
            "error_form": form if form.errors else None,
            # Expired by the program's calendar, as the directory decides who is certified.
            "today": specialist.organization.today(),
        },
        status=400 if form.errors else 200,
    )
