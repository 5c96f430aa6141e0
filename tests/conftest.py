from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

from peerwell.core.roles import Role
from tests import factories

LOCALE = Path(__file__).resolve().parents[1] / "peerwell" / "locale"


def pytest_sessionstart(session):
    """Remove a SQLite test database with its -wal and -shm files before the run makes it
    anew. Django deletes only the database, and a server process of an earlier run (killed
    with it) may still hold the other two: SQLite refuses to open a new database beside them
    ("disk I/O error"). With --reuse-db only leftovers of a database already gone go."""
    name = django_settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if not name or (session.config.getoption("reuse_db", False) and Path(name).exists()):
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is what production uses (tests/core/test_settings.py asserts it); here a fast
    # hasher keeps hundreds of sign-ins quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A signed-in person's language is activated for their request and stays active in the
    # thread; the next test's own gettext calls should not find Spanish left over.
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def compiled_catalogs():
    """Pages in Spanish need the compiled catalogs, build output of `make messages`."""
    for po in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.fail(f"{mo} is missing or older than its .po: run `make messages`")


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache is the process's memory in tests and outlives each test's rolled-back
    # database, whose ids the next test may reuse.
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org(db):
    return factories.organization(name="Riverside Peer Program")


@pytest.fixture
def other_org(db):
    return factories.organization(name="Hillcrest Recovery Center")


@pytest.fixture
def people(org):
    """One member of each role in `org`."""
    return {role: factories.member(org, role) for role in Role}


@pytest.fixture
def outsiders(other_org):
    """One member of each role in another organization."""
    return {role: factories.member(other_org, role) for role in Role}
