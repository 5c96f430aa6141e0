"""Business days: weekdays that are not public holidays of the organization's calendar."""

from collections.abc import Container
from datetime import date, timedelta

import holidays
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def holiday_calendar(code: str) -> Container[date]:
    """Public holidays of a calendar code such as "US" or "US-NY"; "" means none.

    Raises ValueError for a code the `holidays` package does not know.
    """
    if not code:
        return frozenset()
    country, _sep, subdivision = code.upper().partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError as error:
        raise ValueError(code) from error


def add_business_days(start: date, days: int, closed: Container[date] = frozenset()) -> date:
    """The date `days` business days (Monday to Friday, not in `closed`) after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            days -= 1
    return current


def validate_holiday_calendar(code: str) -> None:
    try:
        holiday_calendar(code)
    except ValueError:
        raise ValidationError(
            _("%(code)s is not a known country or subdivision code (for example US or US-NY)."),
            params={"code": code},
        ) from None
