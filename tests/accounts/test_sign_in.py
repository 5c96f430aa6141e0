"""Sign-in with a second factor, lockout, idle timeout, and their audit events."""

import time

import pytest
from django.urls import reverse

from peerwell.accounts.middleware import SESSION_ACTIVITY_KEY
from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from tests import factories

LOGIN = "/account/sign-in/"


def _post_login(client, email, password=factories.PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_staff_must_enrol_a_second_factor_before_any_page(client, people):
    specialist = people[Role.SPECIALIST].user
    response = _post_login(client, specialist.email)
    assert response.status_code == 302
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    assert AuditEvent.objects.filter(action="login", actor=specialist).exists()


def test_enrolment_confirms_the_app_and_shows_recovery_codes_once(client, people):
    specialist = people[Role.SPECIALIST].user
    _post_login(client, specialist.email)
    page = client.get(reverse("accounts:mfa_setup"))
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = specialist.totpdevice_set.get(confirmed=False)

    wrong = client.post(reverse("accounts:mfa_setup"), {"token": "000000"})
    assert b"did not match" in wrong.content
    device.refresh_from_db()
    device.throttle_reset()  # as if the person took a few seconds to type again

    done = client.post(reverse("accounts:mfa_setup"), {"token": factories.current_code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrolled", actor=specialist).exists()


def test_enrolled_staff_sign_in_with_a_code(client, people):
    specialist = people[Role.SPECIALIST].user
    device = factories.totp_device(specialist)
    _post_login(client, specialist.email)
    response = client.get(reverse("core:home"))
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))

    bad = client.post(reverse("accounts:mfa_verify"), {"token": "123456"})
    assert bad.status_code == 200 and b"did not match" in bad.content
    device.refresh_from_db()
    device.throttle_reset()
    good = client.post(
        reverse("accounts:mfa_verify"),
        {"token": factories.current_code(device), "next": "/home/"},
    )
    assert good.status_code == 302 and good["Location"] == "/home/"
    assert client.get("/home/").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=specialist).values_list("action", flat=True))
    assert {"login", "mfa.failed", "mfa.verified"} <= set(actions)


def test_a_miss_makes_the_next_try_wait(client, people):
    specialist = people[Role.SPECIALIST].user
    device = factories.totp_device(specialist)
    _post_login(client, specialist.email)
    client.post(reverse("accounts:mfa_verify"), {"token": "123456"})
    right_but_too_soon = client.post(
        reverse("accounts:mfa_verify"), {"token": factories.current_code(device)}
    )
    assert right_but_too_soon.status_code == 200
    assert b"Too many tries. Wait 1 second," in right_but_too_soon.content


def test_a_recovery_code_works_once(client, people):
    from peerwell.accounts import services

    specialist = people[Role.SPECIALIST].user
    device = factories.totp_device(specialist)
    code = services.mfa_recovery_codes_regenerate(
        user=specialist, token=factories.current_code(device)
    )[0]
    device.refresh_from_db()  # that code is now used: the sign-in below must use a recovery code
    _post_login(client, specialist.email)
    assert client.post(reverse("accounts:mfa_verify"), {"token": code}).status_code == 302
    assert AuditEvent.objects.filter(action="mfa.recovery_code_used").count() == 1
    client.logout()
    _post_login(client, specialist.email)
    again = client.post(reverse("accounts:mfa_verify"), {"token": code})
    assert again.status_code == 200 and b"did not match" in again.content


