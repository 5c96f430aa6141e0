from django.db import models

from peerwell.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored sealed with AES-GCM (see peerwell.core.crypto); read back as plain text.

    Sealed only on the way into the database (saves, updates, bulk creates): lookups see the
    stored form, so `field__startswith="pw1:k2:"` finds values sealed with key k2 (key
    rotation uses that), and the text itself can be neither searched nor ordered.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
