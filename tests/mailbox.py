"""What the development mailbox (Django's test outbox) holds: the iCalendar file each
confirmation, move and cancellation carries."""

from datetime import datetime

from django.core import mail
from icalendar import Calendar


def ics_of(message) -> Calendar:
    """The one attachment of a scheduling email, parsed: the session's iCalendar file."""
    (attachment,) = message.attachments
    assert attachment.filename == "session.ics" and attachment.mimetype == "text/calendar"
    return Calendar.from_ical(attachment.content)


def sent_events() -> list[tuple[str, str, str, int, datetime]]:
    """Each email's recipient with the event its file carries: METHOD, UID, SEQUENCE and
    DTSTART; sorted."""
    events = []
    for message in mail.outbox:
        calendar = ics_of(message)
        (event,) = calendar.walk("VEVENT")
        (recipient,) = message.to
        events.append(
            (
                recipient,
                str(calendar["METHOD"]),
                str(event["UID"]),
                event["SEQUENCE"],
                event.decoded("DTSTART"),
            )
        )
    return sorted(events)
