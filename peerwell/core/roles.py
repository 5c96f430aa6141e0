from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPECIALIST = "specialist", _("Peer specialist")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Program admin")
    AUDITOR = "auditor", _("Auditor")


# Roles that see other people's personal data, and so must pass a second factor first.
STAFF_ROLES = frozenset({Role.SPECIALIST, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR})
