"""iCalendar (RFC 5545) for appointments: invitations in emails, and private feeds.

Events carry no names and no notes, only that a peer session happens and how: a calendar
app, or whoever sees the screen it is on, learns nothing more. Details are one link away,
behind sign-in.
"""

from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from peerwell.scheduling.models import Appointment, AppointmentStatus

PRODID = "-//Peerwell//Peer support scheduling//EN"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def appointment_event(appointment: Appointment) -> Event:
    event = Event()
    event.add("uid", appointment.ical_uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", appointment.ical_sequence)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", _("Peer support session"))
    event.add("location", str(appointment.get_modality_display()))
    link = settings.PEERWELL_BASE_URL + reverse("scheduling:appointment", args=[appointment.pk])
    event.add("url", link)
    event.add("description", _("Details in Peerwell: %(link)s") % {"link": link})
    event.add(
        "status",
        "CONFIRMED" if appointment.status == AppointmentStatus.BOOKED else "CANCELLED",
    )
    return event


def invitation(appointment: Appointment, attendee: str) -> bytes:
    """An .ics for an email to `attendee`: REQUEST while booked, CANCEL once cancelled
    (iTIP, RFC 5546, which asks for an organizer and the attendee)."""
    calendar = _calendar("REQUEST" if appointment.is_booked else "CANCEL")
    event = appointment_event(appointment)
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event.add("organizer", vCalAddress(f"mailto:{address}"), parameters={"cn": "Peerwell"})
    event.add("attendee", vCalAddress(f"mailto:{attendee}"), parameters={"rsvp": "FALSE"})
    calendar.add_component(event)
    return calendar.to_ical()


def feed(appointments: Iterable[Appointment], name: str) -> bytes:
    """A subscribable calendar of a member's sessions."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    for appointment in appointments:
        calendar.add_component(appointment_event(appointment))
    return calendar.to_ical()
