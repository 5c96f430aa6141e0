"""`peerwell bench-data`: the benchmark organization, built fast and only once.

Every account here is synthetic. Staff share one password and get an authenticator key
derived from their email, so the benchmark runner (`python -m bench.run`) can sign in as
any of them; so does the bench participant (BENCH_PARTICIPANT_EMAIL, no second factor, as
for any participant). The numbered participants get unusable passwords: none signs in.

Each numbered participant has a participant record, active, with some preferences for a
peer, on the caseload of one of the first 100 specialists (an open primary assignment), so
each of those has about N/100. All 200 specialists have a varied profile, a verified
certification and weekly hours (some in other US zones); the second hundred have no
caseload and are the ones the directory offers. With `--appointments A` the next eight
weeks hold A booked sessions, on each specialist's grid of session plus buffer. With
`--contacts M` the organization gets M contacts, each with its goal note: most signed, one
in 50 a draft of a recent contact (about half of them late, one in five with open scope
flags). One participant in ten is seen about weekly, ten times as often as the others, as
in a real caseload. Note text is short synthetic wording, sealed by its field on the way in.

The bench specialist also gets two kinds of drafts for the runner, told apart by the
contact's place: one to autosave again and again (DRAFT_SAVE_PLACE) and a pool of fresh
drafts to sign, one per request (SIGN_POOL_PLACE, `--sign-pool`, topped up on each run).
`bench_handles()` finds them, the participant whose chart the runner opens, the busy
specialist whose open slots it reads and the slots the bench participant books.

Running it again adds only what is missing: a larger M adds the difference.
"""

import hashlib
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerwell.accounts.models import Membership, Team, User
from peerwell.audit.services import audit_record
from peerwell.core.models import Organization
from peerwell.core.roles import STAFF_ROLES, Role
from peerwell.core.services import (
    organization_create,
    refuse_in_production,
    synthetic_totp_key,
)
from peerwell.notes import rules, scope
from peerwell.notes.models import Contact, ContactKind, GoalNote, NoteStatus
from peerwell.participants.models import (
    Assignment,
    Consent,
    ConsentKind,
    ContactMethod,
    Participant,
    ParticipantStatus,
    RecoveryPathway,
    ReferralSource,
)
from peerwell.scheduling import rules as slot_rules
from peerwell.scheduling import selectors as scheduling
from peerwell.scheduling.models import Appointment, AppointmentStatus, WeeklyAvailability
from peerwell.workforce.models import (
    AgeRange,
    Certification,
    LivedExperience,
    Modality,
    PeerGender,
    SpecialistProfile,
    SupportArea,
    TimeOfDay,
)
from peerwell.workforce.selectors import offered_specialists

ORGANIZATION = {"name": "Peerwell benchmark", "slug": "bench"}
EMAIL_DOMAIN = "bench.example"
BENCH_PASSWORD = "bench-only-passphrase-7"  # noqa: S105  (synthetic benchmark staff only)
BENCH_SPECIALIST_EMAIL = f"bench-specialist@{EMAIL_DOMAIN}"
SPECIALISTS = 100  # the caseloads are shared among the first 100 (issue 3's numbers)...
ALL_SPECIALISTS = 200  # ...the other 100 are newer peers the directory offers (issue 4)
TEAMS = 5  # one supervisor each; the specialists are shared out between them
BATCH_SIZE = 1000

CONTACT_BATCH = 5000  # contacts (and their notes) written per transaction
HISTORY_DAYS = 730  # contacts spread over the past two years
DRAFT_EVERY = 50  # one contact in 50 has a draft note: 2%
DRAFT_DAYS = 12  # drafts are of contacts of the last 12 days, so about half are late
FLAGGED_EVERY = 5  # one draft in 5 has open scope flags
WEEKLY_EVERY = 10  # one participant in 10 is seen about weekly...
WEEKLY_WEIGHT = 10  # ...ten times as often as the others
SIGN_POOL = 400
SIGN_POOL_PLACE = "bench-sign-pool"
DRAFT_SAVE_PLACE = "bench-draft-save"
RUNNER_PLACES = (SIGN_POOL_PLACE, DRAFT_SAVE_PLACE)

# Scheduling (issue 4). Appointments fill the next 8 weeks on each specialist's own grid
# (session plus buffer); the organization books up to HORIZON_DAYS ahead, past the last
# of them, as a program that books two months out would.
APPOINTMENTS = 50_000
APPOINTMENT_DAYS = 56
HORIZON_DAYS = 60
# The bench participant signs in (no second factor: participants need none) to rank the
# directory, see a busy specialist's open slots, and book. They are on the caseload of
# the first BOOKING_SPECIALISTS of the new peers (primary with the first), who keep wide
# hours and are only a third booked, so every booking request finds a different open slot.
BENCH_PARTICIPANT_EMAIL = f"bench-participant@{EMAIL_DOMAIN}"
COHORT_PREFIX = "bench-participant-"  # the numbered participants; not the bench participant
BOOKING_SPECIALISTS = 3
BOOKING_SHARE = 3  # one open slot in 3 of the booking specialists is booked beforehand
BOOKING_MODALITY = Modality.PHONE
ZONES = (
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/Phoenix", "America/Los_Angeles",
)  # fmt: skip
LANGUAGES = ("Vietnamese", "Chinese", "Tagalog", "Korean", "Russian", "Arabic")
MODALITY_SETS = (
    (Modality.VIDEO, Modality.PHONE),
    (Modality.VIDEO, Modality.PHONE, Modality.IN_PERSON),
    (Modality.IN_PERSON, Modality.PHONE),
    (Modality.VIDEO,),
    (),  # says nothing: meets every way
)

