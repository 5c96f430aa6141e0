import re
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import Membership, Team, User
from peerwell.core import crypto
from peerwell.core.management.commands import bench_data
from peerwell.core.management.commands.bench_data import (
    BENCH_PARTICIPANT_EMAIL,
    BENCH_PASSWORD,
    BENCH_SPECIALIST_EMAIL,
    DRAFT_SAVE_PLACE,
    ORGANIZATION,
    RUNNER_PLACES,
    SIGN_POOL_PLACE,
    bench_handles,
    bench_totp_key,
)
from peerwell.core.models import Organization
from peerwell.core.roles import STAFF_ROLES, Role
from peerwell.matching.selectors import directory, directory_page
from peerwell.notes import scope
from peerwell.notes.models import Contact, GoalNote, NoteStatus
from peerwell.participants.models import Assignment, Participant, ParticipantStatus
from peerwell.scheduling.models import Appointment, AppointmentStatus, WeeklyAvailability
from peerwell.workforce.models import Certification, SpecialistProfile
from peerwell.workforce.selectors import offered_specialists


def _counts(organization) -> dict:
    members = Membership.objects.in_org(organization)
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        **{role: members.filter(role=role).count() for role in Role},
        "profiles": SpecialistProfile.objects.in_org(organization).count(),
        "devices": TOTPDevice.objects.count(),
        "teams": Team.objects.in_org(organization).count(),
        "participants": Participant.objects.count(),
        "assignments": Assignment.objects.count(),
        "contacts": Contact.objects.count(),
        "notes": GoalNote.objects.count(),
        "certifications": Certification.objects.count(),
        "weekly_hours": WeeklyAvailability.objects.count(),
        "appointments": Appointment.objects.count(),
    }


def _build(**numbers) -> Organization:
    call_command("bench_data", **numbers, stdout=StringIO())
    return Organization.objects.get(slug=ORGANIZATION["slug"])


def test_bench_data_builds_once(db):
    organization = _build(participants=30)
    first = _counts(organization)

    _build(participants=30)

    assert _counts(organization) == first
    assert first[Role.SPECIALIST] == 200
    # The numbered participants, and the bench participant with their three assignments.
    assert first[Role.PARTICIPANT] == first["participants"] == 30 + 1
    assert first["assignments"] == 30 + bench_data.BOOKING_SPECIALISTS
    assert first[Role.ADMIN] == first[Role.AUDITOR] == 1
    assert first[Role.SUPERVISOR] == first["teams"] > 0
    assert first["profiles"] == first["certifications"] == 200
    assert first["memberships"] == first["users"] == 200 + 31 + first[Role.SUPERVISOR] + 2
    assert not Membership.objects.exclude(organization=organization).exists()
    assert not organization.is_demo


def test_bench_specialist_can_sign_in(db):
    call_command("bench_data", participants=3, stdout=StringIO())

    specialist = User.objects.get(email=BENCH_SPECIALIST_EMAIL)
    assert check_password(BENCH_PASSWORD, specialist.password)
    device = TOTPDevice.objects.get(user=specialist, confirmed=True)
    assert device.key == bench_totp_key(BENCH_SPECIALIST_EMAIL)
    participant = User.objects.get(email="bench-participant-000001@bench.example")
    assert not participant.has_usable_password()
    # The bench participant signs in with the password alone.
    booker = User.objects.get(email=BENCH_PARTICIPANT_EMAIL)
    assert check_password(BENCH_PASSWORD, booker.password)
    assert not TOTPDevice.objects.filter(user=booker).exists()


def test_contacts_and_notes_build_once_and_grow(db):
    organization = _build(participants=30, contacts=500, sign_pool=5)
    first = _counts(organization)

    assert Contact.objects.exclude(place__in=RUNNER_PLACES).count() == 500
    assert first["contacts"] == first["notes"] == 500 + 1 + 5  # and the runner's drafts
    _build(participants=30, contacts=500, sign_pool=5)
    assert _counts(organization) == first

    _build(participants=30, contacts=650, sign_pool=5)

    assert _counts(organization) == {**first, "contacts": 656, "notes": 656}
    assert Contact.objects.exclude(place__in=RUNNER_PLACES).count() == 650


