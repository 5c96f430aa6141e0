from django import forms
from django.utils.translation import gettext_lazy as _

from peerwell.core.widgets import LongSelect
from peerwell.workforce.models import LivedExperience, Modality, PeerGender

ANY = [("", _("Any"))]


class DirectoryFilterForm(forms.Form):
    """Filters of the directory. Its selects render in one pass (LongSelect): the page is
    shown on every visit to the directory, and per-option templates were a good part of it."""

    experience = forms.ChoiceField(
        label=_("Shared experience"),
        choices=ANY + LivedExperience.choices,
        required=False,
        widget=LongSelect,
    )
    language = forms.CharField(label=_("Language"), max_length=40, required=False)
    modality = forms.ChoiceField(
        label=_("Meets by"), choices=ANY + Modality.choices, required=False, widget=LongSelect
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=ANY + PeerGender.choices, required=False, widget=LongSelect
    )
