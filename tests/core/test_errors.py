"""Bad input answers with a clear 4xx page, never a 500 or a stack trace."""

import pytest

from peerwell.accounts.models import Membership
from peerwell.core.roles import Role
from tests import factories


@pytest.mark.parametrize(
    "path",
    [
        "/staff/invitations/99999999/revoke/",
        "/staff/invitations/1e9/revoke/",
        "/no-such-page/",
    ],
)
def test_tampered_and_unknown_addresses_are_404(client, people, path):
    factories.sign_in(client, people[Role.ADMIN])
    response = client.post(path)
    assert response.status_code == 404
    assert b"There is nothing here, or it is not yours to see." in response.content
    assert b"Traceback" not in response.content


def test_choosing_an_organization_you_do_not_belong_to_is_404(client, people, other_org):
    factories.sign_in(client, people[Role.ADMIN])
    assert client.post("/account/organization/", {"organization": other_org.pk}).status_code == 404
    assert client.post("/account/organization/", {"organization": "'; drop"}).status_code == 404


def test_a_forbidden_page_says_why(client, people):
    factories.sign_in(client, people[Role.SPECIALIST])
    response = client.get("/audit/")
    assert response.status_code == 403
    assert b"Your role does not allow this." in response.content


def test_a_missing_csrf_token_is_a_clear_403(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    factories.sign_in(client, people[Role.ADMIN])
    response = client.post("/organization/", {"name": "x"})
    assert response.status_code == 403
    assert b"Reload the page and try again." in response.content


def test_a_bad_host_header_is_400(client, db):
    response = client.get("/account/sign-in/", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_a_member_can_switch_between_organizations(client, people, other_org):
    admin = people[Role.ADMIN]
    Membership.objects.create(organization=other_org, user=admin.user, role=Role.AUDITOR)
    factories.sign_in(client, admin)
    assert (
        client.post("/account/organization/", {"organization": admin.organization_id}).status_code
        == 302
    )
    assert client.get("/home/").status_code == 200
    assert client.post("/account/organization/", {"organization": other_org.pk}).status_code == 302
    assert client.get("/home/")["Location"] == "/audit/"
    assert client.get("/organization/").status_code == 403


def test_the_error_page_itself_renders_without_a_form(rf, db):
    from django.contrib.auth.models import AnonymousUser

    from peerwell.core.errors import server_error

    request = rf.get("/")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
