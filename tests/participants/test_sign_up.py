"""Self sign-up: account, record and consents; the email link; the optional questionnaire."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from peerwell.accounts.models import User
from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.participants.models import Participant
from peerwell.participants.selectors import consents_in_effect
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


def _portal_invitation(client, specialist, record, capture_on_commit) -> str:
    """The specialist invites the record's person to the portal; the emailed link's path."""
    factories.sign_in(client, specialist)
    with capture_on_commit(execute=True):
        response = client.post(f"/participants/{record.pk}/portal-invite/")
    assert response.status_code == 302
    return re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[-1].body).group(1)


def test_a_specialist_invites_a_participant_to_the_portal(
    client, org, people, django_capture_on_commit_callbacks
):
    specialist = people[Role.SPECIALIST]
    record = factories.participant(org, specialist, email="jo@example.org")
    link = _portal_invitation(client, specialist, record, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
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


def test_an_older_portal_invitation_cannot_claim_the_record(
    client, org, people, django_capture_on_commit_callbacks
):
    specialist = people[Role.SPECIALIST]
    record = factories.participant(org, specialist, email="typo@example.org")
    stale_link = _portal_invitation(client, specialist, record, django_capture_on_commit_callbacks)
    client.post(
        f"/participants/{record.pk}/edit/",
        {
            **{
                k: v
                for k, v in client.get(f"/participants/{record.pk}/edit/")
                .context["form"]
                .initial.items()
                if v not in (None, [])
            },
            "email": "right@example.org",
        },
    )
    record.refresh_from_db()
    assert record.email == "right@example.org"
    client.logout()
    page = client.get(stale_link, follow=True)
    assert page.status_code == 410  # the invitation to the old address was withdrawn
    record.refresh_from_db()
    assert record.user is None


def test_a_portal_invitation_to_an_address_of_another_participant_is_refused(client, org, people):
    specialist = people[Role.SPECIALIST]
    factories.participant(org, user=people[Role.PARTICIPANT].user)
    record = factories.participant(org, specialist, email=people[Role.PARTICIPANT].user.email)
    factories.sign_in(client, specialist)
    page = client.post(f"/participants/{record.pk}/portal-invite/", follow=True)
    assert "already belongs to another participant" in page.content.decode()


def test_signing_up_again_before_confirming_sends_a_new_link(
    client, open_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/join/{open_org.slug}/", FORM)
        client.post(f"/join/{open_org.slug}/", FORM)
    _first, second = mail.outbox
    assert "/join/confirm/" in second.body and "mari" not in _link(second).lower()
    assert client.get(_link(second)).status_code == 200
    assert User.objects.get(email="mari@example.org").email_confirmed


def test_a_password_reset_confirms_the_address(
    client, open_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/join/{open_org.slug}/", FORM)
        client.post("/account/password/reset/", {"email": FORM["email"]})
    (reset,) = [m for m in mail.outbox if "/account/password/reset/" in m.body]
    path = re.search(r"http://testserver(/account/password/reset/\S+/)", reset.body).group(1)
    form_page = client.get(path, follow=True)
    new_password = "another long passphrase 77"
    client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert User.objects.get(email="mari@example.org").email_confirmed


def test_emails_to_one_address_are_limited_across_sign_up_and_reset(
    client, open_org, settings, django_capture_on_commit_callbacks
):
    settings.PEERWELL_EMAIL_RATE_PER_ADDRESS = "2/h"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/join/{open_org.slug}/", FORM).status_code == 302
        assert client.post(f"/join/{open_org.slug}/", FORM).status_code == 302
        again = client.post(f"/join/{open_org.slug}/", {**FORM, "email": "MARI@example.ORG"})
        reset = client.post("/account/password/reset/", {"email": "mari@example.org"})
        other = client.post(f"/join/{open_org.slug}/", {**FORM, "email": "sol@example.org"})
    assert again.status_code == reset.status_code == 429
    assert "Too many emails have been asked for" in again.content.decode()
    assert "Too many emails have been asked for" in reset.content.decode()
    assert other.status_code == 302
    assert [message.to for message in mail.outbox] == [
        ["mari@example.org"],
        ["mari@example.org"],
        ["sol@example.org"],
    ]


def test_one_client_cannot_ask_for_emails_to_address_after_address(client, db, settings):
    settings.PEERWELL_EMAIL_RATE_PER_CLIENT = "3/h"
    answers = [
        client.post("/account/password/reset/", {"email": f"person{n}@example.org"}).status_code
        for n in range(4)
    ]
    assert answers == [302, 302, 302, 429]


def test_a_client_address_that_is_not_an_ip_address_is_still_limited_not_a_crash(
    client, db, settings
):
    settings.PEERWELL_EMAIL_RATE_PER_CLIENT = "1/h"
    odd = {"REMOTE_ADDR": "not an address"}
    first = client.post("/account/password/reset/", {"email": "a@example.org"}, **odd)
    second = client.post("/account/password/reset/", {"email": "b@example.org"}, **odd)
    assert (first.status_code, second.status_code) == (302, 429)


def test_the_consents_given_at_sign_up_are_in_effect_at_once_wherever_the_person_is(
    client, open_org
):
    # UTC+14 and UTC-12 are always a day or two apart: a program in one, a person in the
    # other. The consent is dated by the program's calendar and read by it, so the person
    # can book straight away, whatever the hour (the bench's bookings were refused for an
    # evening once: consent dated by the server's UTC date, read by the person's).
    open_org.time_zone = "Etc/GMT-14"
    open_org.save()
    client.post(f"/join/{open_org.slug}/", {**FORM, "time_zone": "Etc/GMT+12"})
    record = Participant.objects.get(email="mari@example.org")
    consent = record.consents.get()
    assert consent.given_on == open_org.today()
    with timezone.override("Etc/GMT+12"):
        assert consents_in_effect(record, ("services",)) == {"services"} and consent.in_effect()
