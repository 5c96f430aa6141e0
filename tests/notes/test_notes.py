"""Contacts and goal notes: drafts, the scope guard at signing, addenda, co-signature, keys."""

import base64
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.notes import rules, services
from peerwell.notes.models import CosignStatus, GoalNote, NoteStatus
from peerwell.workforce.models import SpecialistProfile
from tests import factories

STEPS = [{"description": "Call the housing office", "owner": "participant", "due_on": None}]


@pytest.mark.parametrize(
    "start, days, due",
    [
        (date(2026, 11, 20), 3, date(2026, 11, 25)),  # Friday + 3 business days = Wednesday
        (date(2026, 11, 23), 3, date(2026, 11, 26)),  # Monday -> Thursday
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Saturday -> Monday
        (date(2026, 11, 24), 0, date(2026, 11, 24)),
    ],
)
def test_business_days(start, days, due):
    assert rules.add_business_days(start, days) == due


def test_public_holidays_of_the_calendar_are_not_business_days():
    # Thanksgiving, Thursday 26 Nov 2026: Monday's contact is due on Friday, not Thursday.
    contact = datetime(2026, 11, 23, 18, 0, tzinfo=ZoneInfo("UTC"))
    due = rules.sign_due_at(contact, 3, "America/New_York", "US-NY")
    assert due == datetime(2026, 11, 28, 0, 0, tzinfo=ZoneInfo("America/New_York"))
    weekends_only = rules.sign_due_at(contact, 3, "America/New_York", "")
    assert weekends_only == datetime(2026, 11, 27, 0, 0, tzinfo=ZoneInfo("America/New_York"))


