from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerwell.core.business_days import validate_holiday_calendar


class Organization(models.Model):
    """The tenant: a peer support program. No data of one is ever shown to another."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Los_Angeles")
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        _("idle timeout (minutes)"),
        default=15,
        validators=[MinValueValidator(2), MaxValueValidator(240)],
        help_text=_("Signed-in people are signed out after this many minutes without activity."),
    )
    note_sign_business_days = models.PositiveSmallIntegerField(
        _("business days to sign a note"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text=_("A goal note not signed this many business days after its contact is late."),
    )
    holiday_calendar = models.CharField(
        _("public holidays"),
        max_length=12,
        blank=True,
        default="US",
        validators=[validate_holiday_calendar],
        help_text=_(
            "Country code, optionally with a state or province (US, US-NY, CA-ON), whose "
            "public holidays are not business days. Leave empty to count weekends only."
        ),
    )
    no_contact_alert_days = models.PositiveSmallIntegerField(
        _("days without contact before a participant is flagged"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrgScopedQuerySet(models.QuerySet):
    def in_org(self, organization):
        return self.filter(organization=organization)


class OrgScoped(models.Model):
    """Base of every model holding personal data: each row belongs to one organization.

    Reads go through `Model.objects.in_org(org)` or the policy module's `access_*`
    functions, never a bare `.get(pk=...)` with an id from a request.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        abstract = True
