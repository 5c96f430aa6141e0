from django.db import models
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


class SpecialistProfile(OrgScoped):
    """What a peer specialist shares about themself: lived experience, languages, story."""

    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="specialist_profile"
    )
    lived_experience = models.JSONField(_("lived experience"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    story = models.TextField(_("my story, in my own words"), blank=True)
    notes_need_cosign = models.BooleanField(
        _("notes need a supervisor's co-signature"),
        default=False,
        help_text=_("For example while their certification is pending."),
    )

    def __str__(self) -> str:
        return str(self.membership)

    def lived_experience_labels(self) -> list[str]:
        labels = dict(LivedExperience.choices)
        return [str(labels.get(code, code)) for code in self.lived_experience]
