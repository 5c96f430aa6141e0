from django import forms
from django.utils.translation import gettext_lazy as _

from peerwell.notes.models import Contact, GoalNote, StepOwner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "occurred_at", "duration_minutes", "place"]
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 720}),
        }


class GoalNoteForm(forms.ModelForm):
    mood = forms.TypedChoiceField(
        label=_("Mood today, 1 to 10"),
        choices=[("", _("Not asked"))] + [(n, str(n)) for n in range(1, 11)],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = GoalNote
        fields = [
            "mood",
            "check_in",
            "challenges",
            "coping_tools",
            "next_step",
            "next_contact_on",
            "narrative",
        ]
        widgets = {
            "check_in": forms.Textarea(attrs={"rows": 2}),
            "challenges": forms.Textarea(attrs={"rows": 2}),
            "coping_tools": forms.Textarea(attrs={"rows": 2}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "next_contact_on": DATE,
        }


class ActionStepForm(forms.Form):
    description = forms.CharField(label=_("Action step"), max_length=300, required=False)
    owner = forms.ChoiceField(
        label=_("Who"), choices=StepOwner.choices, initial=StepOwner.PARTICIPANT
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DATE)


ActionStepFormSet = forms.formset_factory(ActionStepForm, extra=0, max_num=10, absolute_max=10)


class SignForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this wording is right (needed only when a flag is open)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the author add or correct?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
