"""Staff invitations: emailed link, single use, expiring, revocable, stored hashed."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerwell.accounts import services
from peerwell.accounts.models import Invitation, Membership, invitation_token_hash
from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from tests import factories


def _invite(people, capture, email="new.person@example.org", role=Role.SPECIALIST):
    with capture(execute=True):  # the email leaves when the transaction commits
        invitation = services.invitation_create(
            actor=people[Role.ADMIN], email=email, role=role, base_url="https://pw.example/"
        )
    token = re.search(r"/invitations/([^/]+)/", mail.outbox[-1].body).group(1)
    return invitation, token


ACCEPT = "/invitations/accept/"


def _open(client, token):
    """Follow the emailed link: the token moves into the session, out of the address."""
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 302 and response["Location"] == ACCEPT
    return client.get(ACCEPT)


@pytest.fixture
def captured(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_link_is_emailed_and_only_its_hash_stored(people, captured):
    invitation, token = _invite(people, captured)
    assert mail.outbox[-1].to == ["new.person@example.org"]
    assert invitation.token_hash == invitation_token_hash(token)
    assert token not in invitation.token_hash
    assert AuditEvent.objects.filter(
        action="invitation.created", object_id=str(invitation.pk)
    ).exists()


def test_accepting_creates_the_account_and_role_once(client, people, captured):
    _invitation, token = _invite(people, captured)
    form = {
        "full_name": "New Person",
        "password": "river stones 1234",
        "password_again": "river stones 1234",
    }
    assert _open(client, token).status_code == 200
    response = client.post(ACCEPT, form)
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.person@example.org")
    assert membership.role == Role.SPECIALIST
    assert membership.organization == people[Role.ADMIN].organization
    assert _open(client, token).status_code == 410
    assert client.post(ACCEPT, form).status_code == 410


def test_weak_passwords_are_refused_with_a_message(client, people, captured):
    _invitation, token = _invite(people, captured)
    _open(client, token)
    response = client.post(
        ACCEPT,
        {"full_name": "New Person", "password": "12345678", "password_again": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not Membership.objects.filter(user__email="new.person@example.org").exists()


def test_expired_and_revoked_links_do_not_work(client, people, captured):
    invitation, token = _invite(people, captured)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert _open(client, token).status_code == 410
    other, other_token = _invite(people, captured, email="other@example.org")
    services.invitation_revoke(actor=people[Role.ADMIN], invitation=other)
    assert _open(client, other_token).status_code == 410
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=people[Role.ADMIN], invitation=other)


def test_a_new_invitation_replaces_a_pending_one(people, captured):
    first, first_token = _invite(people, captured)
    _second, second_token = _invite(people, captured)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert first_token != second_token


def test_only_staff_roles_are_invited_and_members_not_twice(people):
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=people[Role.ADMIN], email="p@example.org", role=Role.PARTICIPANT, base_url="/"
        )
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=people[Role.ADMIN],
            email=people[Role.SPECIALIST].user.email.upper(),
            role=Role.SPECIALIST,
            base_url="/",
        )


def test_an_existing_account_is_asked_to_sign_in_first(client, people, other_org, captured):
    outsider = factories.member(other_org, Role.SPECIALIST)
    _invitation, token = _invite(people, captured, email=outsider.user.email)
    page = _open(client, token)
    assert b"Sign in first" in page.content
    assert token.encode() not in page.content  # the sign-in link carries no token
    factories.sign_in(client, outsider)
    assert client.post(ACCEPT).status_code == 302
    assert outsider.user.memberships.count() == 2


def test_staff_page_lists_staff_with_a_fixed_number_of_queries(
    client, people, django_assert_max_num_queries
):
    for _ in range(15):
        factories.member(people[Role.ADMIN].organization, Role.SPECIALIST)
    factories.sign_in(client, people[Role.ADMIN])
    client.get("/home/")
    with django_assert_max_num_queries(16):
        response = client.get("/staff/")
    assert response.status_code == 200
    assert len(response.context["members"]) == 19


def test_the_invite_form_reports_bad_input(client, people):
    factories.sign_in(client, people[Role.ADMIN])
    response = client.post("/staff/", {"email": "not an email", "role": "wizard"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "role"}
    assert not Invitation.objects.exists()


def test_a_supervisor_sees_staff_but_cannot_invite(client, people):
    factories.sign_in(client, people[Role.SUPERVISOR])
    assert client.get("/staff/").status_code == 200
    assert (
        client.post("/staff/", {"email": "x@example.org", "role": "specialist"}).status_code == 403
    )
