"""Rules of the documentation day, free of the database so they are easy to test."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from peerwell.core.business_days import add_business_days, holiday_calendar


def sign_due_at(
    contact_at: datetime, business_days: int, zone: str, calendar: str = ""
) -> datetime:
    """End of the last day a note may be signed on time, in the organization's zone.

    A contact at 16:00 on Friday with 3 business days is due by the end of Wednesday, or
    of Thursday when a public holiday of `calendar` falls in between.
    """
    tz = ZoneInfo(zone)
    local_day = contact_at.astimezone(tz).date()
    due_day = add_business_days(local_day, business_days, holiday_calendar(calendar))
    return datetime.combine(due_day + timedelta(days=1), time.min, tz)
