"""Background work of scheduling: reminders and confirmations, run by `peerwell db_worker`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peerwell.audit.services import audit_record
from peerwell.core.sms import send_sms
from peerwell.scheduling import ical, services
from peerwell.scheduling.models import Appointment, Reminder, ReminderChannel, ReminderStatus
from peerwell.scheduling.selectors import (
    participant_email,
    participant_zone,
    reminder_channel,
    zone_of,
)


def _recipients(appointment: Appointment) -> list[dict]:
    """Who hears of a booking, each in their own language and time zone."""
    participant = appointment.participant
    people = []
    email = participant_email(participant)
    if email:
        people.append(
            {
                "email": email,
                "language": participant.user.language if participant.user_id else "",
                "zone": participant_zone(participant),
                "is_specialist": False,
            }
        )
    specialist = appointment.specialist.user
    people.append(
        {
            "email": specialist.email,
            "language": specialist.language,
            "zone": zone_of(appointment.specialist),
            "is_specialist": True,
        }
    )
    return people


@task()
def send_appointment_email(appointment_id: int, kind: str) -> int:
    """Email the participant and the specialist that a session was booked (or moved, when
    the booking is a move) or cancelled, with an iCalendar invitation (or cancellation)
    attached. Returns messages sent: none for a booking cancelled or moved on before the
    worker came to it, whose cancellation or move is the news."""
    appointment = Appointment.objects.select_related(
        "participant__user", "specialist__user", "organization", "rescheduled_from"
    ).get(pk=appointment_id)
    if kind == "booked":
        if not appointment.is_booked:
            return 0
        if appointment.rescheduled_from_id:
            kind = "moved"
    sent = 0
    for person in _recipients(appointment):
        with translation.override(person["language"] or None), timezone.override(person["zone"]):
            context = {
                "appointment": appointment,
                "kind": kind,
                "base_url": settings.PEERWELL_BASE_URL,
                **person,
            }
            subject = render_to_string("scheduling/email/appointment_subject.txt", context)
            body = render_to_string("scheduling/email/appointment.txt", context)
            message = EmailMessage(" ".join(subject.split()), body, None, [person["email"]])
            message.attach(
                "session.ics", ical.invitation(appointment, person["email"]), "text/calendar"
            )
            sent += message.send()
    audit_record(
        action=f"appointment.{kind}_email_sent",
        organization=appointment.organization_id,
        obj=appointment,
        participant_id=appointment.participant_id,
        detail={"messages": sent},
    )
    return sent


@task()
def appointment_booked(appointment_id: int) -> int:
    """What follows a booking, off the request: make its reminders and queue each for its
    time, then send the confirmation. Returns confirmation messages sent."""
    for reminder in services.reminders_schedule(appointment_id):
        send_reminder.using(run_after=reminder.due_at).enqueue(reminder.pk)
    return send_appointment_email.call(appointment_id, "booked")


@task()
def send_reminder(reminder_id: int) -> str:
    """Send one reminder, at most once: the row is claimed before anything is sent."""
    now = timezone.now()
    claimed = Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SENT, sent_at=now
    )
    if not claimed:
        return "already handled"
    reminder = Reminder.objects.select_related(
        "appointment__participant__user", "appointment__specialist__user"
    ).get(pk=reminder_id)
    appointment = reminder.appointment
    channel, address = reminder_channel(appointment.participant)
    if not appointment.is_booked or appointment.starts_at <= now or not address:
        Reminder.objects.filter(pk=reminder_id).update(status=ReminderStatus.SKIPPED)
        return "skipped"
    participant = appointment.participant
    language = participant.user.language if participant.user_id else ""
    try:
        with (
            translation.override(language or None),
            timezone.override(participant_zone(participant)),
        ):
            body = render_to_string(
                "scheduling/email/reminder.txt",
                {
                    "appointment": appointment,
                    "sms": channel == ReminderChannel.SMS,
                    "base_url": settings.PEERWELL_BASE_URL,
                },
            )
            # The participant's way of being reached now, which may have changed since booking.
            if channel == ReminderChannel.SMS:
                send_sms(address, " ".join(body.split()))
            else:
                EmailMessage(_("Reminder: your peer support session"), body, None, [address]).send()
    except Exception as error:
        Reminder.objects.filter(pk=reminder_id).update(
            status=ReminderStatus.FAILED, error=str(error)[:300]
        )
        raise
    audit_record(
        action="reminder.sent",
        organization=reminder.organization_id,
        obj=reminder,
        participant_id=participant.pk,
        detail={"channel": channel, "hours_before": reminder.hours_before},
    )
    return "sent"
