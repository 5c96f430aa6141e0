"""The directory's candidates, kept in the cache.

Building them reads every offered specialist, their profile and caseload, and turns their
weekly hours into the viewer's zone: most of a directory page's time. They change rarely
(a profile, a certification, hours, a caseload), so they are kept per organization,
viewer's zone and the program's day (certifications lapse by the program's calendar, not
the viewer's), under a version of the organization's directory that any such change moves
on (`changed`, called on save and delete of those records). With a shared cache (Redis,
as in production) every process sees the new version at once; with a cache of each
process's own, another process may show the old candidates for up to CACHE_SECONDS.
Booking asks the rules again under locks, so a stale directory cannot book a peer who is
no longer offered.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from peerwell.core.models import Organization
from peerwell.matching.rules import Candidate

CACHE_SECONDS = 60


def _version_key(organization_id: int) -> str:
    return f"directory:version:{organization_id}"


def _kept[T](organization: Organization, name: str, build: Callable[[], T]) -> T:
    """`name` of the organization's directory at its current version and date, from the
    cache, or built by `build` and kept."""
    version = cache.get_or_set(_version_key(organization.pk), 0, timeout=None)
    key = f"directory:{organization.pk}:{version}:{organization.today()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def cached(
    organization: Organization, viewer_zone: str, build: Callable[[], list[Candidate]]
) -> list[Candidate]:
    """The candidates of the organization's directory for a viewer in `viewer_zone`."""
    return _kept(organization, f"candidates:{viewer_zone}", build)


def offered_ids(organization: Organization, build: Callable[[], frozenset[int]]) -> frozenset[int]:
    """The ids of the specialists the organization's directory offers to new participants."""
    return _kept(organization, "offered", build)


def forget(organization_id: int) -> None:
    """Move the organization's directory to a new version: the next view builds afresh."""
    try:
        cache.incr(_version_key(organization_id))
    except ValueError:  # no version kept yet (or evicted): nothing cached to forget
        cache.set(_version_key(organization_id), 1, timeout=None)


def changed(organization_id: int) -> None:
    """Something the candidates are built from changed: forget them now, and again once
    the change commits (a view in between would keep the old ones under the new version)."""
    forget(organization_id)
    transaction.on_commit(lambda: forget(organization_id))
