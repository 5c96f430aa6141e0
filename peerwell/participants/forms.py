from django import forms
from django.utils.translation import gettext_lazy as _

from peerwell.accounts.forms import InvitationAcceptForm
from peerwell.accounts.models import Membership
from peerwell.core.i18n import language_choices
from peerwell.core.roles import Role
from peerwell.core.widgets import LongSelect, time_zone_choices
from peerwell.participants.models import Consent, Participant, ParticipantStatus
from peerwell.participants.services import PREFERENCE_FIELDS, RECORD_FIELDS
from peerwell.workforce.models import LivedExperience, Modality, SupportArea, TimeOfDay

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choose_any(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class PeerPreferencesForm(forms.ModelForm):
    """What the participant looks for in a peer; every question may be skipped."""

    support_wanted = _choose_any(_("What would you like support with?"), SupportArea.choices)
    shared_experiences = _choose_any(
        _("Shared experiences that matter to you in a peer"), LivedExperience.choices
    )
    modalities = _choose_any(_("How would you like to meet?"), Modality.choices)
    preferred_times = _choose_any(_("What times of day suit you?"), TimeOfDay.choices)

    class Meta:
        model = Participant
        fields = PREFERENCE_FIELDS
        labels = {
            "recovery_pathway": _("Your recovery pathway"),
            "peer_language": _("A language you would like to speak with your peer"),
            "peer_gender": _("Gender of your peer"),
            "peer_age_range": _("Age of your peer"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("recovery_pathway", "peer_gender", "peer_age_range"):
            choices = [choice for choice in self.fields[name].choices if choice[0] != ""]
            self.fields[name].choices = [("", _("No preference")), *choices]


class ParticipantForm(PeerPreferencesForm):
    class Meta:
        model = Participant
        fields = RECORD_FIELDS
        widgets = {
            "date_of_birth": DATE,
            "hopes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }


class IntakeForm(ParticipantForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s.value, s.label) for s in (ParticipantStatus.REFERRED, ParticipantStatus.ACTIVE)
        ],
        initial=ParticipantStatus.REFERRED,
    )
    not_a_duplicate = forms.BooleanField(
        label=_("None of these is this person: create a new record"), required=False
    )

    class Meta(ParticipantForm.Meta):
        fields = ParticipantForm.Meta.fields


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ParticipantStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "kind",
            "given_on",
            "evidence",
            "recipient",
            "purpose",
            "information",
            "expires_on",
            "expiry_event",
        ]
        widgets = {"given_on": DATE, "expires_on": DATE}
        help_texts = {
            "recipient": _("Release of information only: who may receive it."),
            "purpose": _("Release of information only: why it is shared."),
            "information": _("Release of information only: what may be shared."),
            "expires_on": _("Release of information only: a date, or the event below."),
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=300, required=False)


class AssignForm(forms.Form):
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Membership.objects.none())
    is_primary = forms.BooleanField(label=_("Primary specialist"), required=False, initial=True)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = (
            Membership.objects.in_org(organization)
            .filter(role=Role.SPECIALIST, is_active=True)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.fields["specialist"].label_from_instance = lambda m: m.user.full_name


class SignUpForm(InvitationAcceptForm):
    """Self sign-up of a participant: an account, and the consents services begin with."""

    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    preferred_name = forms.CharField(
        label=_("What should we call you? (optional)"), max_length=100, required=False
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"), choices=time_zone_choices, widget=LongSelect
    )
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    consent_services = forms.BooleanField(
        label=_(
            "I agree to receive peer support services. Peer support is not therapy, "
            "treatment or crisis care, and I can stop at any time."
        ),
        error_messages={"required": _("Agreeing to peer support services is needed to join.")},
    )
    consent_telehealth = forms.BooleanField(
        label=_("I agree to video sessions (telehealth). Optional: phone and in person work too."),
        required=False,
    )

    field_order = [
        "full_name",
        "preferred_name",
        "email",
        "password",
        "password_again",
        "time_zone",
        "language",
        "consent_services",
        "consent_telehealth",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, email="", **kwargs)
        self.fields["full_name"].label = _("Your name")

    def clean(self):
        self.email = self.cleaned_data.get("email", "")
        return super().clean()
