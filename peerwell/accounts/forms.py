from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from peerwell.accounts.models import Membership, User
from peerwell.core.i18n import language_choices
from peerwell.core.models import Organization, parse_reminder_hours
from peerwell.core.roles import STAFF_ROLES, Role
from peerwell.core.widgets import LongSelect, time_zone_choices


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_confirmed:
            raise forms.ValidationError(
                _("Confirm your email address first: open the link we emailed you."),
                code="email_unconfirmed",
            )

    error_messages = {
        "invalid_login": _("That email and password do not match an account."),
        "inactive": _("This account is not active. Ask your program admin."),
    }


class OneTimeCodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")


class CurrentCodeForm(OneTimeCodeForm):
    token = forms.CharField(
        label=_("A current code"),
        max_length=16,
        help_text=_("From your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class EnrolmentCodeForm(forms.Form):
    current_token = forms.CharField(
        label=_("A code from the app you use now"),
        max_length=16,
        help_text=_(
            "To move two-step sign-in to a new phone, first prove you have the old one (or a recovery code)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    token = forms.CharField(
        label=_("Code from your app"),
        max_length=8,
        help_text=_("After adding Peerwell to your app, type the 6-digit code it shows."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def __init__(self, *args, replacing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not replacing:
            del self.fields["current_token"]

    def clean(self):
        return {key: value.strip().replace(" ", "") for key, value in super().clean().items()}


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=lambda: [("", _("Use my organization's time zone")), *time_zone_choices()],
        required=False,
        widget=LongSelect,
    )


class LanguageForm(forms.Form):
    """The language switcher of pages seen before signing in (base.html)."""

    language = forms.ChoiceField(label=_("Language"), choices=language_choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES]
    )


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                validate_password(
                    password, User(email=self.email, full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
            if password != data.get("password_again"):
                self.add_error("password_again", _("The two passwords differ."))
        return data


def _organization_field(name: str) -> forms.Field:
    """The form field of an Organization setting, with the model field's label, limits and
    validators (model validators are not carried over by formfield() on their own)."""
    field = Organization._meta.get_field(name)
    return field.formfield(label=capfirst(field.verbose_name), validators=field.validators)


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=200)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, widget=LongSelect
    )
    idle_timeout_minutes = forms.IntegerField(
        label=_("Idle timeout (minutes)"),
        min_value=2,
        max_value=240,
        help_text=_("People are signed out after this many minutes without activity."),
    )
    note_sign_business_days = forms.IntegerField(
        label=_("Business days to sign a goal note"),
        min_value=0,
        max_value=30,
        help_text=_("A note not signed this many business days after its contact shows as late."),
    )
    holiday_calendar = _organization_field("holiday_calendar")
    no_contact_alert_days = forms.IntegerField(
        label=_("Days without contact before a participant is flagged"), min_value=1, max_value=365
    )

    session_minutes = _organization_field("session_minutes")
    buffer_minutes = _organization_field("buffer_minutes")
    booking_notice_hours = _organization_field("booking_notice_hours")
    booking_horizon_days = _organization_field("booking_horizon_days")
    cancellation_window_hours = _organization_field("cancellation_window_hours")
    reminder_hours = _organization_field("reminder_hours")
    self_sign_up = _organization_field("self_sign_up")

    def clean_reminder_hours(self) -> str:
        return ",".join(
            str(hour) for hour in parse_reminder_hours(self.cleaned_data["reminder_hours"])
        )

    def clean_holiday_calendar(self) -> str:
        return self.cleaned_data["holiday_calendar"].strip().upper()


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=Membership.objects.none())
    specialists = forms.ModelMultipleChoiceField(
        label=_("Specialists"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            Membership.objects.in_org(organization).filter(is_active=True).select_related("user")
        )
        self.fields["supervisor"].queryset = members.filter(role=Role.SUPERVISOR)
        self.fields["specialists"].queryset = members.filter(role=Role.SPECIALIST)
