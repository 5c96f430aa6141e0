"""The languages Peerwell's pages come in (settings.LANGUAGES)."""

from django.conf import settings
from django.utils.translation import get_language_info


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("English", "Español").

    A person looks for the name of their own language, whatever language the page is in.
    """
    return [
        (code, get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]
