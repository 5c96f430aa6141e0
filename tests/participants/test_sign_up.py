"""Self sign-up: account, record and consents; the email link; the optional questionnaire."""

import re

import pytest
from django.core import mail

from peerwell.accounts.models import User
from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.participants.models import Participant
from tests import factories

FORM = {
    "full_name": "Marisol Ortega",
    "preferred_name": "Mari",
    "email": "Mari@Example.org",
    "password": "sunrise over the river 2026",
    "password_again": "sunrise over the river 2026",
    "time_zone": "America/Chicago",
    "language": "en",
    "consent_services": "on",
}


@pytest.fixture
def open_org(org):
    org.self_sign_up = True
    org.save()
    return org


def _link(message) -> str:
    return re.search(r"http://testserver(/join/confirm/\S+/)", message.body).group(1)


def test_signing_up_makes_an_account_a_record_and_the_consents_given(
    client, open_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/join/{open_org.slug}/", FORM)
    assert response.status_code == 302 and response["Location"] == "/join/check-your-email/"
    user = User.objects.get(email="mari@example.org")
    assert not user.email_confirmed and user.time_zone == "America/Chicago"
    record = Participant.objects.get(user=user)
    assert (record.preferred_name, record.legal_name, record.status) == (
        "Mari",
        "Marisol Ortega",
        "referred",
    )
    assert [c.kind for c in record.consents.all()] == ["services"]
    assert user.memberships.get().role == Role.PARTICIPANT
    assert AuditEvent.objects.filter(
        action="participant.signed_up", participant_id=record.pk
    ).exists()

    # Not before the email is confirmed.
    refused = client.post(
        "/account/sign-in/", {"username": FORM["email"], "password": FORM["password"]}
    )
    assert "Confirm your email address first" in refused.content.decode()

    (message,) = mail.outbox
    confirmed = client.get(_link(message))
    assert confirmed.status_code == 200 and "Email confirmed" in confirmed.content.decode()
    assert client.get(_link(message)).status_code == 410  # once only
    signed_in = client.post(
        "/account/sign-in/", {"username": FORM["email"], "password": FORM["password"]}
    )
    assert signed_in.status_code == 302


def test_video_consent_is_recorded_when_ticked(client, open_org):
    client.post(f"/join/{open_org.slug}/", {**FORM, "consent_telehealth": "on"})
    record = Participant.objects.get(email="mari@example.org")
    assert sorted(c.kind for c in record.consents.all()) == ["services", "telehealth"]


def test_sign_up_needs_consent_and_a_good_password(client, open_org):
    response = client.post(
        f"/join/{open_org.slug}/",
        {**FORM, "consent_services": "", "password": "short", "password_again": "short"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"consent_services", "password"}
    assert not User.objects.filter(email="mari@example.org").exists()


def test_a_known_address_is_not_revealed(client, open_org, django_capture_on_commit_callbacks):
    factories.user(email="mari@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/join/{open_org.slug}/", FORM)
    assert response["Location"] == "/join/check-your-email/"
    (message,) = mail.outbox
    assert "already has an account" in message.body
    assert Participant.objects.count() == 0
    # The link to choose a new password opens that page.
    link = re.search(r"http://testserver(/account/\S+/)", message.body).group(1)
    assert client.get(link).status_code == 200


def test_organizations_choose_whether_to_offer_sign_up(client, org):
    assert client.get(f"/join/{org.slug}/").status_code == 404
    assert client.get("/join/confirm/forged/").status_code == 410


def test_the_questionnaire_can_be_skipped_or_answered(client, org, people):
    person = people[Role.PARTICIPANT]
    record = factories.participant(org, user=person.user)
    factories.sign_in(client, person)
    assert client.post("/me/preferences/", {}).status_code == 302  # every question skipped
    response = client.post(
        "/me/preferences/",
        {
            "shared_experiences": ["veteran", "parent"],
            "peer_language": "Spanish",
            "modalities": ["video"],
            "preferred_times": ["evening"],
            "peer_gender": "woman",
        },
    )
    assert response["Location"] == "/peers/"
    record.refresh_from_db()
    assert record.shared_experiences == ["veteran", "parent"]
    assert (record.peer_language, record.peer_gender) == ("Spanish", "woman")
    assert record.preferred_times == ["evening"]


def test_a_specialist_invites_a_participant_to_the_portal(
    client, org, people, django_capture_on_commit_callbacks
):
    specialist = people[Role.SPECIALIST]
    record = factories.participant(org, specialist, email="jo@example.org")
    factories.sign_in(client, specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/participants/{record.pk}/portal-invite/")
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/invitations/\S+/)", message.body).group(1)
    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    accepted = client.post(
        page.request["PATH_INFO"],
        {
            "full_name": "Jo Rivers",
            "password": FORM["password"],
            "password_again": FORM["password"],
        },
    )
    assert accepted.status_code == 302
    record.refresh_from_db()
    assert record.user.email == "jo@example.org"
    assert record.user.memberships.get().role == Role.PARTICIPANT
    assert AuditEvent.objects.filter(
        action="participant.portal_linked", participant_id=record.pk
    ).exists()
    # The record has its account now: a second invitation is refused with a message.
    factories.sign_in(client, specialist)
    again = client.post(f"/participants/{record.pk}/portal-invite/", follow=True)
    assert "already has a portal account" in again.content.decode()
