import functools
from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from peerwell.core.business_days import validate_holiday_calendar

# Longest session an organization may set; scheduling relies on no session being longer.
MAX_SESSION_MINUTES = 240


def parse_reminder_hours(text: str) -> list[int]:
    """ "24, 1" -> [24, 1]; raises ValueError on anything but whole hours from 1 to 336."""
    hours = sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)
    if any(not 1 <= hour <= 336 for hour in hours):
        raise ValueError(text)
    return hours


def validate_reminder_hours(text: str) -> None:
    try:
        parse_reminder_hours(text)
    except ValueError:
        raise ValidationError(
            _("Give whole hours from 1 to 336, separated by commas, for example 24,1.")
        ) from None


class Organization(models.Model):
    """The tenant: a peer support program. No data of one is ever shown to another."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Los_Angeles")
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        _("idle timeout (minutes)"),
        default=15,
        validators=[MinValueValidator(2), MaxValueValidator(240)],
        help_text=_("Signed-in people are signed out after this many minutes without activity."),
    )
    note_sign_business_days = models.PositiveSmallIntegerField(
        _("business days to sign a note"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text=_("A goal note not signed this many business days after its contact is late."),
    )
    holiday_calendar = models.CharField(
        _("public holidays"),
        max_length=12,
        blank=True,
        default="US",
        validators=[validate_holiday_calendar],
        help_text=_(
            "Country code, optionally with a state or province (US, US-NY, CA-ON), whose "
            "public holidays are not business days. Leave empty to count weekends only."
        ),
    )
    no_contact_alert_days = models.PositiveSmallIntegerField(
        _("days without contact before a participant is flagged"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=50,
        validators=[MinValueValidator(15), MaxValueValidator(MAX_SESSION_MINUTES)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between sessions (minutes)"),
        default=10,
        validators=[MaxValueValidator(120)],
    )
    booking_notice_hours = models.PositiveSmallIntegerField(
        _("book at least this many hours ahead"),
        default=2,
        validators=[MaxValueValidator(168)],
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("book at most this many days ahead"),
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        _("participants may cancel or reschedule until this many hours before"),
        default=24,
        validators=[MaxValueValidator(168)],
    )
    reminder_hours = models.CharField(
        _("reminders (hours before a session)"),
        max_length=40,
        default="24,1",
        blank=True,
        validators=[validate_reminder_hours],
        help_text=_("Comma-separated, for example 24,1. Leave empty to send no reminders."),
    )
    self_sign_up = models.BooleanField(
        _("people may sign themselves up"),
        default=False,
        help_text=_("Offers a sign-up page at /join/ followed by the organization's short name."),
    )
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def today(self) -> date:
        """The program's date now, in its own time zone: the calendar its consents and
        certifications are dated by, whatever the zone of the person asking (a day apart in
        the evening, across the country or at UTC's midnight)."""
        return timezone.localdate(timezone=ZoneInfo(self.time_zone))

    def reminder_offsets(self) -> list[int]:
        """Hours before a session at which reminders go out, largest first."""
        return parse_reminder_hours(self.reminder_hours)


class OrgScopedQuerySet(models.QuerySet):
    def in_org(self, organization):
        return self.filter(organization=organization)


class OrgScoped(models.Model):
    """Base of every model holding personal data: each row belongs to one organization.

    Reads go through `Model.objects.in_org(org)` or the policy module's `access_*`
    functions, never a bare `.get(pk=...)` with an id from a request.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        # Behind every get_<field>_display(). Django's builds a dict of the field's choices
        # on each call, and hashing each lazy label translates it: 30 µs a call, a tenth of
        # a list page's rendering. The labels, read once per field, stay lazy here, so the
        # one shown is translated into the language of the request showing it.
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(value, value), strings_only=True)


@functools.cache
def _choice_labels(field) -> dict:
    return dict(field.flatchoices)
