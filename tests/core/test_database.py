"""The SQLite pool: a closed connection is kept open for the next, and only when nothing of
its transaction, of an unfinished read or of another file can reach the next through it."""

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from django.db import ProgrammingError, close_old_connections, connections, transaction
from django.db.utils import ConnectionHandler

from peerwell.core.sqlite_pool.base import POOL

INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"


def _make(path: Path, rows: int = 0):
    with closing(sqlite3.connect(path)) as setup:
        setup.executescript(INIT + "CREATE TABLE contact (note TEXT);")
        setup.executemany("INSERT INTO contact VALUES (?)", [("seen",)] * rows)
        setup.commit()


def _count(path: Path) -> int:
    with closing(sqlite3.connect(path, timeout=0)) as reader:
        return reader.execute("SELECT count(*) FROM contact").fetchone()[0]


def _closed(raw: sqlite3.Connection) -> bool:
    try:
        raw.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "peerwell.sqlite3"
    _make(path)
    return path


@pytest.fixture
def wrappers(django_db_blocker):
    """Django connections to test databases, each as a request's own (one per alias)."""
    added, names = [], set()

    def make(name, pool=2, aliases=("pool_first", "pool_second")):
        database = {
            "ENGINE": "peerwell.core.sqlite_pool",
            "NAME": str(name),
            "OPTIONS": {"pool": pool, "init_command": INIT},
        }
        # Django's defaults filled in as for any configured database.
        configured = ConnectionHandler().configure_settings({"default": database})["default"]
        for alias in aliases:
            connections.settings[alias] = {**configured, "OPTIONS": dict(database["OPTIONS"])}
            added.append(alias)
        names.add(str(name))
        return [connections[alias] for alias in aliases]

    with django_db_blocker.unblock():
        yield make
    for alias in added:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
    for name in names:
        POOL.close_idle(name)


def _insert(wrapper, note="met at the library"):
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO contact VALUES (%s)", [note])


def test_a_closed_connection_is_kept_with_the_log_and_checkpoints_still_finish(database, wrappers):
    first, second = wrappers(database)
    _insert(first)
    raw = first.connection
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


def test_requests_on_threads_of_their_own_share_one_connection(database, wrappers):
    """As under ASGI: each request on a new thread, closing its connection as it ends."""
    (first,) = wrappers(database, aliases=("pool_request",))
    first.ensure_connection()
    raw = first.connection
    first.close()
    used = []

    def request():
        connection = connections["pool_request"]  # this thread's own Django connection
        _insert(connection)
        used.append(connection.connection)
        close_old_connections()  # what Django does as a request ends

    for _ in range(3):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()

    assert used == [raw, raw, raw]
    assert _count(database) == 3


def test_the_pool_keeps_no_more_idle_connections_than_its_size(database, wrappers):
    first, second = wrappers(database, pool=1)
    first.ensure_connection()
    second.ensure_connection()
    kept, surplus = first.connection, second.connection
    first.close()
    second.close()

    assert not _closed(kept)
    assert _closed(surplus)


def test_a_connection_closed_inside_an_atomic_block_is_closed_and_its_write_undone(
    database, wrappers
):
    (wrapper,) = wrappers(database, aliases=("pool_one",))
    with transaction.atomic(using=wrapper.alias):
        _insert(wrapper)
        raw = wrapper.connection
        wrapper.close()

    assert _closed(raw)
    assert _count(database) == 0


def test_a_transaction_left_open_is_rolled_back_before_the_connection_is_kept(database, wrappers):
    first, second = wrappers(database)
    first.ensure_connection()
    raw = first.connection
    raw.execute("BEGIN")
    _insert(first)
    first.close()

    second.ensure_connection()
    assert second.connection is raw
    assert not raw.in_transaction
    assert _count(database) == 0


def test_an_unfinished_read_is_ended_before_the_connection_is_kept(tmp_path, wrappers):
    path = tmp_path / "contacts.sqlite3"
    _make(path, rows=500)
    first, second = wrappers(path)
    first.ensure_connection()
    raw = first.connection
    cursor = first.cursor()
    cursor.execute("SELECT note FROM contact")
    cursor.fetchone()  # a read left part way, as an abandoned iterator leaves it
    first.close()
    with closing(sqlite3.connect(path, isolation_level=None)) as writer:
        writer.execute("INSERT INTO contact VALUES ('written since')")

    with second.cursor() as reading:
        assert second.connection is raw
        reading.execute("SELECT count(*) FROM contact")
        assert reading.fetchone() == (501,)  # today's rows, not the old read's snapshot
    with closing(sqlite3.connect(path, timeout=0)) as checker:
        assert checker.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    with pytest.raises(ProgrammingError):
        cursor.fetchone()  # the old cursor no longer reaches the connection


def test_a_connection_is_kept_with_its_foreign_keys_checked_again(database, wrappers):
    first, second = wrappers(database)
    first.ensure_connection()
    first.disable_constraint_checking()
    first.close()

    second.ensure_connection()
    assert second.connection.execute("PRAGMA foreign_keys").fetchone() == (1,)


def _remake(path: Path):
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _make(path)


def test_a_database_made_again_is_never_read_through_a_kept_connection_to_the_old(
    database, wrappers
):
    first, second = wrappers(database)
    _insert(first)
    old = first.connection
    first.close()
    _remake(database)

    with second.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contact")
        assert cursor.fetchone() == (0,)
    assert second.connection is not old
    assert _closed(old)  # closed when it was found stale


def test_a_database_made_again_while_a_connection_is_in_use_never_gets_it_back(database, wrappers):
    first, second = wrappers(database)
    _insert(first)
    old = first.connection
    _remake(database)
    first.close()

    assert _closed(old)
    second.ensure_connection()
    assert second.connection is not old


def test_nothing_named_by_a_uri_and_no_pool_of_size_0_is_kept(database, tmp_path, wrappers):
    (by_uri,) = wrappers(f"{database.as_uri()}?mode=rw", aliases=("pool_uri",))
    (unpooled,) = wrappers(database, pool=0, aliases=("pool_none",))
    for wrapper in (by_uri, unpooled):
        wrapper.ensure_connection()
        raw = wrapper.connection
        wrapper.close()
        assert _closed(raw)
    assert not Path(f"{database}-wal").exists()  # the last connection took the log with it


def test_a_test_database_is_cloned_with_the_writes_its_kept_connections_hold(database, wrappers):
    (wrapper,) = wrappers(database, aliases=("pool_one",))
    _insert(wrapper)
    wrapper.close()
    assert Path(f"{database}-wal").stat().st_size > 0  # the write is in the log, not the file

    wrapper.creation._clone_test_db("1", verbosity=0)
    clone = Path(wrapper.creation.get_test_db_clone_settings("1")["NAME"])

    assert _count(clone) == 1