def test_the_deadline_is_the_end_of_the_local_day_across_a_clock_change():
    # Friday 30 Oct 2026, 23:30 in Los Angeles is already Saturday in UTC; daylight time ends
    # on Sunday 1 Nov. Three business days later is Wednesday 4 Nov, due at its local midnight.
    contact = datetime(2026, 10, 31, 6, 30, tzinfo=ZoneInfo("UTC"))
    due = rules.sign_due_at(contact, 3, "America/Los_Angeles")
    assert due == datetime(2026, 11, 5, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert due.utcoffset().total_seconds() == -8 * 3600


@pytest.fixture
def draft(org, people):
    specialist = people[Role.SPECIALIST]
    return services.contact_record(
        actor=specialist,
        participant=factories.participant(org, specialist),
        kind="phone",
        occurred_at=timezone.now() - timezone.timedelta(hours=2),
        duration_minutes=30,
    )


def test_recording_a_contact_opens_a_draft_due_in_business_days(draft, org):
    assert draft.status == NoteStatus.DRAFT
    expected = rules.sign_due_at(
        draft.contact.occurred_at, org.note_sign_business_days, org.time_zone, org.holiday_calendar
    )
    assert draft.sign_due_at == expected
    assert AuditEvent.objects.filter(
        action="contact.recorded", participant_id=draft.participant_id
    ).exists()


def test_a_contact_cannot_be_in_the_future(org, people):
    specialist = people[Role.SPECIALIST]
    with pytest.raises(ValidationError):
        services.contact_record(
            actor=specialist,
            participant=factories.participant(org, specialist),
            kind="phone",
            occurred_at=timezone.now() + timezone.timedelta(days=1),
            duration_minutes=30,
        )


def test_note_text_is_encrypted_at_rest(draft, people):
    services.note_save_draft(
        actor=people[Role.SPECIALIST],
        note=draft,
        fields={"check_in": "Feeling hopeful about the new job", "mood": 7},
        action_steps=STEPS,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT check_in FROM notes_goalnote WHERE id = %s", [draft.pk])
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT description FROM notes_actionstep WHERE note_id = %s", [draft.pk])
        (step,) = cursor.fetchone()
    assert stored.startswith("pw1:") and "hopeful" not in stored
    assert step.startswith("pw1:") and "housing" not in step
    assert GoalNote.objects.get(pk=draft.pk).check_in == "Feeling hopeful about the new job"


def test_drafts_record_scope_flags_and_signing_needs_a_reason(draft, people):
    specialist = people[Role.SPECIALIST]
    services.note_save_draft(
        actor=specialist,
        note=draft,
        fields={"check_in": "Doing ok.", "narrative": "I told her to stop taking her Seroquel."},
        action_steps=[],
    )
    draft.refresh_from_db()
    assert [f["category"] for f in draft.scope_flags] == ["medication"]
    with pytest.raises(services.OpenScopeFlags) as found:
        services.note_sign(actor=specialist, note=draft)
    assert found.value.flags[0].category == "medication"
    signed = services.note_sign(
        actor=specialist, note=draft, reason="Quoting her doctor's instruction."
    )
    assert signed.status == NoteStatus.SIGNED
    assert signed.scope_override_reason == "Quoting her doctor's instruction."
    event = AuditEvent.objects.get(action="note.signed")
    assert event.detail["flags"] == ["medication"] and event.detail["hash"] == signed.content_hash


def test_a_signed_note_is_locked_and_its_hash_covers_the_content(draft, people):
    specialist = people[Role.SPECIALIST]
    services.note_save_draft(
        actor=specialist, note=draft, fields={"check_in": "ok"}, action_steps=STEPS
    )
    note = services.note_sign(actor=specialist, note=draft)
    steps = list(note.action_steps.all())
    assert note.content_hash == note.compute_hash(steps)
    with pytest.raises(ValidationError):
        services.note_save_draft(
            actor=specialist, note=note, fields={"check_in": "changed"}, action_steps=[]
        )
    with pytest.raises(ValidationError):
        services.note_sign(actor=specialist, note=note)
    note.check_in = "tampered"
    assert note.compute_hash(steps) != note.content_hash


def test_only_the_author_edits_and_an_empty_note_is_not_signed(draft, org, people):
    colleague = factories.member(org, Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.note_save_draft(
            actor=colleague, note=draft, fields={"check_in": "x"}, action_steps=[]
        )
    with pytest.raises(ValidationError):
        services.note_sign(actor=people[Role.SPECIALIST], note=draft)


def test_addenda_only_on_signed_notes(draft, people):
    specialist = people[Role.SPECIALIST]
    with pytest.raises(ValidationError):
        services.addendum_add(actor=specialist, note=draft, text="too early")
    services.note_save_draft(
        actor=specialist, note=draft, fields={"check_in": "ok"}, action_steps=[]
    )
    note = services.note_sign(actor=specialist, note=draft)
    addendum = services.addendum_add(
        actor=specialist, note=note, text="She called back: the appointment is set."
    )
    assert addendum.text.startswith("She called back")
    assert AuditEvent.objects.filter(action="note.addendum_added").exists()


def test_co_signature_return_and_resubmission(draft, org, people):
    specialist, supervisor = people[Role.SPECIALIST], people[Role.SUPERVISOR]
    SpecialistProfile.objects.create(
        organization=org, membership=specialist, notes_need_cosign=True
    )
    factories.team(supervisor, specialist)
    services.note_save_draft(
        actor=specialist, note=draft, fields={"check_in": "ok"}, action_steps=[]
    )
    note = services.note_sign(actor=specialist, note=draft)
    assert note.cosign_status == CosignStatus.PENDING
    outsider = factories.member(org, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        services.note_cosign(actor=outsider, note=note)
    with pytest.raises(ValidationError):
        services.note_return(actor=supervisor, note=note, comment=" ")
    returned = services.note_return(
        actor=supervisor, note=note, comment="Add the action step you agreed."
    )
    assert returned.cosign_status == CosignStatus.RETURNED
    services.addendum_add(
        actor=specialist, note=returned, text="Action step: call housing by Friday."
    )
    returned.refresh_from_db()
    assert returned.cosign_status == CosignStatus.PENDING
    cosigned = services.note_cosign(actor=supervisor, note=returned)
    assert cosigned.cosign_status == CosignStatus.COSIGNED and cosigned.cosigned_by == supervisor
    with pytest.raises(ValidationError):
        services.note_cosign(actor=supervisor, note=cosigned)


def test_keys_rotate_re_encrypts_every_value_and_can_run_again(settings, draft, people, capsys):
    old = "k1:" + base64.b64encode(b"1" * 32).decode()
    new = "k2:" + base64.b64encode(b"2" * 32).decode()
    settings.PEERWELL_DATA_KEYS = old
    services.note_save_draft(
        actor=people[Role.SPECIALIST],
        note=draft,
        fields={"check_in": "before rotation", "narrative": "more"},
        action_steps=STEPS,
    )
    settings.PEERWELL_DATA_KEYS = f"{new},{old}"
    call_command("keys", "rotate")
    with connection.cursor() as cursor:
        cursor.execute("SELECT check_in, narrative FROM notes_goalnote WHERE id = %s", [draft.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("pw1:k2:") for value in stored)
    assert "3 values now sealed with key k2" in capsys.readouterr().out
    call_command("keys", "rotate")
    assert "0 values now sealed" in capsys.readouterr().out
    settings.PEERWELL_DATA_KEYS = new  # the old key may go once rotation has finished
    assert GoalNote.objects.get(pk=draft.pk).check_in == "before rotation"


def test_keys_rotate_stops_clearly_when_an_old_key_is_missing(settings, draft, people):
    from django.core.management.base import CommandError

    settings.PEERWELL_DATA_KEYS = "k1:" + base64.b64encode(b"1" * 32).decode()
    services.note_save_draft(
        actor=people[Role.SPECIALIST], note=draft, fields={"check_in": "x"}, action_steps=[]
    )
    settings.PEERWELL_DATA_KEYS = "k2:" + base64.b64encode(b"2" * 32).decode()
    with pytest.raises(CommandError, match="Keep every old key"):
        call_command("keys", "rotate")


def test_an_admin_requires_co_signature_for_a_specialist(client, org, people):
    specialist = people[Role.SPECIALIST]
    factories.sign_in(client, people[Role.ADMIN])
    response = client.post(f"/staff/{specialist.pk}/cosign/", {"required": "yes"})
    assert response.status_code == 302
    assert SpecialistProfile.objects.get(membership=specialist).notes_need_cosign
    assert AuditEvent.objects.filter(
        action="specialist.cosign_changed", detail={"required": True}
    ).exists()
    refused = client.post(
        f"/staff/{people[Role.SUPERVISOR].pk}/cosign/", {"required": "yes"}, follow=True
    )
    assert b"Only a peer specialist" in refused.content
    client.post(f"/staff/{specialist.pk}/cosign/", {"required": "no"})
    assert not SpecialistProfile.objects.get(membership=specialist).notes_need_cosign
