"""Field encryption: AES-GCM with key ids; old keys still open old values."""

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from peerwell.core import crypto

K1 = "k1:" + base64.b64encode(b"1" * 32).decode()
K2 = "k2:" + base64.b64encode(b"2" * 32).decode()


def test_round_trip_and_no_plaintext_stored(settings):
    settings.PEERWELL_DATA_KEYS = K1
    sealed = crypto.encrypt("We practiced the 5-4-3-2-1 grounding exercise.")
    assert sealed.startswith("pw1:k1:")
    assert "grounding" not in sealed
    assert crypto.decrypt(sealed) == "We practiced the 5-4-3-2-1 grounding exercise."
    assert crypto.encrypt("same") != crypto.encrypt("same")  # a fresh nonce each time


def test_a_new_key_seals_new_values_and_old_ones_still_open(settings):
    settings.PEERWELL_DATA_KEYS = K1
    old = crypto.encrypt("before rotation")
    settings.PEERWELL_DATA_KEYS = f"{K2},{K1}"
    assert crypto.current_key_id() == "k2"
    assert crypto.key_id_of(crypto.encrypt("after")) == "k2"
    assert crypto.decrypt(old) == "before rotation"


def test_altered_or_unknown_values_refuse_to_open(settings):
    settings.PEERWELL_DATA_KEYS = K1
    sealed = crypto.encrypt("text")
    raw = bytearray(base64.b64decode(sealed.split(":", 2)[2]))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError, match="altered"):
        crypto.decrypt("pw1:k1:" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(crypto.DecryptionError, match="k9"):
        crypto.decrypt(sealed.replace("pw1:k1:", "pw1:k9:"))
    settings.PEERWELL_DATA_KEYS = K2
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed)


def test_the_key_id_is_bound_to_the_value(settings):
    # Same key bytes under two ids: a value sealed as k1 must not open when relabelled k2.
    same = base64.b64encode(b"1" * 32).decode()
    settings.PEERWELL_DATA_KEYS = f"k1:{same},k2:{same}"
    sealed = crypto.encrypt("text")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed.replace("pw1:k1:", "pw1:k2:"))


@pytest.mark.parametrize(
    "setting",
    ["nokey", "k1:not-base64!", "k1:" + base64.b64encode(b"short").decode(), f"{K1},{K1}"],
)
def test_bad_key_settings_are_refused(settings, setting):
    settings.PEERWELL_DATA_KEYS = setting
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("text")
