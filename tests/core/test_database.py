"""The SQLite pool: a closed connection is kept open for the next, and only when nothing of
its transaction and nothing of another file can leak through it."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.db.utils import ConnectionHandler

INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"


def _make(path: Path):
    with closing(sqlite3.connect(path)) as setup:
        setup.executescript(INIT + "CREATE TABLE contact (note TEXT);")


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path, timeout=0)) as reader:
        return reader.execute("SELECT count(*) FROM contact").fetchone()[0]


@pytest.fixture
def database(tmp_path):
    # A name a file: URI would have to escape, as a deployment's folder may have.
    path = tmp_path / "peer well #1?%.sqlite3"
    _make(path)
    return path


@pytest.fixture
def wrappers(django_db_blocker):
    """Django connections to test databases, each as a request's own (one per alias)."""
    added = []

    def make(path, pool=2, aliases=("pool_one",)):
        database = {
            "ENGINE": "peerwell.core.sqlite_pool",
            "NAME": str(path),
            "OPTIONS": {"pool": pool, "init_command": INIT},
        }
        # Django's defaults filled in as for any configured database.
        configured = ConnectionHandler().configure_settings({"default": database})["default"]
        for alias in aliases:
            connections.settings[alias] = {**configured, "OPTIONS": dict(database["OPTIONS"])}
            added.append(alias)
        return [connections[alias] for alias in aliases]

    with django_db_blocker.unblock():
        yield make
    for alias in added:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _insert(wrapper, note="met at the library"):
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO contact VALUES (%s)", [note])


def test_a_closed_connection_is_kept_with_the_log_and_checkpoints_still_finish(database, wrappers):
    first, second = wrappers(database, aliases=("pool_first", "pool_second"))
    first.ensure_connection()
    raw = first.connection
    _insert(first)
    first.close()

    second.ensure_connection()
    assert second.connection is raw  # the same open connection, not a new one
    _insert(second)
    second.close()
    assert Path(f"{database}-wal").exists()  # kept by the idle connection in the pool
    with closing(sqlite3.connect(database, timeout=0)) as checker:
        busy, _, _ = checker.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0  # the idle connection keeps no snapshot in the way
    assert _count(database) == 2


def test_the_pool_keeps_no_more_idle_connections_than_its_size(database, wrappers):
    first, second = wrappers(database, pool=1, aliases=("pool_first", "pool_second"))
    first.ensure_connection()
    second.ensure_connection()
    kept, surplus = first.connection, second.connection
    first.close()
    second.close()

    assert kept.execute("SELECT count(*) FROM contact").fetchone() == (0,)
    with pytest.raises(sqlite3.ProgrammingError):
        surplus.execute("SELECT 1")


def test_a_connection_closed_inside_an_atomic_block_is_closed_and_its_write_undone(
    database, wrappers
):
    (wrapper,) = wrappers(database)
    with transaction.atomic(using=wrapper.alias):
        _insert(wrapper)
        raw = wrapper.connection
        wrapper.close()

    with pytest.raises(sqlite3.ProgrammingError):
        raw.execute("SELECT 1")
    assert _count(database) == 0


def test_a_transaction_left_open_is_rolled_back_before_the_connection_is_kept(database, wrappers):
    first, second = wrappers(database, aliases=("pool_first", "pool_second"))
    first.ensure_connection()
    first.connection.execute("BEGIN")
    _insert(first)
    first.close()

    second.ensure_connection()
    assert not second.connection.in_transaction
    assert _count(database) == 0


def test_a_connection_is_kept_with_its_foreign_keys_checked_again(database, wrappers):
    first, second = wrappers(database, aliases=("pool_first", "pool_second"))
    first.ensure_connection()
    first.disable_constraint_checking()
    first.close()

    second.ensure_connection()
    assert second.connection.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_a_database_made_again_under_the_same_name_is_never_read_through_the_old_one(
    database, wrappers
):
    first, second = wrappers(database, aliases=("pool_first", "pool_second"))
    _insert(first)
    old = first.connection
    first.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    _make(database)

    with second.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contact")
        assert cursor.fetchone() == (0,)
    assert second.connection is not old
    with pytest.raises(sqlite3.ProgrammingError):
        old.execute("SELECT 1")  # closed when it was found stale


@pytest.mark.parametrize("name", [":memory:", "file:notes?mode=memory&cache=shared"])
def test_nothing_in_memory_or_named_by_a_uri_is_pooled(name, wrappers):
    first, second = wrappers(name, aliases=("pool_first", "pool_second"))
    first.ensure_connection()
    raw = first.connection
    first.close()
    second.ensure_connection()

    assert second.connection is not raw


def test_a_pool_of_size_0_closes_each_connection(database, wrappers):
    (wrapper,) = wrappers(database, pool=0)
    wrapper.ensure_connection()
    raw = wrapper.connection
    wrapper.close()

    with pytest.raises(sqlite3.ProgrammingError):
        raw.execute("SELECT 1")
    assert not Path(f"{database}-wal").exists()  # the last connection took the log with it
