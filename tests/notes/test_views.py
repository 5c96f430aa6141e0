"""The note editor, its htmx autosave, the dashboard and the participant's open notes."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.notes.models import GoalNote, NoteStatus
from tests import factories

STEPS = {
    "steps-TOTAL_FORMS": "1",
    "steps-INITIAL_FORMS": "0",
    "steps-0-description": "Call the food bank",
    "steps-0-owner": "participant",
    "steps-0-due_on": "",
}


def test_recording_a_contact_opens_the_editor(client, org, people):
    specialist = people[Role.SPECIALIST]
    participant = factories.participant(org, specialist)
    factories.sign_in(client, specialist)
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    # Typed as a person there would: in the organization's time zone.
    when = timezone.localtime(an_hour_ago, ZoneInfo(org.time_zone)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/participants/{participant.pk}/contacts/new/",
        {"kind": "video", "occurred_at": when, "duration_minutes": "40", "place": ""},
    )
    assert response.status_code == 302, response.context["form"].errors
    note = GoalNote.objects.get(participant=participant)
    assert response["Location"] == f"/notes/{note.pk}/"
    page = client.get(f"/notes/{note.pk}/")
    assert b"Peer scope check" in page.content and b'hx-post="/notes/' in page.content


def test_autosave_answers_htmx_with_the_flags(client, org, people):
    specialist = people[Role.SPECIALIST]
    note = factories.note(org, specialist)
    factories.sign_in(client, specialist)
    response = client.post(
        f"/notes/{note.pk}/draft/",
        {
            **STEPS,
            "check_in": "She seems tired.",
            "narrative": "Advised her to double her lithium.",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith('<div id="draft-status"') and "<html" not in body
    assert "Medication advice" in body and "double her lithium" in body and "prescriber" in body
    note.refresh_from_db()
    assert note.check_in == "She seems tired." and note.action_steps.count() == 1


def test_bad_input_in_a_draft_is_a_422_with_the_form(client, org, people):
    specialist = people[Role.SPECIALIST]
    note = factories.note(org, specialist)
    factories.sign_in(client, specialist)
    response = client.post(
        f"/notes/{note.pk}/draft/", {**STEPS, "mood": "11", "next_contact_on": "someday"}
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"mood", "next_contact_on"}


def test_signing_with_a_flag_asks_for_a_reason_then_locks(client, org, people):
    specialist = people[Role.SPECIALIST]
    note = factories.note(org, specialist)
    factories.sign_in(client, specialist)
    data = {**STEPS, "check_in": "ok", "narrative": "I told him to stop his meds."}
    first = client.post(f"/notes/{note.pk}/sign/", data)
    assert first.status_code == 422
    assert first.context["sign_form"].errors["reason"]
    second = client.post(
        f"/notes/{note.pk}/sign/", {**data, "reason": "His prescriber's plan, quoted."}
    )
    assert second.status_code == 302
    note.refresh_from_db()
    assert note.status == NoteStatus.SIGNED
    page = client.get(f"/notes/{note.pk}/")
    assert b"Signed with open scope flags" in page.content and b"Add addendum" in page.content


def test_the_dashboard_shows_what_needs_doing_in_fixed_queries(
    client, org, people, django_assert_num_queries
):
    specialist = people[Role.SPECIALIST]
    late = factories.note(org, specialist, sign_due_at=timezone.now() - timezone.timedelta(days=1))
    flagged = factories.note(org, specialist, scope_flags=[{"category": "medication"}])
    quiet = factories.participant(org, specialist, preferred_name="Quiet Quinn", status="active")
    factories.sign_in(client, specialist)
    client.get("/home/")
    # Session, user, second factor, membership; five for the notes dashboard; one for the
    # sessions of today and tomorrow; one for the lived-experience profile.
    with django_assert_num_queries(10) as few:
        page = client.get("/home/")
    dashboard = page.context["sections"][0][1]["dashboard"]
    assert dashboard.counts == {"drafts": 2, "late": 1, "flagged": 1}
    assert [n.pk for n in dashboard.drafts] == [late.pk, flagged.pk]  # soonest due first
    assert [a.participant for a in dashboard.quiet] == [quiet] and dashboard.quiet_count == 1
    for _ in range(10):
        factories.note(org, specialist)
        factories.participant(org, specialist, status="active")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/home/")


def test_participants_read_only_their_own_signed_notes(client, org, people):
    specialist, person = people[Role.SPECIALIST], people[Role.PARTICIPANT]
    record = factories.participant(org, specialist, user=person.user)
    signed = factories.note(
        org,
        specialist,
        record,
        status="signed",
        signed_at=timezone.now(),
        check_in="We talked about the job fair.",
    )
    draft = factories.note(org, specialist, record)
    someone_else = factories.note(org, specialist, status="signed", signed_at=timezone.now())
    factories.sign_in(client, person)
    listing = client.get("/my/notes/")
    assert [n.pk for n in listing.context["page"]] == [signed.pk]
    assert b"We talked about the job fair." in client.get(f"/my/notes/{signed.pk}/").content
    assert client.get(f"/my/notes/{draft.pk}/").status_code == 404
    assert client.get(f"/my/notes/{someone_else.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="note.viewed", detail={"open_notes": True}).exists()


def test_the_team_dashboard_counts_quiet_participants_per_specialist(org, people):
    from peerwell.notes.selectors import team_dashboard

    specialist, supervisor = people[Role.SPECIALIST], people[Role.SUPERVISOR]
    factories.team(supervisor, specialist)
    for _ in range(3):
        factories.participant(org, specialist, status="active")
    seen = factories.participant(org, specialist, status="active")
    factories.note(org, specialist, seen)  # a contact an hour ago: not quiet
    (row,) = team_dashboard(supervisor)
    assert (row.specialist, row.quiet, row.drafts) == (specialist, 3, 1)
