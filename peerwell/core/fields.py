from django.db import models

from peerwell.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored sealed with AES-GCM (see peerwell.core.crypto); read back as plain text.

    The database holds only ciphertext, so the column cannot be searched or ordered.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
