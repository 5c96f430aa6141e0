"""A specialist writes a goal note with the scope guard watching; the supervisor co-signs;
the participant reads it in their portal."""

import pytest
from playwright.sync_api import expect

from peerwell.core.roles import Role
from peerwell.workforce.models import SpecialistProfile
from tests import factories
from tests.browser.test_sign_in import sign_in
from tests.browser.test_staff_and_audit import sign_in_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record_a_contact(writer, participant, *, kind: str, minutes: str):
    """From the participant's chart to the goal note of a new contact."""
    page = writer.page
    writer.goto(f"/participants/{participant.pk}/")
    page.get_by_role("link", name="Record a contact").click()
    writer.check()
    page.get_by_label("Kind of contact").select_option(label=kind)
    page.get_by_label("Duration (minutes)").fill(minutes)
    page.get_by_role("button", name="Record and write the note").click()
    writer.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Goal note for {participant.preferred_name}"
    )


def test_goal_note_from_contact_to_open_notes(new_page):
    org = factories.organization(name="Riverside Peer Program")
    specialist = factories.member(org, Role.SPECIALIST, full_name="Jordan Ellis")
    supervisor = factories.member(org, Role.SUPERVISOR, full_name="Marisol Vega")
    person = factories.member(org, Role.PARTICIPANT, full_name="Alex Moreno")
    factories.team(supervisor, specialist)
    SpecialistProfile.objects.create(
        organization=org, membership=specialist, notes_need_cosign=True
    )
    participant = factories.participant(org, specialist, preferred_name="Alex", user=person.user)

    writer = new_page()
    page = writer.page
    sign_in_staff(writer, specialist)
    _record_a_contact(writer, participant, kind="Video", minutes="45")

    page.get_by_label("Mood today, 1 to 10").select_option("6")
    page.get_by_label("Check-in, in their words").fill("Said she feels hopeful about the job fair.")
    page.get_by_label("Coping tools used or practiced").fill("We practiced box breathing.")
    page.get_by_label("Action step").fill("Bring two copies of her resume")
    status = page.locator("#draft-status")
    expect(status).to_contain_text("Draft saved at")
    expect(status).to_contain_text("No scope issues found.")
    page.get_by_label("Narrative (optional)").fill(
        "I told her to stop taking her Seroquel before the interview."
    )
    expect(status).to_contain_text("1 possible scope issue")
    expect(status).to_contain_text("told her to stop taking her Seroquel")
    expect(status).to_contain_text("talk with their prescriber")
    writer.check("note-editor-flag")

    page.get_by_role("button", name="Sign the note").click()
    writer.check()
    expect(page.get_by_role("alert")).to_contain_text("outside peer scope")
    page.get_by_label("Why this wording is right").fill(
        "She asked me to write down what her prescriber told her."
    )
    page.get_by_role("button", name="Sign the note").click()
    writer.check("note-signed")
    expect(page.get_by_role("status").first).to_contain_text("Note signed.")
    expect(page.get_by_role("region", name="Signature")).to_contain_text("Waiting for co-signature")
    page.get_by_label("Addendum").fill(
        "Correction: the instruction came from her prescriber, Dr. Lee."
    )
    page.get_by_role("button", name="Add addendum").click()
    writer.check()
    expect(page.get_by_role("region", name="Addenda")).to_contain_text("came from her prescriber")

    reviewer = new_page()
    sign_in_staff(reviewer, supervisor)
    expect(
        reviewer.page.get_by_role("link", name="1 note waiting for your co-signature")
    ).to_be_visible()
    reviewer.page.get_by_role("navigation", name="Main").get_by_role("link", name="Co-sign").click()
    reviewer.check("cosign-queue")
    reviewer.page.get_by_role("table").get_by_role("link").first.click()
    reviewer.check()
    reviewer.page.get_by_role("button", name="Co-sign").click()
    reviewer.check()
    expect(reviewer.page.get_by_role("status").first).to_contain_text("Note co-signed.")

    reader = new_page()
    sign_in(reader, person.user.email)
    reader.page.get_by_role("navigation", name="Main").get_by_role("link", name="My notes").click()
    reader.check()
    reader.page.get_by_role("main").get_by_role("link").first.click()
    reader.check("open-note")
    expect(reader.page.get_by_role("main")).to_contain_text(
        "Said she feels hopeful about the job fair."
    )
    expect(reader.page.get_by_role("main")).to_contain_text("came from her prescriber")


def test_no_draft_is_saved_after_the_note_is_submitted_for_signing(new_page):
    # Typing starts an autosave 800 ms later; signing right away used to let that save
    # reach the server after the note was signed (a 422 behind the signed note's page).
    org = factories.organization()
    specialist = factories.member(org, Role.SPECIALIST)
    participant = factories.participant(org, specialist, preferred_name="Sam")
    writer = new_page()
    page = writer.page
    sign_in_staff(writer, specialist)
    _record_a_contact(writer, participant, kind="Phone", minutes="30")
    drafts = []
    page.on("request", lambda request: "/draft/" in request.url and drafts.append(request.url))
    page.get_by_label("Check-in, in their words").fill("Said the week went well.")
    # The submit as the browser sends it, held back here so the page stays to be watched.
    page.evaluate(
        """() => {
            window.addEventListener("submit", (event) => event.preventDefault(), true);
            document.querySelector("form.note-form").requestSubmit();
        }"""
    )
    page.wait_for_timeout(1500)
    assert drafts == []