def test_participants_are_active_on_a_caseload(db):
    organization = _build(participants=250)
    specialist = Membership.objects.get(user__email=BENCH_SPECIALIST_EMAIL)

    participants = Participant.objects.in_org(organization).exclude(
        user__email=BENCH_PARTICIPANT_EMAIL
    )
    assert set(participants.values_list("status", flat=True)) == {ParticipantStatus.ACTIVE}
    assert set(participants.values_list("created_by__role", flat=True)) <= set(STAFF_ROLES)
    assert participants.filter(user__isnull=True).count() == 0
    open_primary = Assignment.objects.filter(
        is_primary=True, ended_at__isnull=True, participant__in=participants
    )
    assert open_primary.count() == 250
    assert set(open_primary.values_list("specialist__role", flat=True)) == {Role.SPECIALIST}
    # Participant i goes to specialist i mod 100: the bench specialist has 0, 100 and 200.
    assert open_primary.filter(specialist=specialist).count() == 3


def test_notes_are_signed_or_recent_drafts(db):
    organization = _build(participants=30, contacts=500, sign_pool=5)
    notes = GoalNote.objects.in_org(organization).exclude(contact__place__in=RUNNER_PLACES)

    signed = notes.filter(status=NoteStatus.SIGNED)
    drafts = notes.filter(status=NoteStatus.DRAFT)
    assert drafts.count() == 500 // bench_data.DRAFT_EVERY
    assert not signed.filter(signed_at__isnull=True).exists()
    assert all(
        re.fullmatch("[0-9a-f]{64}", h) for h in signed.values_list("content_hash", flat=True)
    )
    assert not drafts.exclude(content_hash="").exists()
    now = timezone.now()
    assert drafts.filter(sign_due_at__lt=now).exists()  # late
    assert drafts.exclude(scope_flags=[]).exists()  # open scope flags
    assert not signed.exclude(scope_flags=[]).exists()
    assert not Contact.objects.filter(occurred_at__gt=now).exists()
    oldest = Contact.objects.order_by("occurred_at").first().occurred_at
    assert now - oldest < timezone.timedelta(days=bench_data.HISTORY_DAYS)
    # A note is about its contact's participant, written by its contact's specialist.
    assert not notes.exclude(participant=F("contact__participant")).exists()
    assert not notes.exclude(author=F("contact__specialist")).exists()


def test_note_text_is_stored_encrypted(db):
    _build(participants=30, contacts=200, sign_pool=0)
    note = GoalNote.objects.filter(status=NoteStatus.SIGNED).order_by("pk").first()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT check_in, challenges, coping_tools, next_step FROM notes_goalnote WHERE id = %s",
            [note.pk],
        )
        stored = cursor.fetchone()

    for field, raw in zip(
        ("check_in", "challenges", "coping_tools", "next_step"), stored, strict=True
    ):
        assert raw.startswith(f"pw1:{crypto.current_key_id()}:")
        assert getattr(note, field) not in raw
        assert crypto.decrypt(raw) == getattr(note, field) != ""


def test_every_row_belongs_to_the_organization(db):
    organization = _build(participants=30, contacts=200, sign_pool=3)

    for model in (Membership, SpecialistProfile, Team, Participant, Assignment, Contact, GoalNote):
        rows = model.objects.all()
        assert rows.exists(), model
        assert not rows.exclude(organization=organization).exists(), model
    assert not Contact.objects.exclude(participant__organization=organization).exists()
    assert not GoalNote.objects.exclude(author__organization=organization).exists()


def test_runner_drafts_are_topped_up(db):
    organization = _build(participants=30, contacts=200, sign_pool=4)
    specialist = Membership.objects.get(user__email=BENCH_SPECIALIST_EMAIL)

    handles = bench_handles()
    pool = GoalNote.objects.filter(pk__in=handles.sign_pool)
    assert pool.count() == 4
    assert set(pool.values_list("author", "status", "contact__place").distinct()) == {
        (specialist.pk, NoteStatus.DRAFT, SIGN_POOL_PLACE)
    }
    draft = GoalNote.objects.get(pk=handles.draft_note)
    assert (draft.author, draft.status, draft.contact.place) == (
        specialist,
        NoteStatus.DRAFT,
        DRAFT_SAVE_PLACE,
    )
    assert Assignment.objects.filter(
        participant=handles.chart_participant, specialist=specialist, ended_at__isnull=True
    ).exists()
    # The runner signs two; the next build puts two fresh drafts back, and nothing else.
    before = Contact.objects.count()
    pool.filter(pk__in=handles.sign_pool[:2]).update(status=NoteStatus.SIGNED)

    _build(participants=30, contacts=200, sign_pool=4)

    assert len(bench_handles().sign_pool) == 4
    assert Contact.objects.count() == before + 2
    assert GoalNote.objects.in_org(organization).count() == before + 2


