from django import forms
from django.utils.translation import gettext_lazy as _

from peerwell.workforce.models import LivedExperience, Modality, PeerGender

ANY = [("", _("Any"))]


class DirectoryFilterForm(forms.Form):
    experience = forms.ChoiceField(
        label=_("Shared experience"), choices=ANY + LivedExperience.choices, required=False
    )
    language = forms.CharField(label=_("Language"), max_length=40, required=False)
    modality = forms.ChoiceField(
        label=_("Meets by"), choices=ANY + Modality.choices, required=False
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=ANY + PeerGender.choices, required=False)
