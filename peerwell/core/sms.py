"""Text messages behind one interface, like Django's email backends.

`PEERWELL_SMS_BACKEND` names the backend class. The file backend (development and tests)
writes each message to a file under `PEERWELL_SMS_DIR`; production names a provider's
backend, and until one is set the disabled backend refuses to send, so nothing is dropped
without a trace.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string


class FileBackend:
    def send(self, to: str, body: str) -> None:
        directory = Path(settings.PEERWELL_SMS_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.txt"
        (directory / name).write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")


class DisabledBackend:
    def send(self, to: str, body: str) -> None:
        raise ImproperlyConfigured("No SMS provider is configured (PEERWELL_SMS_BACKEND).")


def send_sms(to: str, body: str) -> None:
    import_string(settings.PEERWELL_SMS_BACKEND)().send(to, body)