@pytest.mark.parametrize(
    "texts",
    [bench_data.CHECK_INS, bench_data.CHALLENGES, bench_data.COPING_TOOLS, bench_data.NEXT_STEPS],
)
def test_synthetic_wording_is_in_peer_scope(texts):
    assert [text for text in texts if scope.check(text)] == []


def test_flagged_drafts_wording_is_flagged():
    assert scope.check(bench_data.FLAGGED_CHECK_IN)


def test_appointments_fill_the_next_weeks_without_clashes(db):
    organization = _build(participants=300, appointments=2000, sign_pool=0)
    first = _counts(organization)
    appointments = Appointment.objects.in_org(organization)

    assert appointments.count() == 2000
    _build(participants=300, appointments=2000, sign_pool=0)
    assert _counts(organization) == first

    now = timezone.now()
    assert set(appointments.values_list("status", flat=True)) == {AppointmentStatus.BOOKED}
    assert not appointments.filter(starts_at__lt=now).exists()
    assert not appointments.filter(
        starts_at__gt=now + timezone.timedelta(days=bench_data.APPOINTMENT_DAYS)
    ).exists()
    session = timezone.timedelta(minutes=organization.session_minutes)
    assert not appointments.exclude(ends_at=F("starts_at") + session).exists()
    # Never two sessions of one participant at once (all start on whole hours).
    starts = list(appointments.values_list("participant", "starts_at"))
    assert len(set(starts)) == len(starts)
    assert appointments.values("specialist").distinct().count() == 200
    # Each on its specialist's grid of weekly hours, session plus buffer.
    specialist = Membership.objects.get(user__email=BENCH_SPECIALIST_EMAIL)
    grid = set(
        bench_data._grid_slots(
            organization,
            specialist.pk,
            WeeklyAvailability.objects.filter(specialist=specialist),
            now,
            now + timezone.timedelta(days=bench_data.APPOINTMENT_DAYS),
        )
    )
    theirs = set(appointments.filter(specialist=specialist).values_list("starts_at", flat=True))
    assert theirs and theirs <= grid


def test_every_specialist_has_hours_and_the_directory_offers_the_new_ones(db):
    organization = _build(participants=30)

    assert WeeklyAvailability.objects.values("specialist").distinct().count() == 200
    zones = set(WeeklyAvailability.objects.values_list("time_zone", flat=True))
    assert len(zones) > 1
    offered = offered_specialists(organization)
    # Not accepting new participants: one in ten.
    assert 150 <= offered.count() < 200
    booker = Participant.objects.get(user__email=BENCH_PARTICIPANT_EMAIL)
    matches = directory(organization, viewer_zone="America/New_York", participant=booker)
    entries = directory_page(organization, matches)
    assert len(matches) == len(entries) == offered.count()
    assert matches[0].score > matches[-1].score
    assert all(entry.certification is not None for entry in entries)


def test_booking_slots_can_be_booked_one_after_another(db):
    from peerwell.scheduling.services import appointment_book

    organization = _build(participants=30, appointments=500, sign_pool=0)
    handles = bench_handles()
    assert handles.open_slots_specialist is not None
    slots = handles.booking_slots
    assert len(slots) > 320
    booker = Participant.objects.get(user__email=BENCH_PARTICIPANT_EMAIL)
    actor = Membership.objects.get(organization=organization, user=booker.user)
    for specialist_id, start in slots[:3] + slots[-3:]:
        appointment_book(
            actor=actor,
            participant=booker,
            specialist=Membership.objects.get(pk=specialist_id),
            starts_at=timezone.datetime.fromisoformat(start),
            modality=bench_data.BOOKING_MODALITY,
        )
    assert Appointment.objects.filter(participant=booker).count() == 6
