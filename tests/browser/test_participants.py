"""A specialist takes in a new participant, records a release, and finds a possible duplicate."""

import pytest
from playwright.sync_api import expect

from peerwell.core.roles import Role
from tests import factories
from tests.browser.test_staff_and_audit import sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intake_then_chart_then_release_then_duplicate(new_page):
    org = factories.organization(name="Riverside Peer Program")
    specialist = factories.member(org, Role.SPECIALIST, full_name="Jordan Ellis")
    checked = new_page()
    page = checked.page
    sign_in_staff(checked, specialist)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    checked.check()
    page.get_by_role("link", name="New participant").click()
    checked.check()
    page.get_by_role("button", name="Create the record").click()  # nothing filled in
    checked.check()
    expect(page).to_have_title("Error: New participant · Peerwell")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Preferred name: This field is required.")

    page.get_by_label("Preferred name").fill("Rosie")
    page.get_by_label("Legal name").fill("Rosa Delgado")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("Date of birth").fill("1990-04-12")
    page.get_by_label("Phone").fill("(555) 010-2030")
    page.get_by_label("How they want to be contacted").select_option(label="Text message")
    page.get_by_label("Referred by").select_option(label="Hospital or emergency department")
    page.get_by_label("What they hope for from peer support, in their words").fill(
        "Get back to work and sleep better."
    )
    page.get_by_role("checkbox", name="Parent").check()
    page.get_by_label("Recovery pathway").select_option(label="Substance use")
    checked.check("participant-intake")
    page.get_by_role("button", name="Create the record").click()
    checked.check("participant-chart")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosie (she/her)")
    expect(page.get_by_role("status").first).to_contain_text("Rosie's record is created.")
    expect(page.get_by_role("region", name="Peer specialists")).to_contain_text(
        "Jordan Ellis (primary)"
    )

    page.get_by_role("link", name="Record a consent").click()
    checked.check()
    page.get_by_label("Kind").select_option(label="Release of information")
    page.get_by_label("Date given").fill("2026-11-01")
    page.get_by_label("Evidence").fill("Signed form, scanned")
    page.get_by_role("button", name="Record the consent").click()
    checked.check()
    expect(page.get_by_role("alert")).to_contain_text(
        "Recipient: A release of information must say this."
    )
    page.get_by_label("Recipient").fill("Harbor Clinic")
    page.get_by_label("Purpose").fill("care coordination")
    page.get_by_label("What may be shared").fill("attendance and goals")
    page.get_by_label("Expires on").fill("2027-05-01")
    page.get_by_role("button", name="Record the consent").click()
    checked.check()
    consents = page.get_by_role("region", name="Consents")
    expect(consents).to_contain_text(
        "To Harbor Clinic, for care coordination: attendance and goals"
    )
    expect(consents).to_contain_text("In effect")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    checked.check("caseload")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    page.get_by_role("link", name="New participant").click()
    checked.check()
    page.get_by_label("Preferred name").fill("Rosa")
    page.get_by_label("Legal name").fill("Rosa D.")
    page.get_by_label("Phone").fill("555 010 2030")
    page.get_by_role("button", name="Create the record").click()
    checked.check("participant-duplicate")
    duplicate = page.get_by_role("alert")
    expect(duplicate).to_contain_text("This person may already have a record")
    duplicate.get_by_role("link", name="Open Rosie's record").click()
    checked.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosie (she/her)")
