import base64
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp.plugins.otp_static.models import StaticDevice

from peerwell.accounts import selectors, services
from peerwell.accounts.forms import (
    CurrentCodeForm,
    EnrolmentCodeForm,
    InvitationAcceptForm,
    InvitationForm,
    LanguageForm,
    OneTimeCodeForm,
    PreferencesForm,
    SignInForm,
    TeamForm,
)
from peerwell.accounts.middleware import SESSION_ORG_KEY, mfa_not_required
from peerwell.accounts.models import InvitationStatus
from peerwell.audit.services import audit_record
from peerwell.core import policy
from peerwell.core.policy import Permission
from peerwell.core.ratelimits import TOO_MANY, email_sending_limited


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["idle_signed_out"] = self.request.GET.get("reason") == "idle"
        return context


sign_in = mfa_not_required(SignInView.as_view())


sign_out = mfa_not_required(auth_views.LogoutView.as_view())


def _organization(request):
    return request.membership.organization if request.membership else None


def _second_factor_passed(request, device) -> None:
    django_otp.login(request, device)
    # A new session key once fully signed in, so a key seen before cannot be reused.
    request.session.cycle_key()


def _qr_data_uri(text: str) -> str:
    buffer = BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@mfa_not_required
def mfa_setup(request):
    """Enrol an authenticator app (QR code and key, then a first code), or move it to a new phone."""
    replacing = selectors.user_has_confirmed_totp(request.user)
    if replacing and not request.user.is_verified():
        return redirect("accounts:mfa_verify")
    device = services.mfa_totp_device_for_enrolment(user=request.user)
    form = EnrolmentCodeForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_totp_confirm(
                user=request.user,
                device=device,
                organization=_organization(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _second_factor_passed(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request, reverse("core:home"))},
            )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "replacing": replacing,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request, ""),
    }
    return render(request, "accounts/mfa_setup.html", context)