FIRST_NAMES = (
    "Alex", "Ana", "Ben", "Carmen", "Dana", "Eli", "Fatima", "Gabe", "Hana", "Isaac",
    "Jada", "Jorge", "Kim", "Luis", "Maya", "Nate", "Olivia", "Pedro", "Quinn", "Rosa",
    "Sam", "Tara", "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zoe",
)  # fmt: skip
PLACES = (
    "Community center", "Coffee shop", "Library", "Park", "Peer center", "Their home",
    "Food bank", "",
)  # fmt: skip
KINDS = tuple(kind for kind, _label in ContactKind.choices)
DURATIONS = (15, 20, 30, 45, 60, 90)
# Short wording in peer scope; the scope guard finds nothing in it (a test checks).
CHECK_INS = (
    "Said the week felt steadier than the last one.",
    "Talked about getting back into a morning routine.",
    "Shared that the new job is going well so far.",
    "Felt tired but glad we met at the library.",
    "Described a good weekend with their sister.",
    "Went to two support group meetings since we last talked.",
    "Worried about the housing paperwork due this month.",
    "Said they have been getting up on time most days.",
    "Proud of finishing the bus pass application.",
    "Quiet at first, then talked about their kids.",
    "Said money is tight but they paid the phone bill.",
    "Happy to be back at the community garden.",
)
CHALLENGES = (
    "A hard conversation with their landlord.",
    "Feeling lonely in the evenings.",
    "Missed a group meeting and felt bad about it.",
    "Long waits at the benefits office.",
    "Stress about a court date next month.",
    "Arguments at home over chores.",
    "Not much to do on weekends.",
    "Transport to appointments is unreliable.",
)
COPING_TOOLS = (
    "Called a friend when things got tense.",
    "Went for a walk after dinner.",
    "Used the budgeting sheet we made together.",
    "Wrote in their journal most nights.",
    "Listened to music on the way to work.",
    "Went to an open meeting on Saturday.",
    "Made a list before the phone call.",
    "Took a break outside before answering.",
)
NEXT_STEPS = (
    "Meet at the library next week to fill in the form.",
    "Call the housing office together on Tuesday.",
    "Try the Thursday evening group.",
    "Bring the bus schedule to our next meeting.",
    "Look at two job listings before we talk again.",
    "Check in by phone on Friday.",
    "Visit the food bank together next week.",
    "Write down questions for the caseworker.",
)
# Out of peer scope on purpose: the flagged drafts carry it, and the flags it raises.
FLAGGED_CHECK_IN = "Told them to stop taking their meds before the weekend."


def bench_totp_key(email: str) -> str:
    """The authenticator key (hex) of a bench staff account, known to the runner."""
    return synthetic_totp_key("bench", email)


def _people(participants: int) -> list[tuple[str, str, str]]:
    """(email, full name, role) of every bench account, in a fixed order."""
    people = [(BENCH_SPECIALIST_EMAIL, "Bench Specialist 001", Role.SPECIALIST)]
    people += [
        (f"bench-specialist-{i:03d}@{EMAIL_DOMAIN}", f"Bench Specialist {i:03d}", Role.SPECIALIST)
        for i in range(2, ALL_SPECIALISTS + 1)
    ]
    people += [
        (f"bench-supervisor-{i}@{EMAIL_DOMAIN}", f"Bench Supervisor {i}", Role.SUPERVISOR)
        for i in range(1, TEAMS + 1)
    ]
    people += [
        (f"bench-admin@{EMAIL_DOMAIN}", "Bench Admin", Role.ADMIN),
        (f"bench-auditor@{EMAIL_DOMAIN}", "Bench Auditor", Role.AUDITOR),
        (BENCH_PARTICIPANT_EMAIL, "Bench Participant", Role.PARTICIPANT),
    ]
    people += [
        (
            f"bench-participant-{i:06d}@{EMAIL_DOMAIN}",
            f"Bench Participant {i:06d}",
            Role.PARTICIPANT,
        )
        for i in range(1, participants + 1)
    ]
    return people


def _bench_emails() -> dict[str, int]:
    # A suffix filter, not `email__in`: SQLite limits how many parameters one query takes.
    return dict(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("email", "pk"))


