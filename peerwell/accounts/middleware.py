import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from peerwell.accounts.selectors import memberships_of, user_has_confirmed_totp

SESSION_ORG_KEY = "peerwell_organization_id"
SESSION_ACTIVITY_KEY = "peerwell_last_activity"
ACTIVITY_GRANULARITY = 30


def mfa_not_required(view):
    """Mark a view as reachable before the second factor (sign-in, set-up, sign-out)."""
    view.peerwell_mfa_exempt = True
    return view


def _redirect(request, url: str):
    if getattr(request, "htmx", False) or request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class MembershipMiddleware:
    """Sets request.membership: the signed-in person's role in the organization they work in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.memberships = []
        if request.user.is_authenticated:
            # Read with the account by the authentication backend (accounts.auth), or here.
            request.memberships = getattr(request.user, "active_memberships", None)
            if request.memberships is None:
                request.memberships = list(memberships_of(request.user))
            for membership in request.memberships:
                # Its account is the one signed in, already read: spare pages a query for it.
                membership.user = request.user
            chosen = request.session.get(SESSION_ORG_KEY)
            request.membership = next(
                (m for m in request.memberships if m.organization_id == chosen),
                request.memberships[0] if request.memberships else None,
            )
        return self.get_response(request)


class UserPreferencesMiddleware:
    """Shows pages in the person's chosen language and time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            zone = user.time_zone or (
                request.membership.organization.time_zone if request.membership else None
            )
            if zone:
                timezone.activate(zone)
        response = self.get_response(request)
        timezone.deactivate()
        return response


def idle_timeout_seconds(request) -> int:
    membership = getattr(request, "membership", None)
    minutes = (
        membership.organization.idle_timeout_minutes
        if membership
        else settings.PEERWELL_IDLE_TIMEOUT_MINUTES
    )
    return minutes * 60


class IdleTimeoutMiddleware:
    """Signs a person out after their organization's idle time with no request from them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_ACTIVITY_KEY)
            if last is not None and now - last > idle_timeout_seconds(request):
                request.peerwell_logout_reason = "idle_timeout"
                logout(request)
                query = urlencode({"next": request.get_full_path(), "reason": "idle"})
                return _redirect(request, f"{resolve_url(settings.LOGIN_URL)}?{query}")
            # Recorded at most every ACTIVITY_GRANULARITY seconds: a page view then need not
            # write the session, and the idle limit is still kept to within that margin.
            if last is None or now - last >= ACTIVITY_GRANULARITY:
                request.session[SESSION_ACTIVITY_KEY] = now
        return self.get_response(request)


class MFARequiredMiddleware:
    """Staff, and anyone who enrolled a second factor, must pass it before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        request.mfa_pending = False
        if not user.is_authenticated or user.is_verified():
            return None
        has_device = getattr(user, "has_confirmed_totp", None)
        if has_device is None:  # not read with the account (accounts.auth)
            has_device = user_has_confirmed_totp(user)
        staff = any(m.is_staff_role for m in request.memberships)
        if not (staff or has_device):
            return None
        request.mfa_pending = True
        if getattr(view_func, "peerwell_mfa_exempt", False):
            return None
        target = "accounts:mfa_verify" if has_device else "accounts:mfa_setup"
        return _redirect(
            request, f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )
