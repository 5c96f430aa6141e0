from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from peerwell.accounts.models import Membership, User
from peerwell.core.models import OrgScoped
from peerwell.participants.models import Participant
from peerwell.scheduling.rules import WeeklyHours
from peerwell.workforce.models import Modality


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyAvailability(OrgScoped):
    """Hours a specialist is open for sessions every week, in their own time zone."""

    specialist = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="weekly_availability"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    time_zone = models.CharField(_("time zone"), max_length=64)

    class Meta:
        ordering = ["weekday", "starts"]
        indexes = [models.Index(fields=["specialist", "weekday"], name="availability_specialist")]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="availability_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def as_rule(self) -> WeeklyHours:
        return WeeklyHours(self.weekday, self.starts, self.ends)


class ExceptionKind(models.TextChoices):
    TIME_OFF = "time_off", _("Time off (not available)")
    EXTRA = "extra", _("Extra hours (available)")


class AvailabilityException(OrgScoped):
    """A one-off change to the weekly hours: time off, or extra hours on a given day."""

    specialist = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="availability_exceptions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["specialist", "ends_at"], name="availability_exception_end")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="availability_exception_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


class Appointment(OrgScoped):
    """A session booked between a participant and a specialist.

    A specialist holds at most one booked appointment at a time: bookings take a lock on the
    specialist's membership row and check for overlaps, and a unique constraint on the start
    backs that up. A reschedule cancels this one and books a new one pointing back to it.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="appointments"
    )
    specialist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    modality = models.CharField(_("how you meet"), max_length=20, choices=Modality.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    booked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rescheduled_to"
    )
    # A session that moves stays one event in calendars: each move updates the event of its
    # first booking (same UID, higher SEQUENCE) instead of cancelling one and adding another.
    first_booking = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moves = models.PositiveSmallIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["specialist", "status", "starts_at"], name="appointment_calendar"),
            models.Index(fields=["participant", "starts_at"], name="appointment_participant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_order"
            ),
            models.UniqueConstraint(
                fields=["specialist", "starts_at"],
                condition=Q(status="booked"),
                name="appointment_one_per_start",
            ),
            models.CheckConstraint(
                condition=Q(moves=0, first_booking__isnull=True)
                | Q(moves__gt=0, first_booking__isnull=False),
                name="appointment_moves_from_first_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.get_modality_display()}"

    @property
    def is_booked(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    def participant_may_change_until(self, window_hours: int):
        return self.starts_at - timedelta(hours=window_hours)

    @property
    def ical_uid(self) -> str:
        """The session's event, the same however often it moves; unique across
        installations: the site's host names the namespace."""
        host = urlsplit(settings.PEERWELL_BASE_URL).hostname
        return f"appointment-{self.first_booking_id or self.pk}@{host}"

    @property
    def ical_sequence(self) -> int:
        """RFC 5545 SEQUENCE, which calendars apply only when it grows: one more for each
        move, and one more again once cancelled. (A booking moved away shares its UID and
        SEQUENCE with the move's, so it is never sent: no email, not in feeds.)"""
        return self.moves + (0 if self.is_booked else 1)


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (cancelled or changed)")
    FAILED = "failed", _("Failed")


class Reminder(OrgScoped):
    """One reminder of one appointment, sent at most once: the task that sends it first
    claims the row by moving it out of PENDING, and only the claimer sends."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="reminders")
    hours_before = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "hours_before", "channel"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hours_before}h {self.channel}"


class CalendarFeed(OrgScoped):
    """A private calendar subscription address for one member; the token is kept hashed."""

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"feed {self.pk}"
