"""An admin invites a specialist who joins; an auditor reads and exports the trail."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from peerwell.core.roles import Role
from tests import factories
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_staff(checked, membership):
    device = factories.totp_device(membership.user)
    sign_in(checked, membership.user.email)
    checked.page.get_by_label("Code").fill(factories.current_code(device))
    checked.page.get_by_role("button", name="Verify").click()
    return checked.check()


def test_admin_invites_a_specialist_who_joins(new_page):
    org = factories.organization(name="Riverside Peer Program")
    admin = factories.member(org, Role.ADMIN, full_name="Dana Whitfield")
    checked = new_page()
    page = checked.page
    sign_in_staff(checked, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    checked.check()
    page.get_by_label("Email").fill("camila.reyes@example.org")
    page.get_by_label("Role").select_option(label="Peer specialist")
    page.get_by_role("button", name="Send invitation").click()
    checked.check("staff")
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to camila.reyes@example.org"
    )
    expect(page.get_by_role("region", name="Pending invitations")).to_contain_text(
        "camila.reyes@example.org"
    )

    (email,) = mail.outbox
    assert email.to == ["camila.reyes@example.org"]
    link = re.search(r"https?://\S+/invitations/\S+/", email.body).group(0)

    joined = new_page()
    joined.page.goto(link)
    joined.check("invitation-accept")
    expect(joined.page.get_by_role("heading", name="Join Riverside Peer Program")).to_be_visible()
    joined.page.get_by_label("Full name").fill("Camila Reyes")
    joined.page.get_by_label("Choose a password").fill("a sunrise over the river 7")
    joined.page.get_by_label("Password again").fill("a sunrise over the river 7")
    joined.page.get_by_role("button", name="Accept the invitation").click()
    joined.check()
    expect(joined.page.get_by_role("status")).to_contain_text("Welcome to Riverside Peer Program")

    used_again = new_page()
    used_again.page.goto(link)
    used_again.check()
    expect(
        used_again.page.get_by_role("heading", name="This invitation is no longer valid")
    ).to_be_visible()

    sign_in(joined, "camila.reyes@example.org", "a sunrise over the river 7")
    expect(joined.page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()


def test_auditor_filters_and_exports_the_trail(new_page):
    org = factories.organization(name="Riverside Peer Program")
    auditor = factories.member(org, Role.AUDITOR, full_name="Priya Raman")
    specialist = factories.member(org, Role.SPECIALIST, full_name="Jordan Ellis")
    checked = new_page()
    page = checked.page
    sign_in(new_page(), specialist.user.email, "wrong password")  # leaves a login.failed event
    sign_in_staff(checked, auditor)
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_label("Person").get_by_role("option")).to_have_text(
        ["Anyone", "Jordan Ellis", "Priya Raman"]
    )
    page.get_by_label("Action").select_option("login.failed")
    page.get_by_role("button", name="Filter").click()
    checked.check("audit-trail")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and one event
    expect(rows.nth(1)).to_contain_text("login.failed")
    expect(rows.nth(1)).to_contain_text(f"accounts.user {specialist.user.pk}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("id,occurred_at,actor_id")
    assert len(lines) == 2 and "login.failed" in lines[1]
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Home", "Audit trail", "My account"]
    )
