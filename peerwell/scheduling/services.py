"""Availability, booking, rescheduling, cancelling and calendar feeds.

A booking is safe under concurrency: it locks the specialist's membership row (and the
participant's record) before checking the slot is still open, so two bookings of one
specialist run one after the other; on SQLite the IMMEDIATE transaction mode serializes
writers the same way. A unique constraint on (specialist, start) backs this up.
"""

import hashlib
import itertools
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerwell.accounts.models import Membership
from peerwell.audit.services import audit_record
from peerwell.core.roles import Role
from peerwell.matching import candidates
from peerwell.participants.models import ConsentKind, Participant
from peerwell.participants.selectors import consents_in_effect
from peerwell.participants.services import participant_assign
from peerwell.scheduling import selectors, tasks
from peerwell.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    CalendarFeed,
    Reminder,
    ReminderStatus,
    WeeklyAvailability,
)
from peerwell.scheduling.rules import WeeklyHours
from peerwell.workforce.models import Modality
from peerwell.workforce.selectors import offered_to_new_participants, profile_of

# What a booking asks of the participant's consents: services always, telehealth for video.
_BOOKING_CONSENTS = (ConsentKind.SERVICES, ConsentKind.TELEHEALTH)


class SlotTaken(ValidationError):
    """The time is no longer open: someone else booked it, or it left the bookable range."""

    def __init__(self):
        super().__init__(_("That time was just taken. Please choose another time."))


def _audit(action: str, *, actor: Membership, obj, participant_id=None, detail=None) -> None:
    audit_record(
        action=action,
        actor=actor.user,
        organization=actor.organization,
        obj=obj,
        participant_id=participant_id,
        detail=detail,
    )


def availability_set_weekly(
    *, actor: Membership, specialist: Membership, hours: list[WeeklyHours]
) -> list[WeeklyAvailability]:
    """Replace the specialist's weekly hours, kept in their own time zone."""
    if actor != specialist and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only the specialist or an admin sets these hours."))
    zone = selectors.zone_of(specialist)
    rows = [
        WeeklyAvailability(
            organization=specialist.organization,
            specialist=specialist,
            weekday=item.weekday,
            starts=item.starts,
            ends=item.ends,
            time_zone=zone,
        )
        for item in sorted(hours, key=lambda h: (h.weekday, h.starts))
    ]
    errors = []
    for row in rows:
        if row.ends <= row.starts:
            errors.append(_("%(row)s: the end must be after the start.") % {"row": row})
    for first, second in itertools.pairwise(rows):
        if first.weekday == second.weekday and second.starts < first.ends:
            errors.append(_("%(a)s and %(b)s overlap.") % {"a": first, "b": second})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        WeeklyAvailability.objects.filter(specialist=specialist).delete()
        WeeklyAvailability.objects.bulk_create(rows)
        # Saved in bulk, without signals: the directory's kept candidates carry these hours.
        candidates.changed(specialist.organization_id)
        _audit(
            "availability.weekly_set",
            actor=actor,
            obj=specialist,
            detail={"windows": len(rows), "time_zone": zone},
        )
    return rows


def availability_exception_add(
    *,
    actor: Membership,
    specialist: Membership,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
) -> AvailabilityException:
    """Time off, or extra hours, on particular days."""
    if actor != specialist and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only the specialist or an admin changes these hours."))
    exception = AvailabilityException(
        organization=specialist.organization,
        specialist=specialist,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
    )
    exception.full_clean(exclude=["specialist"])
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    with transaction.atomic():
        exception.save()
        _audit("availability.exception_added", actor=actor, obj=exception, detail={"kind": kind})
    return exception


def availability_exception_remove(*, actor: Membership, exception: AvailabilityException) -> None:
    """Take back time off or extra hours; sessions already booked stay booked."""
    if actor != exception.specialist and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only the specialist or an admin changes these hours."))
    with transaction.atomic():
        _audit("availability.exception_removed", actor=actor, obj=exception)
        exception.delete()


