"""Rules of the documentation day, free of the database so they are easy to test."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days (Monday to Friday) after `start`.

    Public holidays are not skipped: a program that needs them sets a larger allowance.
    """
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def sign_due_at(contact_at: datetime, business_days: int, zone: str) -> datetime:
    """End of the last day a note may be signed on time, in the organization's zone.

    A contact at 16:00 on Friday with 3 business days is due by the end of Wednesday.
    """
    tz = ZoneInfo(zone)
    local_day = contact_at.astimezone(tz).date()
    due_day = add_business_days(local_day, business_days)
    return datetime.combine(due_day + timedelta(days=1), time.min, tz)
