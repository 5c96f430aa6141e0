from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from peerwell.audit.services import audit_record
from peerwell.core import crypto
from peerwell.core.fields import EncryptedTextField

BATCH = 500


def encrypted_fields() -> list[tuple[type, list[str]]]:
    """Every model with encrypted text, and those fields."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def stale(model, field: str, kid: str):
    """Rows whose field is sealed with another key than `kid` (the stored text is compared)."""
    return (
        model._base_manager.exclude(**{field: ""})
        .exclude(**{f"{field}__isnull": True})
        .exclude(**{f"{field}__startswith": f"{crypto.PREFIX}:{kid}:"})
    )


class Command(BaseCommand):
    help = (
        "Field encryption keys. `keys rotate` re-encrypts every encrypted field with the newest "
        "key in PEERWELL_DATA_KEYS, in small transactions: stop it at any time and run it again."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("rotate", help="re-encrypt with the newest key")
        sub.add_parser("status", help="count values per key id")

    def handle(self, *args, subcommand, **options):
        kid = crypto.current_key_id()
        if subcommand == "status":
            for model, fields in encrypted_fields():
                for field in fields:
                    count = stale(model, field, kid).count()
                    self.stdout.write(f"{model._meta.label}.{field}: {count} not on key {kid}")
            return
        total = 0
        try:
            for model, fields in encrypted_fields():
                for field in fields:
                    total += self._rotate(model, field, kid)
        except crypto.DecryptionError as error:
            raise CommandError(
                f"{error}. Keep every old key in PEERWELL_DATA_KEYS (after the new one) until "
                "rotation has finished; what was rotated so far stays rotated."
            ) from error
        audit_record(action="keys.rotated", detail={"key": kid, "values": total})
        self.stdout.write(self.style.SUCCESS(f"{total} values now sealed with key {kid}"))

    def _rotate(self, model, field: str, kid: str) -> int:
        done = 0
        label = f"{model._meta.label}.{field}"
        remaining = stale(model, field, kid).count()
        while True:
            with transaction.atomic():
                # Reading opens the value with its old key; update() seals it with the newest.
                rows = list(
                    stale(model, field, kid)
                    .select_for_update()
                    .order_by("pk")[:BATCH]
                    .values_list("pk", field)
                )
                for pk, plaintext in rows:
                    model._base_manager.filter(pk=pk).update(**{field: plaintext})
            if not rows:
                return done
            done += len(rows)
            self.stdout.write(f"{label}: {done}/{remaining}")
