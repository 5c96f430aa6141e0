"""Intake with duplicate detection, status history, caseload assignment and consents."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerwell.audit.models import AuditEvent
from peerwell.core.roles import Role
from peerwell.participants import selectors, services
from peerwell.participants.models import Assignment, Consent, ConsentKind, ParticipantStatus
from tests import factories

RECORD = {
    "preferred_name": "Rosie",
    "legal_name": "Rosa Delgado",
    "date_of_birth": date(1990, 4, 12),
    "phone": "(555) 010-2030",
    "email": "Rosa@Example.org",
    "hopes": "I want to get back to work and sleep better.",
    "shared_experiences": ["parent", "substance_use"],
}


def test_a_specialists_intake_puts_the_person_on_their_caseload(people):
    specialist = people[Role.SPECIALIST]
    participant = services.participant_intake(actor=specialist, record=RECORD)
    assert participant.phone == "5550102030" and participant.email == "rosa@example.org"
    assert participant.status == ParticipantStatus.REFERRED
    (assignment,) = participant.assignments.all()
    assert assignment.specialist == specialist and assignment.is_primary
    assert list(selectors.caseload(specialist)) == [participant]
    assert participant.status_changes.get().reason == "Intake"
    created = AuditEvent.objects.get(action="participant.created")
    assert created.participant_id == participant.pk
    assert "Rosa" not in str(created.detail)


@pytest.mark.parametrize(
    "same",
    [
        {"legal_name": "rosa delgado", "date_of_birth": date(1990, 4, 12)},
        {"phone": "555-010-2030"},
        {"email": "ROSA@example.org"},
    ],
)
def test_intake_finds_a_possible_duplicate(people, same):
    first = services.participant_intake(actor=people[Role.ADMIN], record=RECORD)
    record = {"preferred_name": "R", "legal_name": "Someone Else", **same}
    with pytest.raises(services.PossibleDuplicate) as found:
        services.participant_intake(actor=people[Role.ADMIN], record=record)
    assert found.value.matches == [first]
    second = services.participant_intake(
        actor=people[Role.ADMIN], record=record, not_a_duplicate=True
    )
    assert second.pk != first.pk


def test_duplicates_are_looked_for_only_in_the_same_organization(people, outsiders):
    services.participant_intake(actor=outsiders[Role.ADMIN], record=RECORD)
    services.participant_intake(actor=people[Role.ADMIN], record=RECORD)  # no PossibleDuplicate


def test_status_changes_keep_their_history_and_re_enrolment(people):
    admin = people[Role.ADMIN]
    participant = services.participant_intake(actor=admin, record=RECORD, status="active")
    services.participant_change_status(
        actor=admin, participant=participant, status="discharged", reason="Goals met"
    )
    services.participant_change_status(
        actor=admin, participant=participant, status="active", reason="Came back"
    )
    history = [(c.from_status, c.to_status) for c in participant.status_changes.order_by("pk")]
    assert history == [("", "active"), ("active", "discharged"), ("discharged", "active")]
    last = AuditEvent.objects.filter(action="participant.status_changed").latest("pk")
    assert last.detail["re_enrolled"] is True
    with pytest.raises(ValidationError):
        services.participant_change_status(
            actor=admin, participant=participant, status="active", reason="x"
        )
    with pytest.raises(ValidationError):
        services.participant_change_status(
            actor=admin, participant=participant, status="inactive", reason=" "
        )


def test_reassignment_ends_the_old_primary_and_keeps_history(org, people):
    first = people[Role.SPECIALIST]
    second = factories.member(org, Role.SPECIALIST)
    participant = services.participant_intake(actor=first, record=RECORD)
    services.participant_assign(
        actor=people[Role.SUPERVISOR], participant=participant, specialist=second, reason="Moved"
    )
    open_now = Assignment.objects.filter(participant=participant, ended_at__isnull=True)
    assert [a.specialist for a in open_now.all()] == [second]
    assert participant.assignments.count() == 2
    assert list(selectors.caseload(first)) == []
    services.participant_assign(
        actor=people[Role.SUPERVISOR], participant=participant, specialist=first, is_primary=False
    )
    assert {(a.specialist, a.is_primary) for a in open_now.all()} == {
        (second, True),
        (first, False),
    }


def test_only_this_organizations_specialists_are_assigned(people, outsiders):
    participant = services.participant_intake(actor=people[Role.ADMIN], record=RECORD)
    for wrong in (outsiders[Role.SPECIALIST], people[Role.SUPERVISOR]):
        with pytest.raises(ValidationError):
            services.participant_assign(
                actor=people[Role.ADMIN], participant=participant, specialist=wrong
            )


def test_a_release_must_name_recipient_purpose_information_and_expiry(people):
    participant = services.participant_intake(actor=people[Role.ADMIN], record=RECORD)
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            actor=people[Role.ADMIN],
            participant=participant,
            kind=ConsentKind.RELEASE,
            given_on=participant.organization.today(),
            evidence="signed form",
        )
    assert set(error.value.message_dict) == {"recipient", "purpose", "information", "expires_on"}


def test_sharing_follows_releases_in_effect(people):
    admin = people[Role.ADMIN]
    participant = services.participant_intake(actor=admin, record=RECORD)
    today = participant.organization.today()
    release = services.consent_record(
        actor=admin,
        participant=participant,
        kind=ConsentKind.RELEASE,
        given_on=today,
        evidence="signed form",
        recipient="Harbor Clinic",
        purpose="care coordination",
        information="attendance and goals",
        expires_on=today + timedelta(days=30),
    )
    assert selectors.sharing_allowed(participant, recipient="harbor clinic")
    assert not selectors.sharing_allowed(participant, recipient="Other Agency")
    assert not selectors.sharing_allowed(
        participant, recipient="Harbor Clinic", on=today + timedelta(days=31)
    )
    services.consent_revoke(actor=admin, consent=release, reason="Changed my mind")
    assert not selectors.sharing_allowed(participant, recipient="Harbor Clinic")
    with pytest.raises(ValidationError):
        services.consent_revoke(actor=admin, consent=release, reason="again")
    actions = set(
        AuditEvent.objects.filter(participant_id=participant.pk).values_list("action", flat=True)
    )
    assert {"consent.recorded", "consent.revoked"} <= actions


def test_a_consent_cannot_be_dated_in_the_future(people):
    participant = services.participant_intake(actor=people[Role.ADMIN], record=RECORD)
    with pytest.raises(ValidationError):
        services.consent_record(
            actor=people[Role.ADMIN],
            participant=participant,
            kind=ConsentKind.SERVICES,
            given_on=participant.organization.today() + timedelta(days=2),
            evidence="verbal",
        )


def test_who_sees_whom(org, people):
    specialist, colleague = people[Role.SPECIALIST], factories.member(org, Role.SPECIALIST)
    mine = factories.participant(org, specialist)
    theirs = factories.participant(org, colleague)
    factories.team(people[Role.SUPERVISOR], specialist)
    assert set(selectors.participants_visible_to(specialist)) == {mine}
    assert set(selectors.participants_visible_to(people[Role.SUPERVISOR])) == {mine}
    assert set(selectors.participants_visible_to(people[Role.ADMIN])) == {mine, theirs}
    for role in (Role.AUDITOR, Role.PARTICIPANT):
        assert not selectors.participants_visible_to(people[role]).exists()


def test_a_consent_in_effect_reads_the_same_on_a_record_and_in_the_database(org, people):
    """`Consent.in_effect` (the chart) and `Consent.in_effect_on` (booking, sharing) are one
    rule written twice: given, not revoked, not expired, on each side of each boundary."""
    participant = factories.participant(org)
    today = org.today()
    day = timedelta(days=1)
    for given_on, expires_on, revoked in [
        (today, None, False),
        (today + day, None, False),
        (today - day, today, False),
        (today - 2 * day, today - day, False),
        (today, None, True),
    ]:
        Consent.objects.create(
            organization=org,
            participant=participant,
            kind=ConsentKind.SERVICES,
            given_on=given_on,
            expires_on=expires_on,
            revoked_at=timezone.now() if revoked else None,
            evidence="signed online",
            recorded_by=people[Role.ADMIN],
        )
    in_database = set(
        participant.consents.filter(Consent.in_effect_on(today)).values_list("pk", flat=True)
    )
    on_records = {consent.pk for consent in participant.consents.all() if consent.in_effect(today)}
    assert in_database == on_records
    assert len(on_records) == 2
