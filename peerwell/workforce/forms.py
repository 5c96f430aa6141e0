from django import forms
from django.utils.translation import gettext_lazy as _

from peerwell.workforce.models import (
    Certification,
    LivedExperience,
    Modality,
    SpecialistProfile,
    SupportArea,
)
from peerwell.workforce.photos import photo_from_upload
from peerwell.workforce.services import PROFILE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choose(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class ProfileForm(forms.ModelForm):
    """What a specialist shows in the peer directory, in their own words."""

    lived_experience = _choose(_("Lived experience I share"), LivedExperience.choices)
    specializations = _choose(_("What I help with"), SupportArea.choices)
    modalities = _choose(_("How I meet"), Modality.choices)
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB. Location and camera details are removed."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    languages = forms.CharField(
        label=_("Languages I speak"),
        max_length=200,
        required=False,
        help_text=_("Separated by commas, for example: English, Spanish"),
    )

    class Meta:
        model = SpecialistProfile
        fields = PROFILE_FIELDS
        widgets = {"story": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["languages"] = ", ".join(self.instance.languages or [])

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return photo_from_upload(upload) if upload else None

    def clean_languages(self) -> list[str]:
        parts = [part.strip() for part in self.cleaned_data["languages"].split(",")]
        return [part[:40] for part in parts if part]


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["name", "issuer", "number", "issued_on", "expires_on"]
        widgets = {"issued_on": DATE, "expires_on": DATE}

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", _("The expiry must be after the issue date."))
        return data
