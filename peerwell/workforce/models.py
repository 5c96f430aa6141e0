from datetime import date
from functools import cache

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from peerwell.accounts.models import Membership
from peerwell.core.models import OrgScoped


class LivedExperience(models.TextChoices):
    """Shared experiences a participant may look for in a peer (matching builds on these)."""

    MENTAL_HEALTH = "mental_health", _("Mental health recovery")
    SUBSTANCE_USE = "substance_use", _("Substance use recovery")
    CO_OCCURRING = "co_occurring", _("Co-occurring recovery")
    VETERAN = "veteran", _("Veteran")
    PARENT = "parent", _("Parent")
    LGBTQ = "lgbtq", _("LGBTQ+")
    FAITH = "faith", _("Faith-based recovery")
    SECULAR = "secular", _("Secular recovery")
    JUSTICE = "justice", _("Justice involvement")
    HOUSING = "housing", _("Homelessness")
    YOUTH = "youth", _("Young adult")
    BIPOC = "bipoc", _("Black, Indigenous or person of color")
    IMMIGRANT = "immigrant", _("Immigrant or refugee")


class SupportArea(models.TextChoices):
    """What a participant wants support with, and what a specialist specializes in."""

    RECOVERY = "recovery", _("Staying on my recovery path")
    WELLBEING = "wellbeing", _("Mental health and wellbeing")
    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work or school")
    FAMILY = "family", _("Relationships and family")
    CONNECTION = "connection", _("Loneliness and connection")
    REENTRY = "reentry", _("Coming home from jail or prison")
    SERVICES = "services", _("Finding and using services")


class Modality(models.TextChoices):
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class TimeOfDay(models.TextChoices):
    """Parts of the day, in the participant's own time zone (hours in matching.rules)."""

    MORNING = "morning", _("Mornings")
    AFTERNOON = "afternoon", _("Afternoons")
    EVENING = "evening", _("Evenings")


class PeerGender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NONBINARY = "nonbinary", _("Non-binary")


class AgeRange(models.TextChoices):
    UNDER_30 = "under_30", _("Under 30")
    FROM_30_TO_50 = "30_50", _("30 to 50")
    OVER_50 = "over_50", _("Over 50")


class SpecialistProfile(OrgScoped):
    """What a peer specialist shares about themself: lived experience, languages, story."""

    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="specialist_profile"
    )
    lived_experience = models.JSONField(_("lived experience"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    story = models.TextField(_("my story, in my own words"), blank=True)
    photo = models.FileField(_("photo"), upload_to="specialist-photos/", blank=True)
    specializations = models.JSONField(_("specializations"), default=list, blank=True)
    modalities = models.JSONField(_("ways I meet"), default=list, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=PeerGender.choices, blank=True)
    age_range = models.CharField(
        _("age range"), max_length=20, choices=AgeRange.choices, blank=True
    )
    accepting_new = models.BooleanField(_("accepting new participants"), default=True)
    caseload_capacity = models.PositiveSmallIntegerField(
        _("caseload capacity"),
        default=25,
        validators=[MaxValueValidator(200)],
        help_text=_("Not offered to new participants once this many are on the caseload."),
    )
    notes_need_cosign = models.BooleanField(
        _("notes need a supervisor's co-signature"),
        default=False,
        help_text=_("For example while their certification is pending."),
    )

    def __str__(self) -> str:
        return str(self.membership)

    def lived_experience_labels(self) -> list[str]:
        return labels_of(LivedExperience, self.lived_experience)

    def modality_labels(self) -> list[str]:
        return labels_of(Modality, self.modalities)


def labels_of(choices: type[models.TextChoices], codes: list[str]) -> list[str]:
    labels = _labels_in(choices, get_language())
    return [labels.get(code, code) for code in codes]


@cache
def _labels_in(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    """The choices' labels translated once per language, not once per profile shown."""
    return {code: str(label) for code, label in choices.choices}


class Certification(OrgScoped):
    """A peer certification (for example a state's Certified Peer Specialist credential).

    A specialist is offered in the directory only while one is verified and unexpired.
    """

    specialist = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="certifications"
    )
    name = models.CharField(_("credential"), max_length=120)
    issuer = models.CharField(_("issued by"), max_length=120)
    number = models.CharField(_("credential number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    verified_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["specialist", "expires_on"], name="certification_current")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("issued_on")),
                name="certification_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_current(self, on: date) -> bool:
        return self.verified_at is not None and self.issued_on <= on <= self.expires_on