def test_verify_ignores_a_next_address_on_another_site(client, people):
    specialist = people[Role.SPECIALIST].user
    device = factories.totp_device(specialist)
    _post_login(client, specialist.email)
    response = client.post(
        reverse("accounts:mfa_verify"),
        {"token": factories.current_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:home")


def test_participants_sign_in_without_a_second_factor(client, people):
    participant = people[Role.PARTICIPANT].user
    _post_login(client, participant.email)
    assert client.get(reverse("core:home")).status_code == 200


def test_email_is_matched_without_regard_to_case(client, people):
    participant = people[Role.PARTICIPANT].user
    response = _post_login(client, participant.email.upper())
    assert response.status_code == 302


def test_failed_sign_in_is_audited_without_the_address(client, people):
    response = _post_login(client, "nobody@example.org", "wrong password")
    assert response.status_code == 200
    assert b"do not match" in response.content
    event = AuditEvent.objects.get(action="login.failed")
    assert event.actor is None and event.object_id == ""
    assert "nobody" not in str(event.detail)
    assert len(event.detail["email_hmac"]) == 64


def test_lockout_after_repeated_failures_for_one_account(client, settings, people):
    participant = people[Role.PARTICIPANT].user
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, participant.email, "wrong password")
    locked = _post_login(client, participant.email)  # even the right password
    assert locked.status_code == 429
    assert b"too many failed sign-in attempts" in locked.content
    locked_out = AuditEvent.objects.filter(action="login.locked_out").first()
    assert locked_out.actor is None  # whoever tried is unknown
    assert (locked_out.object_type, locked_out.object_id) == ("accounts.user", str(participant.pk))


def test_lockout_counts_an_address_across_accounts(client, settings, people):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, f"guess{n}@example.org", "wrong password")
    other = people[Role.PARTICIPANT].user
    assert _post_login(client, other.email).status_code == 429
    # From another address the account itself is not locked.
    assert _post_login(client, other.email, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_lockout_of_one_account_ignores_letter_case(client, settings, people):
    participant = people[Role.PARTICIPANT].user
    for n in range(settings.AXES_FAILURE_LIMIT):
        address = f"10.1.0.{n + 1}"  # a different address each time: the account is counted
        email = participant.email.upper() if n % 2 else participant.email
        _post_login(client, email, "wrong password", REMOTE_ADDR=address)
    assert _post_login(client, participant.email, REMOTE_ADDR="10.2.0.1").status_code == 429


@pytest.mark.parametrize("minutes_idle, signed_out", [(14, False), (16, True)])
def test_idle_timeout(client, people, minutes_idle, signed_out):
    membership = people[Role.SPECIALIST]
    factories.sign_in(client, membership)
    assert client.get("/home/").status_code == 200
    session = client.session
    session[SESSION_ACTIVITY_KEY] = time.time() - minutes_idle * 60
    session.save()
    response = client.get("/home/")
    if signed_out:
        assert response.status_code == 302
        assert "reason=idle" in response["Location"]
        assert client.get("/home/").status_code == 302
        event = AuditEvent.objects.filter(action="logout").latest("pk")
        assert event.detail == {"reason": "idle_timeout"}
    else:
        assert response.status_code == 200


def test_idle_timeout_follows_the_organization(client, org, people):
    org.idle_timeout_minutes = 5
    org.save()
    factories.sign_in(client, people[Role.ADMIN])
    client.get("/home/")
    session = client.session
    session[SESSION_ACTIVITY_KEY] = time.time() - 6 * 60
    session.save()
    assert client.get("/home/").status_code == 302


def test_idle_timeout_answers_htmx_with_a_redirect_header(client, people):
    factories.sign_in(client, people[Role.SPECIALIST])
    client.get("/home/")
    session = client.session
    session[SESSION_ACTIVITY_KEY] = time.time() - 3600
    session.save()
    response = client.get("/home/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(LOGIN)


def test_sign_out_everywhere_ends_other_sessions(client, people):
    from django.test import Client

    membership = people[Role.SUPERVISOR]
    other_device = Client()
    factories.sign_in(client, membership)
    factories.sign_in(other_device, membership)
    assert other_device.get("/home/").status_code == 200
    response = client.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    assert other_device.get("/home/").status_code == 302
    assert client.get("/home/").status_code == 302
    assert AuditEvent.objects.filter(action="session.signed_out_everywhere").exists()


def test_sign_out_needs_post(client, people):
    factories.sign_in(client, people[Role.PARTICIPANT])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert AuditEvent.objects.filter(action="logout").exists()


def test_a_signed_in_request_reads_the_account_memberships_and_factor_at_once(
    client, people, django_assert_num_queries
):
    factories.sign_in(client, people[Role.PARTICIPANT])
    client.get("/health/")  # the first request also notes the time of activity
    with django_assert_num_queries(2):  # the session, then the account with the rest
        assert client.get("/health/").status_code == 200


def test_a_participant_who_enrolled_a_second_factor_must_pass_it(client, people):
    participant = people[Role.PARTICIPANT].user
    factories.totp_device(participant)
    _post_login(client, participant.email)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_an_account_without_a_role_or_switched_off_is_read_as_before(client, people):
    participant = people[Role.PARTICIPANT]
    factories.sign_in(client, participant)
    participant.is_active = False  # no active membership left: the account is still known
    participant.save()
    assert client.get(reverse("accounts:settings")).wsgi_request.user == participant.user
    participant.user.is_active = False
    participant.user.save()
    assert not client.get(reverse("accounts:settings")).wsgi_request.user.is_authenticated
