"""Field encryption at rest: AES-256-GCM with key ids, so keys rotate without losing data.

PEERWELL_DATA_KEYS lists keys newest first as "kid:base64key,kid:base64key". New values are
sealed with the newest key; any listed key opens old ones. A stored value reads
"pw1:<kid>:<base64(nonce | ciphertext | tag)>"; the key id is bound into the tag as
associated data, so a value cannot be passed off as sealed by another key.
"""

import base64
import binascii
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "pw1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be opened: unknown key id, or the value was altered."""


@cache
def _keys(setting: str) -> tuple[tuple[str, AESGCM], ...]:
    keys = []
    for item in setting.split(","):
        kid, sep, encoded = item.strip().partition(":")
        if not sep or not kid or ":" in kid:
            raise ImproperlyConfigured("PEERWELL_DATA_KEYS entries look like kid:base64key")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ImproperlyConfigured(f"PEERWELL_DATA_KEYS key {kid} is not base64") from error
        if len(key) != 32:
            raise ImproperlyConfigured(f"PEERWELL_DATA_KEYS key {kid} must be 32 bytes")
        keys.append((kid, AESGCM(key)))
    if len({kid for kid, _ in keys}) != len(keys):
        raise ImproperlyConfigured("PEERWELL_DATA_KEYS has a key id twice")
    return tuple(keys)


def keys() -> tuple[tuple[str, AESGCM], ...]:
    return _keys(settings.PEERWELL_DATA_KEYS)


def current_key_id() -> str:
    return keys()[0][0]


def encrypt(plaintext: str) -> str:
    kid, aead = keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode(), kid.encode())
    return f"{PREFIX}:{kid}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str | None:
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(stored: str) -> str:
    kid = key_id_of(stored)
    aead = dict(keys()).get(kid) if kid else None
    if aead is None:
        raise DecryptionError(f"no key with id {kid!r} in PEERWELL_DATA_KEYS")
    raw = base64.b64decode(stored.split(":", 2)[2])
    try:
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], kid.encode()).decode()
    except InvalidTag as error:
        raise DecryptionError(f"a value sealed with key {kid} was altered") from error
