"""Password reset by email, preferences, organization settings and teams."""

import re

from django.core import mail

from peerwell.accounts.models import Team
from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from tests import factories


def test_password_reset_by_email(client, people):
    participant = people[Role.PARTICIPANT].user
    response = client.post("/account/password/reset/", {"email": participant.email})
    assert response.status_code == 302
    (email,) = mail.outbox
    link = re.search(r"http://testserver(/account/password/reset/\S+/)", email.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase 9", "new_password2": "a brand new passphrase 9"},
    )
    assert done.status_code == 302
    signed_in = client.post(
        "/account/sign-in/",
        {"username": participant.email, "password": "a brand new passphrase 9"},
    )
    assert signed_in.status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(client, db):
    response = client.post("/account/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_preferences_are_saved(client, people):
    membership = people[Role.SPECIALIST]
    factories.sign_in(client, membership)
    response = client.post("/account/", {"language": "en", "time_zone": "America/Chicago"})
    assert response.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.time_zone == "America/Chicago"
    bad = client.post("/account/", {"language": "xx", "time_zone": "Mars/Base"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"language", "time_zone"}


SCHEDULING_SETTINGS = {
    "session_minutes": "50",
    "buffer_minutes": "10",
    "booking_notice_hours": "2",
    "booking_horizon_days": "28",
    "cancellation_window_hours": "24",
    "reminder_hours": "24,1",
}


def test_organization_settings_validate_and_audit(client, people):
    admin = people[Role.ADMIN]
    factories.sign_in(client, admin)
    bad = client.post(
        "/organization/",
        {
            "name": "",
            "time_zone": "UTC",
            "idle_timeout_minutes": "1",
            "note_sign_business_days": "-1",
            "holiday_calendar": "XX-YY",
            "no_contact_alert_days": "14",
            **SCHEDULING_SETTINGS,
            "reminder_hours": "1, 400",
        },
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {
        "name",
        "idle_timeout_minutes",
        "note_sign_business_days",
        "holiday_calendar",
        "reminder_hours",
    }
    good = client.post(
        "/organization/",
        {
            "name": "Renamed",
            "time_zone": "America/Denver",
            "idle_timeout_minutes": "30",
            "note_sign_business_days": "5",
            "holiday_calendar": "us-ny",
            "no_contact_alert_days": "14",
            **SCHEDULING_SETTINGS,
            "reminder_hours": "1, 48",
        },
    )
    assert good.status_code == 302
    admin.organization.refresh_from_db()
    assert admin.organization.idle_timeout_minutes == 30
    assert admin.organization.note_sign_business_days == 5
    assert admin.organization.holiday_calendar == "US-NY"
    assert admin.organization.reminder_offsets() == [48, 1]
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.detail == {
        "fields": [
            "holiday_calendar",
            "idle_timeout_minutes",
            "name",
            "note_sign_business_days",
            "reminder_hours",
            "time_zone",
        ]
    }


def test_a_team_takes_only_this_organizations_supervisor_and_specialists(client, people, outsiders):
    factories.sign_in(client, people[Role.ADMIN])
    response = client.post(
        "/teams/",
        {
            "name": "North",
            "supervisor": outsiders[Role.SUPERVISOR].pk,
            "specialists": [people[Role.SPECIALIST].pk, outsiders[Role.SPECIALIST].pk],
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"supervisor", "specialists"}
    response = client.post(
        "/teams/",
        {
            "name": "North",
            "supervisor": people[Role.SUPERVISOR].pk,
            "specialists": [people[Role.SPECIALIST].pk],
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="North")
    assert list(team.specialists.all()) == [people[Role.SPECIALIST]]