@mfa_not_required
def mfa_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_safe_next(request, reverse("core:home")))
    if not selectors.user_has_confirmed_totp(request.user):
        return redirect("accounts:mfa_setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.mfa_verify(
                user=request.user,
                token=form.cleaned_data["token"],
                organization=_organization(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _second_factor_passed(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You used a recovery code. Each works once: make new ones in your account settings."
                    ),
                )
            return redirect(_safe_next(request, reverse("core:home")))
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


def _settings_page(request, *, preferences=None, recovery=None, status=200):
    preferences = preferences or PreferencesForm(
        initial={"language": request.user.language, "time_zone": request.user.time_zone}
    )
    context = {
        "form": preferences,
        "recovery_form": recovery or CurrentCodeForm(),
        "error_form": recovery if recovery is not None and recovery.errors else None,
    }
    return render(request, "accounts/settings.html", context, status=status)


def account_settings(request):
    form = PreferencesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(user=request.user, **form.cleaned_data)
        translation.activate(request.user.language)  # say it in the language just chosen
        messages.success(request, _("Your preferences are saved."))
        return redirect("accounts:settings")
    return _settings_page(request, preferences=form if request.method == "POST" else None)


@require_POST
def recovery_codes_regenerate(request):
    form = CurrentCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = services.mfa_recovery_codes_regenerate(
                user=request.user,
                token=form.cleaned_data["token"],
                organization=_organization(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": reverse("accounts:settings")},
            )
    return _settings_page(request, recovery=form)


@require_POST
def sign_out_everywhere(request):
    services.user_sign_out_everywhere(user=request.user, organization=_organization(request))
    request.peerwell_logout_reason = "signed_out_everywhere"
    auth_views.auth_logout(request)
    messages.success(request, _("You are signed out on every device."))
    return redirect("accounts:login")


@require_POST
def keepalive(request):
    """Touched by the idle-timeout warning's "stay signed in": the middleware did the work."""
    return HttpResponse(status=204)


@require_POST
def organization_choose(request):
    wanted = request.POST.get("organization")
    membership = next((m for m in request.memberships if str(m.organization_id) == wanted), None)
    if membership is None:
        raise Http404(_("Not found."))
    request.session[SESSION_ORG_KEY] = membership.organization_id
    return redirect("core:home")


@login_not_required
@require_POST
def set_language(request):
    """The language switcher of pages seen before signing in: Django's `set_language`.

    Sets the language cookie and sends the person back to `next` when it is a page of this
    site. A signed-in person's saved preference wins over the cookie, so it is saved too.
    """
    form = LanguageForm(request.POST)
    if form.is_valid() and request.user.is_authenticated:
        services.user_update_preferences(
            user=request.user,
            language=form.cleaned_data["language"],
            time_zone=request.user.time_zone,
        )
    return django_set_language(request)


INVITATION_SESSION_KEY = "peerwell_invitation_token"
INVITATION_PLACEHOLDER = "accept"


@login_not_required
def invitation_accept(request, token: str):
    """Join an organization from an invitation link: a new account, or the signed-in one."""
    if token != INVITATION_PLACEHOLDER:
        # Like Django's password reset: keep the token in the session and out of the
        # address bar, server logs and the sign-in link from here on.
        request.session[INVITATION_SESSION_KEY] = token
        return redirect("accounts:invitation_accept", token=INVITATION_PLACEHOLDER)
    token = request.session.get(INVITATION_SESSION_KEY, "")
    invitation = selectors.invitation_by_token(token) if token else None
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return render(request, "accounts/invitation_invalid.html", status=410)
    user = request.user if request.user.is_authenticated else None
    if user is None and selectors.account_exists(invitation.email):
        sign_in_url = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
        return render(
            request,
            "accounts/invitation_sign_in.html",
            {"invitation": invitation, "sign_in_url": sign_in_url},
        )
    form = None if user else InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            services.invitation_accept(
                token=token,
                full_name=data.get("full_name", ""),
                password=data.get("password", ""),
                existing_user=user,
                language=translation.get_language(),
            )
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("core:home")
            form.add_error(None, " ".join(error.messages))
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                _("Welcome to %(organization)s.") % {"organization": invitation.organization.name},
            )
            return redirect("core:home" if user else "accounts:login")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def _reset_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if email_sending_limited(self.request, form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {"hours": _reset_hours()}
        services.password_reset_requested(email=form.cleaned_data["email"])
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(user=form.user)
        return response


password_reset = mfa_not_required(PasswordResetView.as_view())
password_reset_done = mfa_not_required(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html",
        extra_context={"hours": _reset_hours()},
    )
)
password_reset_confirm = mfa_not_required(PasswordResetConfirmView.as_view())
password_reset_complete = mfa_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@policy.permission_required(Permission.STAFF_VIEW)
def staff(request):
    """Staff of the organization and pending invitations; admins invite from here."""
    membership = request.membership
    can_invite = policy.has_permission(membership, Permission.STAFF_INVITE)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        policy.require(membership, Permission.STAFF_INVITE)
        if form.is_valid():
            try:
                services.invitation_create(
                    actor=membership, base_url=request.build_absolute_uri("/"), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("accounts:staff")
    members = list(selectors.staff_members(membership.organization))
    invitations = (
        list(selectors.invitations_for(membership.organization).pending()) if can_invite else []
    )
    audit_record(
        action="staff.list_viewed",
        actor=request.user,
        organization=membership.organization,
        detail={"count": len(members)},
    )
    return render(
        request,
        "accounts/staff.html",
        {"members": members, "invitations": invitations, "form": form, "can_invite": can_invite},
    )


@require_POST
def invitation_revoke(request, invitation_id: int):
    invitation = policy.access_invitation(request.membership, invitation_id)
    try:
        services.invitation_revoke(actor=request.membership, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation revoked."))
    return redirect("accounts:staff")


@policy.permission_required(Permission.TEAM_MANAGE)
def teams(request):
    membership = request.membership
    form = TeamForm(request.POST or None, organization=membership.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_create(
                actor=membership,
                name=form.cleaned_data["name"],
                supervisor=form.cleaned_data["supervisor"],
                specialists=list(form.cleaned_data["specialists"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Team created."))
            return redirect("accounts:teams")
    team_list = list(selectors.teams_for(membership.organization))
    audit_record(
        action="team.list_viewed",
        actor=request.user,
        organization=membership.organization,
        detail={"count": len(team_list)},
    )
    return render(request, "accounts/teams.html", {"teams": team_list, "form": form})
