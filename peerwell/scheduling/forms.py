from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerwell.scheduling.models import ExceptionKind, Weekday
from peerwell.scheduling.rules import WeeklyHours
from peerwell.workforce.models import Modality

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
EXCEPTION_REACH = timedelta(days=731)
WINDOWS_PER_DAY = 2  # the labels below name each stretch


class BookingForm(forms.Form):
    """A start time from the offered slots (an ISO timestamp) and how to meet."""

    starts_at = forms.CharField(label=_("Time"), widget=forms.HiddenInput)
    modality = forms.ChoiceField(label=_("How would you like to meet?"), choices=Modality.choices)

    def __init__(self, *args, modalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if modalities:
            self.fields["modality"].choices = [
                (value, label) for value, label in Modality.choices if value in modalities
            ]

    def clean_starts_at(self) -> datetime:
        try:
            value = datetime.fromisoformat(self.cleaned_data["starts_at"])
        except ValueError:
            raise forms.ValidationError(_("Choose one of the times offered.")) from None
        if timezone.is_naive(value):
            raise forms.ValidationError(_("Choose one of the times offered."))
        return value


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=300, required=False, widget=forms.TextInput
    )


class WeeklyHoursForm(forms.Form):
    """Up to two stretches of hours on each day of the week, in the specialist's zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in Weekday:
            # Each field's label names its day and stretch, for screen readers.
            labels = [
                (_("%(day)s from") % {"day": day.label}, _("%(day)s until") % {"day": day.label}),
                (
                    _("%(day)s, second stretch, from") % {"day": day.label},
                    _("%(day)s, second stretch, until") % {"day": day.label},
                ),
            ]
            for n, (from_label, until_label) in enumerate(labels):
                self.fields[f"d{day.value}_{n}_from"] = forms.TimeField(
                    label=from_label, required=False, widget=TIME
                )
                self.fields[f"d{day.value}_{n}_until"] = forms.TimeField(
                    label=until_label, required=False, widget=TIME
                )

    @classmethod
    def initial_from(cls, rows) -> dict:
        initial, used = {}, {}
        for row in rows:
            n = used.get(row.weekday, 0)
            if n < WINDOWS_PER_DAY:
                initial[f"d{row.weekday}_{n}_from"] = row.starts
                initial[f"d{row.weekday}_{n}_until"] = row.ends
                used[row.weekday] = n + 1
        return initial

    def days(self):
        """(day label, [(from field, until field), ...]) for the template."""
        return [
            (
                day.label,
                [
                    (self[f"d{day.value}_{n}_from"], self[f"d{day.value}_{n}_until"])
                    for n in range(WINDOWS_PER_DAY)
                ],
            )
            for day in Weekday
        ]

    def clean(self):
        data = super().clean()
        hours = []
        for day in Weekday:
            for n in range(WINDOWS_PER_DAY):
                starts: time | None = data.get(f"d{day.value}_{n}_from")
                ends: time | None = data.get(f"d{day.value}_{n}_until")
                if starts is None and ends is None:
                    continue
                if starts is None or ends is None or ends <= starts:
                    self.add_error(
                        f"d{day.value}_{n}_until",
                        _("Give a start and a later end, or leave both empty."),
                    )
                    continue
                hours.append(WeeklyHours(day.value, starts, ends))
        data["hours"] = hours
        return data


class AvailabilityExceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.choices)
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME)
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            now = timezone.now()
            if ends <= starts:
                self.add_error("ends_at", _("The end must be after the start."))
            elif ends < now or starts > now + EXCEPTION_REACH or ends - starts > EXCEPTION_REACH:
                self.add_error(
                    None, _("Choose times from now to two years ahead, for at most two years.")
                )
        return data
