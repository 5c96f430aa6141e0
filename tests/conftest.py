import pytest

from peerwell.core.roles import Role
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is what production uses (tests/core/test_settings.py asserts it); here a fast
    # hasher keeps hundreds of sign-ins quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
