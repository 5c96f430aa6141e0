"""What moves the directory's candidates on: a change to anything they are built from."""

from django.db.models.signals import post_delete, post_save

from peerwell.matching import candidates

# The records the candidates are built from (each has its organization). Weekly hours are
# saved in bulk by scheduling, which calls candidates.changed itself.
SOURCES = (
    "workforce.SpecialistProfile",
    "workforce.Certification",
    "accounts.Membership",
    "participants.Assignment",
)
NAME_FIELDS = {"full_name", "preferred_name"}


def _record_changed(sender, instance, **kwargs):
    candidates.changed(instance.organization_id)


def _account_changed(sender, instance, update_fields=None, **kwargs):
    # A renamed account renames the peer in every directory they are in. Signing in saves
    # the account too (last_login only): that changes nothing here.
    if update_fields is not None and not NAME_FIELDS & set(update_fields):
        return
    for organization_id in instance.memberships.values_list("organization_id", flat=True):
        candidates.changed(organization_id)


def connect() -> None:
    for sender in SOURCES:
        post_save.connect(_record_changed, sender=sender)
        post_delete.connect(_record_changed, sender=sender)
    post_save.connect(_account_changed, sender="accounts.User")
