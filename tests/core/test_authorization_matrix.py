"""Every URL x every role x own organization / another organization.

A URL without an entry in MATRIX fails `test_every_url_has_an_entry`, so no page can be
added without deciding who may see it. Staff are signed in with their second factor, so
these tests see the policy; the last test checks the second-factor gate on every URL.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from peerwell.accounts.models import Invitation
from peerwell.core.roles import Role
from peerwell.participants.models import Consent
from peerwell.scheduling.models import AvailabilityException
from peerwell.scheduling.services import calendar_feed_create
from tests import factories

ALL = frozenset(Role)
PUBLIC = "public"  # reachable without signing in
SIGNED_IN = ALL  # any role: the person's own account

P, SP, SU, AD, AU = Role.PARTICIPANT, Role.SPECIALIST, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR


def _invitation(org, people):
    return Invitation.objects.create(
        organization=org,
        email=f"new-{org.pk}@example.org",
        role=Role.SPECIALIST,
        token_hash=f"hash-{org.pk}",
        invited_by=people[AD],
        expires_at=timezone.now() + timedelta(days=3),
    )


def _participant(org, people):
    """A participant on the specialist's caseload, in the supervisor's team."""
    factories.team(people[SU], people[SP])
    return factories.participant(org, people[SP])


def _on_caseload(org, people):
    return {"participant_id": _participant(org, people).pk}


def _consent(org, people):
    record = _participant(org, people)
    consent = Consent.objects.create(
        organization=org,
        participant=record,
        kind="services",
        given_on=org.today(),
        evidence="signed form",
        recorded_by=people[SP],
    )
    return {"participant_id": record.pk, "consent_id": consent.pk}


def _note(org, people, **fields):
    return {"note_id": factories.note(org, people[SP], _participant(org, people), **fields).pk}


def _signed(org, people):
    return _note(org, people, status="signed", signed_at=timezone.now())


def _pending(org, people):
    return _note(org, people, status="signed", signed_at=timezone.now(), cosign_status="pending")


def _own_note(org, people):
    record = factories.participant(org, people[SP], user=people[P].user)
    return {
        "note_id": factories.note(
            org, people[SP], record, status="signed", signed_at=timezone.now()
        ).pk
    }


def _own_record(org, people):
    return factories.participant(org, people[SP], user=people[P].user)


def _own_sessions(org, people):
    _own_record(org, people)
    return {}


def _book(org, people):
    _own_record(org, people)
    return {"specialist_id": people[SP].pk}


def _appointment(org, people, **fields):
    factories.team(people[SU], people[SP])
    record = _own_record(org, people)
    return {"appointment_id": factories.appointment(org, people[SP], record, **fields).pk}


def _started(org, people):
    return _appointment(org, people, starts_at=timezone.now() - timedelta(minutes=5))


def _time_off(org, people):
    exception = AvailabilityException.objects.create(
        organization=org,
        specialist=people[SP],
        kind="time_off",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=2),
    )
    return {"exception_id": exception.pk}


def _open_sign_up(org, people):
    org.self_sign_up = True
    org.save()
    return {"organization_slug": org.slug}


def _photo(org, people):
    profile = factories.certified(people[SP]).specialist_profile
    profile.photo.save("p.jpg", ContentFile(factories.photo_bytes()))
    return {"membership_id": people[SP].pk}


def _feed(org, people):
    return {"token": calendar_feed_create(actor=people[SP])[1]}


EMPTY_STEPS = {"steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"}
STAFF_WITH_CASELOADS = {SP, SU, AD}

# url name -> (method, who may, kwargs maker(org, people) or None for URLs without an
# object[, POST data maker(org, people)])
MATRIX = {
    "core:root": ("GET", PUBLIC, None),
    "core:health": ("GET", PUBLIC, None),
    "core:home": ("GET", ALL, None),
    "core:organization_settings": ("GET", {AD}, None),
    "accounts:login": ("GET", PUBLIC, None),
    "accounts:logout": ("POST", PUBLIC, None),
    "accounts:password_reset": ("GET", PUBLIC, None),
    "accounts:password_reset_done": ("GET", PUBLIC, None),
    "accounts:password_reset_confirm": (
        "GET",
        PUBLIC,
        lambda org, people: {"uidb64": "x", "token": "y"},
    ),
    "accounts:password_reset_complete": ("GET", PUBLIC, None),
    "accounts:invitation_accept": ("GET", PUBLIC, lambda org, people: {"token": "not-a-token"}),
    "accounts:set_language": (
        "POST",
        PUBLIC,
        None,
        lambda org, people: {"language": "es", "next": "/"},
    ),
    "accounts:mfa_setup": ("GET", SIGNED_IN, None),
    "accounts:mfa_verify": ("GET", SIGNED_IN, None),
    "accounts:recovery_codes_regenerate": ("POST", SIGNED_IN, None),
    "accounts:settings": ("GET", SIGNED_IN, None),
    "accounts:keepalive": ("POST", SIGNED_IN, None),
    "accounts:sign_out_everywhere": ("POST", SIGNED_IN, None),
    "accounts:organization_choose": (
        "POST",
        SIGNED_IN,
        None,
        lambda org, people: {"organization": org.pk},
    ),
    "accounts:staff": ("GET", {SU, AD}, None),
    "accounts:invitation_revoke": (
        "POST",
        {AD},
        lambda org, people: {"invitation_id": _invitation(org, people).pk},
    ),
    "accounts:teams": ("GET", {AD}, None),
    "audit:events": ("GET", {AU}, None),
    "participants:list": ("GET", STAFF_WITH_CASELOADS, None),
    "participants:intake": ("GET", {SP, AD}, None),
    "participants:chart": ("GET", STAFF_WITH_CASELOADS, _on_caseload),
    "participants:edit": ("GET", STAFF_WITH_CASELOADS, _on_caseload),
    "participants:status": (
        "POST",
        STAFF_WITH_CASELOADS,
        _on_caseload,
        lambda org, people: {"status": "active", "reason": "engaged"},
    ),
    "participants:assign": ("GET", {SU, AD}, _on_caseload),
    "participants:consent_new": ("GET", STAFF_WITH_CASELOADS, _on_caseload),
    "participants:consent_revoke": ("POST", STAFF_WITH_CASELOADS, _consent),
    "workforce:specialist_cosign": (
        "POST",
        {AD},
        lambda org, people: {"membership_id": people[SP].pk},
        lambda org, people: {"required": "yes"},
    ),
    "notes:contact_new": ("GET", {SP}, _on_caseload),
    "notes:note": ("GET", STAFF_WITH_CASELOADS, _note),
    "notes:draft": ("POST", {SP}, _note, lambda org, people: {**EMPTY_STEPS, "check_in": "ok"}),
    "notes:sign": ("POST", {SP}, _note, lambda org, people: {**EMPTY_STEPS, "check_in": "ok"}),
    "notes:addendum": (
        "POST",
        STAFF_WITH_CASELOADS,
        _signed,
        lambda org, people: {"text": "later"},
    ),
    "notes:cosign": ("POST", {SU, AD}, _pending),
    "notes:return": ("POST", {SU, AD}, _pending, lambda org, people: {"comment": "add goals"}),
    "notes:cosign_queue": ("GET", {SU, AD}, None),
    "notes:my_notes": ("GET", {P}, None),
    "notes:my_note": ("GET", {P}, _own_note),
    "audit:export": ("GET", {AU}, None),
    "scheduling:book": ("GET", {P}, _book),
    "scheduling:book_for": ("GET", {SP, AD}, _on_caseload),
    "scheduling:my_sessions": ("GET", {P}, _own_sessions),
    "scheduling:appointment": ("GET", {P, SP, SU, AD}, _appointment),
    "scheduling:reschedule": ("GET", {P, SP, AD}, _appointment),
    "scheduling:cancel": ("POST", {P, SP, AD}, _appointment),
    "scheduling:no_show": ("POST", {SP, AD}, _started),
    "scheduling:schedule": ("GET", {SP}, None),
    "scheduling:availability": ("GET", {SP}, None),
    "scheduling:availability_exception_remove": ("POST", {SP}, _time_off),
    "scheduling:calendar_feeds": ("GET", {P, SP}, None),
    "scheduling:calendar_feed_revoke": ("POST", {P, SP}, None),
    "scheduling:calendar_feed": ("GET", PUBLIC, _feed),
    "participants:sign_up": ("GET", PUBLIC, _open_sign_up),
    "participants:sign_up_sent": ("GET", PUBLIC, None),
    "participants:confirm_email": ("GET", PUBLIC, lambda org, people: {"token": "not-a-token"}),
    "participants:my_preferences": ("GET", {P}, _own_sessions),
    "participants:portal_invite": ("POST", STAFF_WITH_CASELOADS, _on_caseload),
    "matching:directory": ("GET", {P, SP, SU, AD}, None),
    "workforce:my_profile": ("GET", {SP}, None),
    "workforce:photo": ("GET", {P, SP, SU, AD}, _photo),
    "workforce:certifications": (
        "GET",
        {AD},
        lambda org, people: {"membership_id": people[SP].pk},
    ),
}

# Answers that mean "you may": the page, a redirect onward, or no content.
ALLOWED = {200, 204, 302, 410}


def _url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_an_entry():
    names = set(_url_names())
    assert names - MATRIX.keys() == set(), "add these URLs to MATRIX with who may see them"
    assert MATRIX.keys() - names == set(), "MATRIX names URLs that no longer exist"


def _request(client, name, org, people):
    method, _, make_kwargs, *make_data = MATRIX[name]
    url = reverse(name, kwargs=make_kwargs(org, people) if make_kwargs else None)
    if method == "GET":
        return client.get(url)
    return client.post(url, make_data[0](org, people) if make_data else {})


GATES = ("/account/sign-in/", "/account/mfa/")
# Where landing on a gate is the point: signing out everywhere ends this session too, and
# verifying without an authenticator sends a participant to set one up.
GATE_IS_THE_ANSWER = {"accounts:sign_out_everywhere", "accounts:mfa_verify"}


def _assert_allowed(response, name):
    """Served, or sent onward: but not turned back to sign-in or the second factor."""
    assert response.status_code in ALLOWED, response.content[:300]
    if response.status_code == 302 and name not in GATE_IS_THE_ANSWER:
        assert not response["Location"].startswith(GATES), response["Location"]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous(client, name, org, people):
    response = _request(client, name, org, people)
    if MATRIX[name][1] == PUBLIC:
        assert response.status_code in ALLOWED
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", sorted(Role))
@pytest.mark.parametrize("name", sorted(n for n, entry in MATRIX.items() if entry[1] != PUBLIC))
def test_role_in_own_organization(client, name, role, org, people):
    factories.sign_in(client, people[role])
    response = _request(client, name, org, people)
    if role in MATRIX[name][1]:
        _assert_allowed(response, name)
    else:
        assert response.status_code == 403


OBJECT_URLS = sorted(
    n for n, (_, who, make, *_data) in MATRIX.items() if make is not None and who != PUBLIC
)


@pytest.mark.parametrize("role", sorted(Role))
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_object_of_another_organization(client, name, role, org, people, other_org, outsiders):
    """Another organization's objects do not exist for you: 404, or 403 if the action is not yours."""
    factories.sign_in(client, people[role])
    response = _request(client, name, other_org, outsiders)
    assert response.status_code == (404 if role in MATRIX[name][1] else 403)


# Reachable by staff who signed in with a password but have not passed the second factor.
BEFORE_SECOND_FACTOR = {"accounts:mfa_setup", "accounts:mfa_verify", "accounts:logout"}


@pytest.mark.parametrize("name", sorted(n for n, entry in MATRIX.items() if entry[1] != PUBLIC))
def test_staff_reach_nothing_else_before_the_second_factor(client, name, org, people):
    specialist = people[SP]
    client.force_login(specialist.user, backend="peerwell.accounts.auth.AccountBackend")
    response = _request(client, name, org, people)
    if name in BEFORE_SECOND_FACTOR:
        assert response.status_code in ALLOWED
    else:
        assert response.status_code in {302, 204}
        assert (response.get("Location") or response["HX-Redirect"]).startswith("/account/mfa/")