def _create_users(people: list[tuple[str, str, str]]) -> int:
    existing = _bench_emails()
    # Hashing is the slow part: staff and the bench participant share one hash, the other
    # participants get none.
    staff_password = make_password(BENCH_PASSWORD)
    unusable = make_password(None)
    users = [
        User(
            email=email,
            full_name=name,
            password=(
                staff_password
                if role in STAFF_ROLES or email == BENCH_PARTICIPANT_EMAIL
                else unusable
            ),
        )
        for email, name, role in people
        if email not in existing
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    return len(users)


def _create_memberships(organization, people, user_ids: dict[str, int]) -> int:
    members = set(Membership.objects.in_org(organization).values_list("user_id", flat=True))
    memberships = [
        Membership(organization=organization, user_id=user_ids[email], role=role)
        for email, _name, role in people
        if user_ids[email] not in members
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    return len(memberships)


def _specialist_number(email: str) -> int:
    """1 for the bench specialist, 2 for bench-specialist-002@..., and so on."""
    name = email.split("@", 1)[0]
    return 1 if email == BENCH_SPECIALIST_EMAIL else int(name.rsplit("-", 1)[1])


def _is_booking_specialist(number: int) -> bool:
    return SPECIALISTS < number <= SPECIALISTS + BOOKING_SPECIALISTS


def _profile(organization, membership_id: int, number: int) -> SpecialistProfile:
    """A varied profile, the same for the same specialist number on every run.

    The first 100 carry issue 3's caseloads (200 each at 20,000 participants), which fill
    their capacity, so the directory offers the newer peers: as a growing program would.
    """
    rng = random.Random(f"profile-{number}")
    experiences = [choice for choice, _label in LivedExperience.choices]
    areas = [choice for choice, _label in SupportArea.choices]
    languages = ["English"]
    if number % 4 == 0:
        languages.append("Spanish")
    if number % 9 == 0:
        languages.append(LANGUAGES[number % len(LANGUAGES)])
    if number % 11 == 0:
        languages = ["Spanish"]
    modalities = MODALITY_SETS[number % len(MODALITY_SETS)]
    if _is_booking_specialist(number):
        modalities = tuple(Modality.values)
    return SpecialistProfile(
        organization=organization,
        membership_id=membership_id,
        lived_experience=rng.sample(experiences, 2 + number % 2),
        languages=languages,
        specializations=rng.sample(areas, 1 + number % 3),
        modalities=list(modalities),
        gender=[choice for choice, _label in PeerGender.choices][number % 3],
        age_range=[choice for choice, _label in AgeRange.choices][number // 3 % 3],
        accepting_new=number % 10 != 7,
        caseload_capacity=200 if number <= SPECIALISTS else 20 + number % 5 * 10,
        story="A synthetic story for the benchmark.",
    )


def _specialists_without(organization, relation: str):
    """(id, email) of the organization's specialists who have no `relation` yet."""
    return (
        Membership.objects.in_org(organization)
        .filter(role=Role.SPECIALIST, **{f"{relation}__isnull": True})
        .values_list("pk", "user__email")
    )


def _create_profiles(organization) -> int:
    missing = _specialists_without(organization, "specialist_profile")
    profiles = [_profile(organization, pk, _specialist_number(email)) for pk, email in missing]
    SpecialistProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
    return len(profiles)


def _create_certifications(organization, admin: Membership, now: datetime) -> int:
    """A verified certification in force for each specialist without one."""
    today = timezone.localdate(now)
    missing = _specialists_without(organization, "certifications")
    certifications = []
    for pk, email in missing:
        number = _specialist_number(email)
        issued_on = today - timedelta(days=30 + number * 3)
        certifications.append(
            Certification(
                organization=organization,
                specialist_id=pk,
                name="Certified Peer Specialist",
                issuer="State certification board",
                number=f"CPS-{number:05d}",
                issued_on=issued_on,
                expires_on=issued_on + timedelta(days=730),
                verified_by=admin,
                verified_at=now,
            )
        )
    Certification.objects.bulk_create(certifications, batch_size=BATCH_SIZE)
    return len(certifications)


def _weekly_hours(number: int) -> tuple[str, list[slot_rules.WeeklyHours]]:
    """(zone, weekly hours) of one specialist: five days, a morning of 4 hours and an
    afternoon of 5, starting at varied hours, in one of several US zones. The booking
    specialists keep 13 hours every day in the organization's zone."""
    if _is_booking_specialist(number):
        return ZONES[0], [
            slot_rules.WeeklyHours(day, hours[0], hours[1])
            for day in range(7)
            for hours in ((dtime(7), dtime(12)), (dtime(13), dtime(21)))
        ]
    first_day = (0, 0, 1, 6)[number % 4]  # Monday to Friday, Tuesday to Saturday, Sunday...
    morning = 7 + number // 4 % 3
    afternoon = 13 + number % 4
    return ZONES[number % len(ZONES)], [
        slot_rules.WeeklyHours((first_day + n) % 7, start, end)
        for n in range(5)
        for start, end in (
            (dtime(morning), dtime(morning + 4)),
            (dtime(afternoon), dtime(afternoon + 5)),
        )
    ]


def _create_availability(organization) -> int:
    """Weekly hours for each specialist without any."""
    missing = _specialists_without(organization, "weekly_availability")
    rows = []
    for pk, email in missing:
        zone, hours = _weekly_hours(_specialist_number(email))
        rows += [
            WeeklyAvailability(
                organization=organization,
                specialist_id=pk,
                weekday=item.weekday,
                starts=item.starts,
                ends=item.ends,
                time_zone=zone,
            )
            for item in hours
        ]
    WeeklyAvailability.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _create_devices(people, user_ids: dict[str, int]) -> int:
    staff_ids = {user_ids[email]: email for email, _name, role in people if role in STAFF_ROLES}
    enrolled = set(
        TOTPDevice.objects.filter(user_id__in=staff_ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    devices = [
        TOTPDevice(
            user_id=user_id, name="Bench authenticator", key=bench_totp_key(email), confirmed=True
        )
        for user_id, email in staff_ids.items()
        if user_id not in enrolled
    ]
    TOTPDevice.objects.bulk_create(devices, batch_size=BATCH_SIZE)
    return len(devices)


def _create_teams(organization) -> int:
    if Team.objects.in_org(organization).exists():
        return 0
    by_role = Membership.objects.in_org(organization).order_by("pk")
    supervisors = list(by_role.filter(role=Role.SUPERVISOR))
    specialists = list(by_role.filter(role=Role.SPECIALIST))
    teams = Team.objects.bulk_create(
        Team(organization=organization, name=f"Bench team {i}", supervisor=supervisor)
        for i, supervisor in enumerate(supervisors, start=1)
    )
    # SQLite and PostgreSQL both hand back the new ids from a bulk insert.
    Team.specialists.through.objects.bulk_create(
        Team.specialists.through(team_id=teams[i % len(teams)].pk, membership_id=s.pk)
        for i, s in enumerate(specialists)
    )
    return len(teams)


def _participant_index(email: str) -> int:
    """0 for bench-participant-000001@..., 1 for ...-000002, and so on."""
    return int(email.split("@", 1)[0].rsplit("-", 1)[1]) - 1


def _admin(organization) -> Membership:
    return Membership.objects.in_org(organization).get(user__email=f"bench-admin@{EMAIL_DOMAIN}")


def _bench_specialist(organization) -> Membership:
    return Membership.objects.in_org(organization).get(user__email=BENCH_SPECIALIST_EMAIL)


def _preferences(i: int) -> dict:
    """What participant i looks for in a peer: some ask for much, some for nothing."""
    experiences = [choice for choice, _label in LivedExperience.choices]
    areas = [choice for choice, _label in SupportArea.choices]
    pathways = [choice for choice, _label in RecoveryPathway.choices]
    times = [choice for choice, _label in TimeOfDay.choices]
    modalities = [choice for choice, _label in Modality.choices]
    return {
        "shared_experiences": [experiences[i % len(experiences)]] if i % 3 == 0 else [],
        "recovery_pathway": pathways[i % len(pathways)],
        "peer_language": ("Spanish", "English", "", "")[i % 4] if i % 5 else "Spanish",
        "support_wanted": [areas[i % len(areas)], areas[(i + 3) % len(areas)]][: i % 3],
        "modalities": [modalities[i % len(modalities)]] if i % 2 else [],
        "preferred_times": [times[i % len(times)]] if i % 4 else [],
        "peer_gender": ("", "woman", "", "man", "nonbinary")[i % 5],
        "peer_age_range": ("", "30_50", "over_50", "under_30")[i % 4],
    }


def _create_participants(organization, admin: Membership) -> int:
    """A participant record, active, for every participant account that has none."""
    missing = (
        Membership.objects.in_org(organization)
        .filter(
            role=Role.PARTICIPANT,
            user__participant_record__isnull=True,
            user__email__startswith=COHORT_PREFIX,
        )
        .values_list("user_id", "user__email", "user__full_name")
    )
    methods = [choice for choice, _label in ContactMethod.choices]
    sources = [choice for choice, _label in ReferralSource.choices]
    participants = []
    for user_id, email, full_name in missing:
        i = _participant_index(email)
        participants.append(
            Participant(
                **_preferences(i),
                organization=organization,
                user_id=user_id,
                preferred_name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {i // len(FIRST_NAMES):04d}",
                legal_name=full_name,
                date_of_birth=date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                language="Spanish" if i % 5 == 0 else "English",
                phone=f"555{i:07d}",
                contact_method=methods[i % len(methods)],
                referral_source=sources[i % len(sources)],
                hopes="To feel less alone and get back to work.",
                status=ParticipantStatus.ACTIVE,
                created_by=admin,
            )
        )
    Participant.objects.bulk_create(participants, batch_size=BATCH_SIZE)
    return len(participants)


def _specialists(organization) -> list[int]:
    """Membership ids of the specialists, the bench specialist first."""
    rows = Membership.objects.in_org(organization).filter(role=Role.SPECIALIST)
    return [
        pk
        for pk, _email in sorted(
            rows.values_list("pk", "user__email"),
            key=lambda row: (row[1] != BENCH_SPECIALIST_EMAIL, row[1]),
        )
    ]


def _bench_participants(organization):
    """The numbered participants (the caseloads), not the bench participant."""
    return Participant.objects.in_org(organization).filter(
        user__email__startswith=COHORT_PREFIX, user__email__endswith=f"@{EMAIL_DOMAIN}"
    )


def _create_assignments(organization, admin: Membership, now: datetime) -> int:
    """An open primary assignment for each participant without one: participant i goes to
    specialist i mod 100, so the bench specialist has participants 0, 100, 200..."""
    specialists = _specialists(organization)[:SPECIALISTS]
    assigned = set(
        Assignment.objects.in_org(organization)
        .filter(is_primary=True, ended_at__isnull=True)
        .values_list("participant_id", flat=True)
    )
    started_at = now - timedelta(days=HISTORY_DAYS + 30)
    assignments = [
        Assignment(
            organization=organization,
            participant_id=pk,
            specialist_id=specialists[_participant_index(email) % len(specialists)],
            is_primary=True,
            started_at=started_at,
            assigned_by=admin,
            reason="Benchmark caseload",
        )
        for pk, email in _bench_participants(organization).values_list("pk", "user__email")
        if pk not in assigned
    ]
    Assignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    return len(assignments)


def _caseloads(organization) -> list[tuple[int, int]]:
    """(participant id, specialist id) of each bench participant, by participant index."""
    return list(
        Assignment.objects.in_org(organization)
        .filter(
            is_primary=True,
            ended_at__isnull=True,
            participant__user__email__startswith=COHORT_PREFIX,
            participant__user__email__endswith=f"@{EMAIL_DOMAIN}",
        )
        .order_by("participant__user__email")
        .values_list("participant_id", "specialist_id")
    )


def _weekly(index: int) -> bool:
    # By index within a caseload (participant i is the (i // 100)th of its specialist), so
    # every specialist has the same share of participants seen weekly.
    return (index // SPECIALISTS) % WEEKLY_EVERY == 0


def _contact_and_note(
    organization, rng: random.Random, *, participant_id: int, specialist_id: int, at: datetime
) -> tuple[Contact, GoalNote]:
    contact = Contact(
        organization=organization,
        participant_id=participant_id,
        specialist_id=specialist_id,
        kind=rng.choice(KINDS),
        occurred_at=at,
        duration_minutes=rng.choice(DURATIONS),
        place=rng.choice(PLACES),
    )
    note = GoalNote(
        organization=organization,
        contact=contact,
        participant_id=participant_id,
        author_id=specialist_id,
        mood=rng.randint(3, 9) if rng.random() < 0.9 else None,
        check_in=rng.choice(CHECK_INS),
        challenges=rng.choice(CHALLENGES),
        coping_tools=rng.choice(COPING_TOOLS),
        next_step=rng.choice(NEXT_STEPS),
        sign_due_at=rules.sign_due_at(
            at,
            organization.note_sign_business_days,
            organization.time_zone,
            organization.holiday_calendar,
        ),
    )
    return contact, note


def _write(contacts: list[Contact], notes: list[GoalNote]) -> None:
    with transaction.atomic():
        # The notes point at their contacts, which have their ids once inserted.
        Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
        GoalNote.objects.bulk_create(notes, batch_size=BATCH_SIZE)


def _create_contacts(organization, target: int, now: datetime, progress: Callable) -> int:
    """Contacts with their goal notes until the organization has `target` (runner's aside)."""
    existing = Contact.objects.in_org(organization).exclude(place__in=RUNNER_PLACES).count()
    if existing >= target:
        return 0
    caseloads = _caseloads(organization)
    if not caseloads:
        raise CommandError("--contacts needs participants (--participants 1 or more)")
    weights = itertools.accumulate(
        WEEKLY_WEIGHT if _weekly(i) else 1 for i in range(len(caseloads))
    )
    cum_weights = list(weights)
    flags = [flag.as_dict() for flag in scope.check(FLAGGED_CHECK_IN)]
    history = (HISTORY_DAYS - 2) * 86400
    started = time.perf_counter()
    for start in range(existing, target, CONTACT_BATCH):
        stop = min(start + CONTACT_BATCH, target)
        # Seeded by position: the same numbers give the same data on every machine.
        rng = random.Random(start)
        picks = rng.choices(range(len(caseloads)), cum_weights=cum_weights, k=stop - start)
        contacts, notes = [], []
        for n, pick in enumerate(picks, start=start):
            participant_id, specialist_id = caseloads[pick]
            draft = n % DRAFT_EVERY == DRAFT_EVERY - 1
            if draft:
                ago = rng.uniform(3600, DRAFT_DAYS * 86400)
            else:
                ago = 2 * 86400 + rng.uniform(0, history)
            at = (now - timedelta(seconds=ago)).replace(second=0, microsecond=0)
            contact, note = _contact_and_note(
                organization, rng, participant_id=participant_id, specialist_id=specialist_id, at=at
            )
            if draft:
                if (n // DRAFT_EVERY) % FLAGGED_EVERY == 0:
                    note.check_in = FLAGGED_CHECK_IN
                    note.scope_flags = flags
            else:
                note.status = NoteStatus.SIGNED
                note.signed_at = min(at + timedelta(hours=rng.uniform(1, 48)), now)
                note.content_hash = hashlib.sha256(f"bench-note-{n}".encode()).hexdigest()
                if rng.random() < 0.8:
                    note.next_contact_on = at.date() + timedelta(days=rng.choice((7, 14)))
            contacts.append(contact)
            notes.append(note)
        _write(contacts, notes)
        elapsed = time.perf_counter() - started
        progress(f"contacts {stop}/{target} ({elapsed:.0f}s)")
    return target - existing


def _runner_drafts(organization, specialist: Membership, place: str) -> Q:
    return Q(
        organization=organization, author=specialist, status=NoteStatus.DRAFT, contact__place=place
    )


def _create_runner_drafts(organization, wanted: dict[str, int], now: datetime) -> int:
    """Top up the bench specialist's drafts that the runner saves and signs.

    They belong to the participant of the bench caseload seen least (the last one not seen
    weekly), so the chart the runner opens (the busiest one) does not show them.
    """
    specialist = _bench_specialist(organization)
    caseload = [
        (i, pk) for i, (pk, sid) in enumerate(_caseloads(organization)) if sid == specialist.pk
    ]
    if not caseload:
        return 0
    quiet = [pk for i, pk in caseload if not _weekly(i)]
    participant_id = (quiet or [pk for _i, pk in caseload])[-1]
    rng = random.Random(0)
    contacts, notes = [], []
    for place, count in wanted.items():
        have = GoalNote.objects.filter(_runner_drafts(organization, specialist, place)).count()
        for n in range(count - have):
            at = (now - timedelta(minutes=30 + n)).replace(second=0, microsecond=0)
            contact, note = _contact_and_note(
                organization, rng, participant_id=participant_id, specialist_id=specialist.pk, at=at
            )
            contact.place = place
            contacts.append(contact)
            notes.append(note)
    _write(contacts, notes)
    return len(contacts)


def _booking_specialists(organization) -> list[int]:
    """Membership ids of the specialists the bench participant books with."""
    return _specialists(organization)[SPECIALISTS : SPECIALISTS + BOOKING_SPECIALISTS]


def _create_bench_participant(organization, admin: Membership, now: datetime) -> int:
    """The bench participant's record, with preferences, consents to services and
    telehealth, and open assignments to the booking specialists (the first as primary)."""
    user = User.objects.get(email=BENCH_PARTICIPANT_EMAIL)
    participant, created = Participant.objects.get_or_create(
        organization=organization,
        user=user,
        defaults={
            "preferred_name": "Bench",
            "legal_name": user.full_name,
            "date_of_birth": date(1985, 6, 15),
            "language": "Spanish",
            "contact_method": ContactMethod.EMAIL,
            "shared_experiences": [LivedExperience.VETERAN, LivedExperience.PARENT],
            "recovery_pathway": RecoveryPathway.SUBSTANCE_USE,
            "peer_language": "Spanish",
            "support_wanted": [SupportArea.HOUSING, SupportArea.WORK],
            "modalities": [Modality.PHONE, Modality.VIDEO],
            "preferred_times": [TimeOfDay.MORNING, TimeOfDay.EVENING],
            "peer_age_range": AgeRange.FROM_30_TO_50,
            "status": ParticipantStatus.ACTIVE,
            "created_by": admin,
        },
    )
    for kind in (ConsentKind.SERVICES, ConsentKind.TELEHEALTH):
        if not Consent.objects.filter(participant=participant, kind=kind).exists():
            Consent.objects.create(
                organization=organization,
                participant=participant,
                kind=kind,
                given_on=organization.today(),
                evidence="Synthetic benchmark consent",
                recorded_by=admin,
            )
    open_with = set(
        Assignment.objects.filter(participant=participant, ended_at__isnull=True).values_list(
            "specialist_id", flat=True
        )
    )
    assignments = [
        Assignment(
            organization=organization,
            participant=participant,
            specialist_id=specialist_id,
            is_primary=n == 0,
            started_at=now - timedelta(days=30),
            assigned_by=admin,
            reason="Benchmark booking",
        )
        for n, specialist_id in enumerate(_booking_specialists(organization))
        if specialist_id not in open_with
    ]
    Assignment.objects.bulk_create(assignments)
    return int(created)


def _grid_slots(organization, specialist_id: int, hours, first: datetime, last: datetime):
    """Every session start on the specialist's weekly grid from `first` to `last`, as the
    booking page steps through an empty calendar (session plus buffer)."""
    session = timedelta(minutes=organization.session_minutes)
    step = session + timedelta(minutes=organization.buffer_minutes)
    by_zone: dict[str, list[slot_rules.WeeklyHours]] = {}
    for row in hours:
        by_zone.setdefault(row.time_zone, []).append(row.as_rule())
    for zone, weekly in by_zone.items():
        first_day = (first - timedelta(days=1)).date()
        last_day = (last + timedelta(days=1)).date()
        for window in slot_rules.weekly_windows(weekly, zone, first_day, last_day):
            start = window.start
            while start + session <= window.end:
                if first <= start <= last:
                    yield start
                start += step


def _create_appointments(organization, target: int, admin: Membership, now: datetime) -> int:
    """Booked sessions over the next APPOINTMENT_DAYS until the organization has `target`
    future ones booked by bench-data, each on its specialist's grid, never two of one
    specialist at once nor two of one participant at once.

    A specialist's sessions are with participants of their caseload; the newer peers, who
    have none, see participants drawn from everyone (the app does not recheck old rows).
    The booking specialists are only a third booked, the others share the rest at random.
    """
    booked = Appointment.objects.in_org(organization).filter(
        status=AppointmentStatus.BOOKED, starts_at__gt=now
    )
    existing = booked.filter(booked_by=admin.user).count()
    if existing >= target:
        return 0
    taken = set(booked.values_list("specialist_id", "starts_at"))
    busy = set(booked.values_list("participant_id", "starts_at"))
    first = now + timedelta(hours=organization.booking_notice_hours)
    last = now + timedelta(days=APPOINTMENT_DAYS)
    hours: dict[int, list[WeeklyAvailability]] = {}
    for row in WeeklyAvailability.objects.in_org(organization).order_by("specialist", "pk"):
        hours.setdefault(row.specialist_id, []).append(row)
    booking = set(_booking_specialists(organization))
    rng = random.Random(f"appointments-{existing}")
    picks, pool = [], []
    for specialist_id in _specialists(organization):
        free = [
            (specialist_id, start)
            for start in _grid_slots(
                organization, specialist_id, hours.get(specialist_id, ()), first, last
            )
            if (specialist_id, start) not in taken
        ]
        if specialist_id in booking:
            if not existing:
                # A third of their grid, but never more than an even share of the target.
                share = (target - existing) // ALL_SPECIALISTS
                picks += rng.sample(free, min(len(free) // BOOKING_SHARE, share))
        else:
            pool += free
    picks += rng.sample(pool, min(max(0, target - existing - len(picks)), len(pool)))
    caseloads: dict[int, list[int]] = {}
    for participant_id, specialist_id in _caseloads(organization):
        caseloads.setdefault(specialist_id, []).append(participant_id)
    everyone = [pk for pks in caseloads.values() for pk in pks]
    if not everyone:
        raise CommandError("--appointments needs participants (--participants 1 or more)")
    modalities = {
        pk: modalities or list(Modality.values)
        for pk, modalities in SpecialistProfile.objects.in_org(organization).values_list(
            "membership_id", "modalities"
        )
    }
    session = timedelta(minutes=organization.session_minutes)
    appointments = []
    for specialist_id, start in sorted(picks, key=lambda pick: (pick[1], pick[0])):
        candidates = caseloads.get(specialist_id) or everyone
        # Slots are on whole hours in every US zone, so two sessions of one participant
        # overlap only when they start together.
        for _attempt in range(10):
            participant_id = rng.choice(candidates)
            if (participant_id, start) not in busy:
                break
        else:
            continue
        busy.add((participant_id, start))
        appointments.append(
            Appointment(
                organization=organization,
                participant_id=participant_id,
                specialist_id=specialist_id,
                starts_at=start,
                ends_at=start + session,
                modality=rng.choice(modalities.get(specialist_id) or list(Modality.values)),
                booked_by_id=admin.user_id,
            )
        )
    with transaction.atomic():
        Appointment.objects.bulk_create(appointments, batch_size=BATCH_SIZE)
    return len(appointments)


def bench_booking_slots(organization, *, after: timedelta = timedelta(days=1)) -> list[tuple]:
    """(specialist id, start) of open slots the bench participant can book, in time order,
    none overlapping another or one of their sessions: each booking request takes one.

    From `after` on (a day: the slots stay bookable however long the runner takes to get
    to them) to a day before the booking horizon."""
    participant = Participant.objects.get(user__email=BENCH_PARTICIPANT_EMAIL)
    now = timezone.now()
    first = now + after
    last = now + timedelta(days=organization.booking_horizon_days - 1)
    session = timedelta(minutes=organization.session_minutes)
    slots = sorted(
        (start, specialist.pk)
        for specialist in Membership.objects.filter(
            pk__in=_booking_specialists(organization)
        ).select_related("organization", "user")
        for start in scheduling.open_slot_starts(specialist, first, last, for_participant=True)
    )
    mine = [
        slot_rules.Interval(start, end)
        for start, end in Appointment.objects.filter(
            participant=participant, status=AppointmentStatus.BOOKED, ends_at__gt=first
        ).values_list("starts_at", "ends_at")
    ]
    chosen, free_from = [], first
    for start, specialist_id in slots:
        slot = slot_rules.Interval(start, start + session)
        if start >= free_from and not any(slot.overlaps(other) for other in mine):
            chosen.append((specialist_id, start))
            free_from = slot.end
    return chosen


@dataclass(frozen=True)
class BenchHandles:
    """What the runner needs: the chart to open, the draft to save, the drafts to sign."""

    chart_participant: int | None
    draft_note: int | None
    sign_pool: list[int]
    # Issue 4: the specialist with the most sessions in the next two weeks (whose open
    # slots the runner reads), and (specialist id, ISO start) of slots to book, one each.
    open_slots_specialist: int | None = None
    booking_slots: list[tuple[int, str]] = ()


def bench_handles() -> BenchHandles:
    organization = Organization.objects.get(slug=ORGANIZATION["slug"])
    specialist = _bench_specialist(organization)
    busiest = (
        Participant.objects.in_org(organization)
        .filter(assignments__specialist=specialist, assignments__ended_at__isnull=True)
        .annotate(n=Count("contacts", filter=~Q(contacts__place__in=RUNNER_PLACES)))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    drafts = GoalNote.objects.order_by("pk").values_list("pk", flat=True)
    now = timezone.now()
    busiest_calendar = (
        Appointment.objects.in_org(organization)
        .filter(status=AppointmentStatus.BOOKED, starts_at__range=(now, now + timedelta(days=14)))
        .exclude(specialist__in=_booking_specialists(organization))
        # A participant sees the open slots of peers offered to them (or their own).
        .filter(specialist__in=offered_specialists(organization).values("pk"))
        .values("specialist")
        .annotate(n=Count("pk"))
        .order_by("-n", "specialist")
        .values_list("specialist", flat=True)
        .first()
    )
    has_booker = Participant.objects.filter(user__email=BENCH_PARTICIPANT_EMAIL).exists()
    booking_slots = bench_booking_slots(organization) if has_booker else []
    return BenchHandles(
        chart_participant=busiest,
        draft_note=drafts.filter(
            _runner_drafts(organization, specialist, DRAFT_SAVE_PLACE)
        ).first(),
        sign_pool=list(drafts.filter(_runner_drafts(organization, specialist, SIGN_POOL_PLACE))),
        open_slots_specialist=busiest_calendar,
        booking_slots=[(pk, start.isoformat()) for pk, start in booking_slots],
    )


def bench_data_build(
    participants: int,
    contacts: int = 0,
    sign_pool: int = SIGN_POOL,
    progress: Callable[[str], None] = lambda message: None,
    appointments: int = 0,
) -> dict[str, int]:
    """Create the bench organization and whatever of its people, caseloads, availability,
    appointments, contacts and notes are missing; return how many of each were created."""
    refuse_in_production("Loading benchmark data")
    people = _people(participants)
    now = timezone.now()
    with transaction.atomic():
        organization = Organization.objects.filter(slug=ORGANIZATION["slug"]).first()
        if organization is None:
            organization = organization_create(**ORGANIZATION, booking_horizon_days=HORIZON_DAYS)
        created = {"users": _create_users(people)}
        user_ids = _bench_emails()
        created["memberships"] = _create_memberships(organization, people, user_ids)
        created["specialist_profiles"] = _create_profiles(organization)
        created["authenticators"] = _create_devices(people, user_ids)
        created["teams"] = _create_teams(organization)
        admin = _admin(organization)
        created["participants"] = _create_participants(organization, admin)
        created["assignments"] = _create_assignments(organization, admin, now)
        created["certifications"] = _create_certifications(organization, admin, now)
        created["weekly_hours"] = _create_availability(organization)
        created["bench_participant"] = _create_bench_participant(organization, admin, now)
    created["appointments"] = _create_appointments(organization, appointments, admin, now)
    progress(f"people ready: {', '.join(f'{n} {name}' for name, n in created.items())}")
    created["contacts"] = _create_contacts(organization, contacts, now, progress)
    created["runner_drafts"] = _create_runner_drafts(
        organization, {DRAFT_SAVE_PLACE: 1, SIGN_POOL_PLACE: sign_pool}, now
    )
    if any(created.values()):
        # Bulk inserts skip the per-row audit events; one event says what was loaded.
        audit_record(
            action="bench.data_loaded",
            organization=organization,
            obj=organization,
            detail=created,
        )
    return created


class Command(BaseCommand):
    help = "Create the synthetic benchmark organization (slug 'bench'); running it again adds nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=2000)
        parser.add_argument(
            "--contacts", type=int, default=0, help="contacts, each with its goal note"
        )
        parser.add_argument(
            "--sign-pool",
            type=int,
            default=SIGN_POOL,
            help="fresh drafts of the bench specialist kept for the runner to sign",
        )
        parser.add_argument(
            "--appointments",
            type=int,
            default=0,
            help=f"future booked sessions over the next {APPOINTMENT_DAYS} days",
        )

    def handle(self, *args, participants, contacts, sign_pool, appointments, **options):
        if min(participants, contacts, sign_pool, appointments) < 0:
            raise CommandError(
                "--participants, --contacts, --sign-pool and --appointments must be 0 or more"
            )
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        created = bench_data_build(participants, contacts, sign_pool, progress, appointments)
        # PostgreSQL runs VACUUM outside a transaction only (called inside one, as in tests,
        # autovacuum is left to it).
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does to a live database after a bulk load: planner statistics,
            # and the visibility map that lets counts be read from an index alone. Measured
            # before it has run, a page is timed against a database no server would keep.
            progress("vacuum analyze")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark organization ready in {time.perf_counter() - started:.1f}s "
                f"(created {summary})"
            )
        )
