"""The caseload list, intake, the chart and consents through the browser's requests."""

from datetime import timedelta

from django.utils import timezone

from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.participants.models import Participant
from tests import factories


def test_caseload_list_has_a_fixed_number_of_queries(
    client, org, people, django_assert_num_queries
):
    specialist = people[Role.SPECIALIST]
    for _ in range(3):
        factories.participant(org, specialist)
    factories.sign_in(client, specialist)
    client.get("/participants/")
    with django_assert_num_queries(9) as few:
        client.get("/participants/")
    for _ in range(20):
        factories.participant(org, specialist)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/participants/")
    assert response.context["page"].paginator.count == 23


def test_search_finds_by_name_and_phone(client, org, people):
    specialist = people[Role.SPECIALIST]
    factories.participant(
        org, specialist, preferred_name="Rosie", legal_name="Rosa Delgado", phone="5550102030"
    )
    factories.participant(org, specialist, preferred_name="Kevin")
    factories.sign_in(client, specialist)
    for query in ("delgado", "010-2030"):
        names = [
            p.preferred_name for p in client.get("/participants/", {"q": query}).context["page"]
        ]
        assert names == ["Rosie"]


def test_the_chart_is_audited_and_404_off_the_caseload(client, org, people):
    specialist = people[Role.SPECIALIST]
    mine = factories.participant(org, specialist)
    theirs = factories.participant(org, factories.member(org, Role.SPECIALIST))
    factories.sign_in(client, specialist)
    assert client.get(f"/participants/{mine.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="participant.viewed", participant_id=mine.pk).exists()
    assert client.get(f"/participants/{theirs.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(
        action="participant.viewed", participant_id=theirs.pk
    ).exists()


def test_the_chart_has_a_fixed_number_of_queries(client, org, people, django_assert_num_queries):
    specialist = people[Role.SPECIALIST]
    record = factories.participant(org, specialist)
    factories.note(org, specialist, record, status="signed")
    factories.appointment(org, specialist, record)
    factories.sign_in(client, specialist)
    client.get(f"/participants/{record.pk}/")
    # Session, membership with its account, second factor; the participant; assignments,
    # consents and status history; the audit event (chain head, event, head again); the
    # count and the page of contacts; upcoming and past sessions.
    with django_assert_num_queries(14) as few:
        client.get(f"/participants/{record.pk}/")
    for _ in range(30):
        factories.note(org, specialist, record)
        factories.appointment(org, specialist, record, starts_at=timezone.now() - timedelta(days=7))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(f"/participants/{record.pk}/")
    timeline = page.context["sections"][0][1]["page"]
    assert timeline.paginator.count == 31 and len(timeline.object_list) == 25
    text = page.content.decode()
    assert text.count("Draft note") == 25 and "Individual, 45 minutes" in text


def test_intake_shows_possible_duplicates_then_creates_on_confirmation(client, org, people):
    specialist = people[Role.SPECIALIST]
    factories.participant(
        org, specialist, preferred_name="Rosie", legal_name="Rosa Delgado", email="rosa@example.org"
    )
    factories.sign_in(client, specialist)
    form = {
        "preferred_name": "Rosa",
        "legal_name": "Rosa D",
        "language": "Spanish",
        "email": "rosa@example.org",
        "contact_method": "text",
        "referral_source": "self",
        "status": "referred",
    }
    response = client.post("/participants/new/", form)
    assert response.status_code == 200
    assert [m.preferred_name for m in response.context["matches"]] == ["Rosie"]
    assert b"Open Rosie's record" in response.content
    response = client.post("/participants/new/", {**form, "not_a_duplicate": "on"})
    assert response.status_code == 302
    assert Participant.objects.filter(preferred_name="Rosa").count() == 1


def test_intake_reports_bad_input(client, people):
    factories.sign_in(client, people[Role.SPECIALIST])
    response = client.post(
        "/participants/new/",
        {
            "preferred_name": "",
            "legal_name": "x",
            "date_of_birth": "1990-02-31",
            "email": "nope",
            "contact_method": "carrier pigeon",
            "referral_source": "self",
            "status": "discharged",
            "shared_experiences": ["astronaut"],
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {
        "preferred_name",
        "date_of_birth",
        "email",
        "contact_method",
        "status",
        "shared_experiences",
    }
    assert not Participant.objects.exists()


def test_release_form_errors_are_shown_not_raised(client, org, people):
    specialist = people[Role.SPECIALIST]
    participant = factories.participant(org, specialist)
    factories.sign_in(client, specialist)
    response = client.post(
        f"/participants/{participant.pk}/consents/new/",
        {"kind": "release", "given_on": "2026-01-05", "evidence": "signed"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"recipient", "purpose", "information"}


def test_a_consent_dated_today_by_the_programs_calendar_is_recorded_from_any_zone(
    client, org, people
):
    # The program at UTC+14, the specialist at UTC-12: always a day or two apart. The form
    # checks the date by the program's calendar, as the record is read.
    org.time_zone = "Etc/GMT-14"
    org.save()
    specialist = people[Role.SPECIALIST]
    specialist.user.time_zone = "Etc/GMT+12"
    specialist.user.save()
    participant = factories.participant(org, specialist)
    factories.sign_in(client, specialist)
    form = {"kind": "services", "evidence": "signed"}
    ahead = client.post(
        f"/participants/{participant.pk}/consents/new/",
        {**form, "given_on": (org.today() + timedelta(days=1)).isoformat()},
    )
    assert "given_on" in ahead.context["form"].errors
    response = client.post(
        f"/participants/{participant.pk}/consents/new/",
        {**form, "given_on": org.today().isoformat()},
    )
    assert response.status_code == 302
    assert participant.consents.get().in_effect()


def test_an_edit_of_the_record_is_saved_and_audited(client, org, people):
    specialist = people[Role.SPECIALIST]
    record = factories.participant(org, specialist, preferred_name="Sam")
    factories.sign_in(client, specialist)
    form = client.get(f"/participants/{record.pk}/edit/").context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, []) and name in form.fields
    }
    response = client.post(
        f"/participants/{record.pk}/edit/",
        {
            **data,
            "preferred_name": "Sammy",
            "pronouns": "they/them",
            "shared_experiences": ["veteran"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert (record.preferred_name, record.pronouns) == ("Sammy", "they/them")
    assert record.shared_experiences == ["veteran"]
    event = AuditEvent.objects.get(action="participant.updated", participant_id=record.pk)
    assert event.detail == {"fields": ["preferred_name", "pronouns", "shared_experiences"]}
