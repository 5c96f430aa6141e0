"""The auditor's page: filters, CSV export, only their own organization, fixed query count."""

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from peerwell.audit.models import AuditEvent
from peerwell.audit.services import audit_record
from peerwell.audit.views import CSV_COLUMNS
from peerwell.core.roles import Role
from tests import factories


def _events(org, people, other_org):
    specialist = people[Role.SPECIALIST].user
    for n in range(30):
        audit_record(
            action="test.viewed", actor=specialist, organization=org, participant_id=n % 3 + 1
        )
    audit_record(
        action="test.signed", actor=people[Role.SUPERVISOR].user, organization=org, participant_id=7
    )
    audit_record(action="test.secret", organization=other_org, participant_id=7)


def test_filters_by_person_participant_action_and_dates(client, org, other_org, people):
    _events(org, people, other_org)
    factories.sign_in(client, people[Role.AUDITOR])
    page = client.get("/audit/", {"participant_id": 7})
    assert [e.action for e in page.context["page"]] == ["test.signed"]
    page = client.get(
        "/audit/", {"actor": people[Role.SPECIALIST].user.pk, "action": "test.viewed"}
    )
    assert page.context["page"].paginator.count == 30
    today = timezone.localdate(timezone=ZoneInfo(org.time_zone))  # dates are the viewer's
    page = client.get("/audit/", {"date_from": today + timedelta(days=1)})
    assert page.context["page"].paginator.count == 0
    page = client.get("/audit/", {"date_from": today, "date_to": today, "action": "test.signed"})
    assert page.context["page"].paginator.count == 1


def test_another_organizations_events_never_show(client, org, other_org, people):
    _events(org, people, other_org)
    factories.sign_in(client, people[Role.AUDITOR])
    page = client.get("/audit/", {"participant_id": 7, "page": 1})
    assert "test.secret" not in {e.action for e in page.context["page"]}
    export = client.get("/audit/export.csv")
    assert b"test.secret" not in b"".join(export.streaming_content)


def test_bad_filters_answer_with_messages_not_errors(client, people):
    factories.sign_in(client, people[Role.AUDITOR])
    page = client.get(
        "/audit/",
        {"participant_id": "abc", "date_from": "2026-02-30", "actor": "999999", "page": "x9"},
    )
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"participant_id", "date_from", "actor"}
    reversed_dates = client.get("/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "date_to" in reversed_dates.context["form"].errors


def test_export_is_csv_and_is_itself_audited(client, org, other_org, people):
    _events(org, people, other_org)
    factories.sign_in(client, people[Role.AUDITOR])
    response = client.get("/audit/export.csv", {"action": "test.viewed"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 30
    assert {r["action"] for r in rows} == {"test.viewed"}
    assert rows[0]["actor_email"] == people[Role.SPECIALIST].user.email
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == people[Role.AUDITOR].user
    assert exported.detail == {"action": "test.viewed"}


def test_the_page_costs_the_same_queries_for_many_events(
    client, org, other_org, people, django_assert_num_queries
):
    _events(org, people, other_org)
    factories.sign_in(client, people[Role.AUDITOR])
    client.get("/audit/")
    with django_assert_num_queries(11) as few:
        client.get("/audit/")
    for _ in range(4):
        _events(org, people, other_org)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/audit/")
    assert len(response.context["page"]) == 50


def test_dates_outside_any_sensible_range_are_refused_not_a_500(client, people):
    factories.sign_in(client, people[Role.AUDITOR])
    for path in ("/audit/", "/audit/export.csv"):
        response = client.get(path, {"date_from": "0001-01-01", "date_to": "9999-12-31"})
        assert response.status_code == 200
    page = client.get("/audit/", {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert set(page.context["form"].errors) == {"date_from", "date_to"}


def test_a_formula_in_the_trail_is_defused_in_the_export(client, org, people):
    audit_record(action="login.failed", organization=org)
    factories.sign_in(client, people[Role.AUDITOR])
    client.get("/audit/", headers={"user-agent": '=HYPERLINK("https://evil.example","x")'})
    rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get("/audit/export.csv").streaming_content).decode())
        )
    )
    agents = {row[CSV_COLUMNS.index("user_agent")] for row in rows[1:]}
    assert '\'=HYPERLINK("https://evil.example","x")' in agents
    assert not any(agent.startswith("=") for agent in agents)


def test_auditors_see_staff_names_but_not_participants(client, org, people):
    participant = people[Role.PARTICIPANT].user
    audit_record(action="login", actor=participant, organization=org)
    audit_record(action="login", actor=people[Role.SPECIALIST].user, organization=org)
    factories.sign_in(client, people[Role.AUDITOR])
    page = client.get("/audit/", {"action": "login"})
    assert participant.full_name.encode() not in page.content
    assert f"Account {participant.pk}".encode() in page.content
    assert people[Role.SPECIALIST].user.full_name.encode() in page.content
    assert participant not in page.context["form"].fields["actor"].queryset
    export = b"".join(client.get("/audit/export.csv", {"action": "login"}).streaming_content)
    assert participant.email.encode() not in export


def test_password_resets_are_audited(client, people):
    participant = people[Role.PARTICIPANT].user
    client.post("/account/password/reset/", {"email": participant.email})
    client.post("/account/password/reset/", {"email": "stranger@example.org"})
    requested = AuditEvent.objects.filter(action="password.reset_requested").order_by("pk")
    assert [e.object_id for e in requested] == [str(participant.pk), ""]
    assert "stranger" not in str(requested[1].detail)