def _check_may_book(actor: Membership, participant: Participant) -> None:
    if actor.role == Role.PARTICIPANT:
        if participant.user_id != actor.user_id:
            raise PermissionDenied(_("You can only book your own sessions."))
    elif actor.role not in (Role.SPECIALIST, Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDenied(_("Your role does not allow booking sessions."))


def _check_specialist(
    participant: Participant,
    specialist: Membership,
    modality: str,
    peers: dict[int, bool],
    consented: set[str],
) -> None:
    """May this participant, with these `peers` (selectors.peers_of) and consents in effect
    (`consented`, their kinds), meet this specialist this way? Asked under the booking's
    locks, so two bookings at once cannot both give a newcomer a peer, or overfill a
    caseload."""
    if (
        specialist.organization_id != participant.organization_id
        or specialist.role != Role.SPECIALIST
        or not specialist.is_active
    ):
        raise ValidationError({"specialist": _("Choose a peer specialist of this program.")})
    has_primary = any(peers.values())
    if has_primary and specialist.pk not in peers:
        primary = selectors.primary_specialist(participant)
        raise ValidationError(
            _(
                "You already have a peer, %(name)s. Book with them, or ask them about "
                "changing peers."
            )
            % {"name": primary.user.display_name}
        )
    if not has_primary and not offered_to_new_participants(specialist):
        raise ValidationError(
            {"specialist": _("This peer is not taking new participants right now.")}
        )
    offered = profile_of(specialist).modalities or list(Modality.values)
    if modality not in offered:
        raise ValidationError({"modality": _("This peer does not meet that way.")})
    if ConsentKind.SERVICES not in consented:
        raise ValidationError(_("Consent to peer support services is needed before booking."))
    if modality == Modality.VIDEO and ConsentKind.TELEHEALTH not in consented:
        raise ValidationError(
            {"modality": _("Video sessions need consent to telehealth. Choose phone or in person.")}
        )


def appointment_book(
    *,
    actor: Membership,
    participant: Participant,
    specialist: Membership,
    starts_at: datetime,
    modality: str,
    rescheduled_from: Appointment | None = None,
) -> Appointment:
    """Book an open slot. Raises SlotTaken when the time is no longer open.

    A participant books for themself, within the organization's notice and horizon; staff
    book for participants they can see, from now on. A participant without a peer yet who
    books with an offered specialist gets that specialist as their primary. A move
    (`rescheduled_from`, a booked session of the same participant and specialist) gives up
    the old time as it books the new one, which must be another time; the new booking
    keeps the session's calendar event (`first_booking`, one more of `moves`).
    """
    _check_may_book(actor, participant)
    organization = participant.organization
    session = timedelta(minutes=organization.session_minutes)
    try:
        with transaction.atomic():
            # Always the specialist first, then the participant: one order, no deadlock. The
            # rules below read the specialist (active, role, profile) as locked, not as the
            # page read them; the organization's terms as the request read them.
            specialist = (
                Membership.objects.select_for_update(of=("self",))
                .select_related("specialist_profile")
                .get(pk=specialist.pk)
            )
            if specialist.organization_id == organization.pk:
                specialist.organization = organization
            # The participant's lock, not their row (read already). SQLite has no row locks:
            # there each transaction takes the one write lock as it begins (settings).
            if connection.features.has_select_for_update:
                locked = Participant.objects.select_for_update().filter(pk=participant.pk)
                locked.values_list("pk").get()
            # Read once the lock is held, in statements of their own: the locking statement's
            # snapshot (PostgreSQL's, read committed) is taken before any wait for the lock,
            # so it could miss a peer given by the booking it waited on.
            peers = selectors.peers_of(participant)
            consented = consents_in_effect(participant, _BOOKING_CONSENTS)
            if rescheduled_from is not None:
                rescheduled_from = Appointment.objects.select_for_update().get(
                    pk=rescheduled_from.pk
                )
                if (rescheduled_from.participant_id, rescheduled_from.specialist_id) != (
                    participant.pk,
                    specialist.pk,
                ):
                    raise ValidationError(
                        _("Only this participant's sessions with this peer can be moved here.")
                    )
                if not rescheduled_from.is_booked:
                    raise ValidationError(_("This session is no longer booked."))
                if rescheduled_from.starts_at == starts_at:
                    raise ValidationError(_("The session is already at that time."))
            _check_specialist(participant, specialist, modality, peers, consented)
            refusal = selectors.booking_refusal(
                specialist,
                participant,
                starts_at,
                for_participant=actor.role == Role.PARTICIPANT,
                moving=rescheduled_from,
            )
            if refusal == selectors.BookingRefusal.SLOT_TAKEN:
                raise SlotTaken()
            if refusal == selectors.BookingRefusal.PARTICIPANT_BUSY:
                raise ValidationError(_("The participant already has a session at that time."))
            first_booking_id, moves = None, 0
            if rescheduled_from is not None:
                _cancel(rescheduled_from, actor, _("Rescheduled"))
                # The move's invitation updates the event calendars already hold for it.
                first_booking_id = rescheduled_from.first_booking_id or rescheduled_from.pk
                moves = rescheduled_from.moves + 1
            appointment = Appointment.objects.create(
                organization=organization,
                participant=participant,
                specialist=specialist,
                starts_at=starts_at,
                ends_at=starts_at + session,
                modality=modality,
                booked_by=actor.user,
                rescheduled_from=rescheduled_from,
                first_booking_id=first_booking_id,
                moves=moves,
            )
            if not peers:
                participant_assign(
                    actor=actor,
                    participant=participant,
                    specialist=specialist,
                    reason=_("Chose this peer when booking"),
                )
            _audit(
                "appointment.rescheduled" if rescheduled_from else "appointment.booked",
                actor=actor,
                obj=appointment,
                participant_id=participant.pk,
                detail={"from": rescheduled_from.pk} if rescheduled_from else None,
            )
            # One task, queued in the booking's own transaction: the queue is a table of the
            # same database, so it exists exactly when the booking does. The worker makes
            # and queues the reminders and sends the confirmation (of the move, for a move).
            tasks.appointment_booked.enqueue(appointment.pk)
    except IntegrityError as error:
        raise SlotTaken() from error
    return appointment


def appointment_reschedule(
    *, actor: Membership, appointment: Appointment, starts_at: datetime
) -> Appointment:
    """Move a booked appointment: the old one is cancelled and a new one booked in one step."""
    _check_may_change(actor, appointment)
    return appointment_book(
        actor=actor,
        participant=appointment.participant,
        specialist=appointment.specialist,
        starts_at=starts_at,
        modality=appointment.modality,
        rescheduled_from=appointment,
    )


def appointment_cancel(*, actor: Membership, appointment: Appointment, reason: str = "") -> None:
    """Cancel a booked appointment; its reminders will not be sent."""
    _check_may_change(actor, appointment)
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if not locked.is_booked:
            raise ValidationError(_("This session is no longer booked."))
        _cancel(locked, actor, reason.strip())
        _audit(
            "appointment.cancelled",
            actor=actor,
            obj=locked,
            participant_id=locked.participant_id,
        )
        tasks.send_appointment_email.enqueue(appointment.pk, "cancelled")
    appointment.refresh_from_db()


def appointment_mark_no_show(*, actor: Membership, appointment: Appointment) -> None:
    """The participant did not come: the specialist records it once the session has begun."""
    if actor.role == Role.PARTICIPANT:
        raise PermissionDenied(_("Your role does not allow this."))
    if not appointment.is_booked:
        raise ValidationError(_("Only a booked session can be marked as a no-show."))
    if appointment.starts_at > timezone.now():
        raise ValidationError(_("A session can be marked as a no-show once it has begun."))
    with transaction.atomic():
        marked = Appointment.objects.filter(
            pk=appointment.pk, status=AppointmentStatus.BOOKED
        ).update(status=AppointmentStatus.NO_SHOW)
        if not marked:  # cancelled or marked meanwhile
            raise ValidationError(_("Only a booked session can be marked as a no-show."))
        _audit(
            "appointment.no_show",
            actor=actor,
            obj=appointment,
            participant_id=appointment.participant_id,
        )
    appointment.refresh_from_db()


def _check_may_change(actor: Membership, appointment: Appointment) -> None:
    if not appointment.is_booked:
        raise ValidationError(_("This session is no longer booked."))
    if actor.role != Role.PARTICIPANT:
        return
    if appointment.participant.user_id != actor.user_id:
        raise PermissionDenied(_("You can only change your own sessions."))
    window = appointment.organization.cancellation_window_hours
    if timezone.now() > appointment.participant_may_change_until(window):
        raise ValidationError(
            _(
                "Sessions can be changed online until %(hours)s hours before they start. "
                "Please call or message your peer."
            )
            % {"hours": window}
        )


def _cancel(appointment: Appointment, actor: Membership, reason: str) -> None:
    Appointment.objects.filter(pk=appointment.pk).update(
        status=AppointmentStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancelled_by=actor.user,
        cancel_reason=reason[:300],
    )
    appointment.status = AppointmentStatus.CANCELLED
    Reminder.objects.filter(appointment=appointment, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SKIPPED
    )


def reminders_schedule(appointment_id: int) -> list[Reminder]:
    """Make the reminders of a booked session, once: one per configured offset still
    ahead, on the participant's channel. The worker calls it after the booking
    (`tasks.appointment_booked`); a session cancelled or moved by then gets none.

    The session's row is locked, so a cancellation waits for the reminders and then
    skips them, or comes first and is seen here."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("organization", "participant__user")
            .get(pk=appointment_id)
        )
        if not appointment.is_booked or appointment.reminders.exists():
            return []
        channel, address = selectors.reminder_channel(appointment.participant)
        if not address:
            return []
        now = timezone.now()
        return Reminder.objects.bulk_create(
            Reminder(
                organization=appointment.organization,
                appointment=appointment,
                hours_before=hours,
                channel=channel,
                due_at=appointment.starts_at - timedelta(hours=hours),
            )
            for hours in appointment.organization.reminder_offsets()
            if appointment.starts_at - timedelta(hours=hours) > now
        )


def calendar_feed_create(*, actor: Membership) -> tuple[CalendarFeed, str]:
    """A new private feed address, replacing the member's current one; the token is shown
    once and stored hashed."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        calendar_feed_revoke(actor=actor)
        feed = CalendarFeed.objects.create(
            organization=actor.organization,
            membership=actor,
            token_hash=hash_feed_token(token),
        )
        _audit("calendar_feed.created", actor=actor, obj=feed)
    return feed, token


def calendar_feed_revoke(*, actor: Membership) -> int:
    """Stop the member's feed address from working. Returns how many were revoked."""
    with transaction.atomic():
        active = CalendarFeed.objects.filter(membership=actor, revoked_at__isnull=True)
        revoked = list(active.values_list("pk", flat=True))
        active.update(revoked_at=timezone.now())
        for pk in revoked:
            audit_record(
                action="calendar_feed.revoked",
                actor=actor.user,
                organization=actor.organization,
                object_type=CalendarFeed._meta.label_lower,
                object_id=pk,
            )
    return len(revoked)


def calendar_feed_read(feed: CalendarFeed) -> None:
    """Record that a calendar app read the feed (it lists the member's sessions)."""
    with transaction.atomic():
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
        audit_record(
            action="calendar_feed.read",
            actor=feed.membership.user,
            organization=feed.organization,
            obj=feed,
        )


def hash_feed_token(token: str) -> str:
    """What is stored of a feed token, and what a request's token is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()
