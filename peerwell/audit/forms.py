from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from peerwell.accounts.models import User
from peerwell.audit.selectors import staff_accounts

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    participant_id = forms.IntegerField(label=_("Participant id"), required=False, min_value=1)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organization, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Staff only: an auditor sees who did what, but no participant's identity.
        self.fields["actor"].queryset = staff_accounts(organization)
        self.fields["action"].choices = [("", _("Any action"))] + [(a, a) for a in actions]

    def clean(self):
        data = super().clean()
        for field in ("date_from", "date_to"):
            if data.get(field) and not EARLIEST <= data[field] <= LATEST:
                self.add_error(field, _("Choose a date between 2000 and 2100."))
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "actor_id": data["actor"].pk if data.get("actor") else None,
            "participant_id": data.get("participant_id"),
            "action": data.get("action") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
