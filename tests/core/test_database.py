"""The web process's hold on an SQLite file: the write-ahead log outlives each request's
connection, and checkpoints still finish."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from peerwell.core.database import hold_sqlite_open

INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
SQLITE = "django.db.backends.sqlite3"


@pytest.fixture
def database(tmp_path):
    # A name a file: URI must escape, as a deployment's folder may have.
    path = tmp_path / "peer well #1?%.sqlite3"
    with closing(sqlite3.connect(path)) as setup:
        setup.executescript(INIT + "CREATE TABLE contact (note TEXT);")
    return {"ENGINE": SQLITE, "NAME": str(path), "OPTIONS": {"init_command": INIT}}


def _one_request(path):
    """What a request does: its own connection, a write, and close."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.executescript(INIT)
        connection.execute("INSERT INTO contact VALUES ('met at the library')")


def _log(database):
    return Path(database["NAME"] + "-wal")


def test_without_a_hold_each_request_closes_the_last_connection_and_the_log_goes(database):
    _one_request(database["NAME"])

    assert not _log(database).exists()


def test_the_hold_keeps_the_log_between_requests_and_checkpoints_still_finish(database):
    hold = hold_sqlite_open(database)
    assert hold is not None
    try:
        for _ in range(3):
            _one_request(database["NAME"])
            assert _log(database).exists()
        with closing(sqlite3.connect(database["NAME"], timeout=0)) as checker:
            busy, _, _ = checker.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0  # the idle hold keeps no snapshot in the way
            assert checker.execute("SELECT count(*) FROM contact").fetchone() == (3,)
    finally:
        hold.close()


def test_nothing_is_held_for_other_databases_a_missing_file_or_one_that_is_not_sqlite(
    tmp_path,
):
    missing = tmp_path / "not-made-yet.sqlite3"
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("not a database, and long enough to be read as one" * 20)

    assert hold_sqlite_open({"ENGINE": "django.db.backends.postgresql", "NAME": "p"}) is None
    assert hold_sqlite_open({"ENGINE": SQLITE, "NAME": ":memory:"}) is None
    assert hold_sqlite_open({"ENGINE": SQLITE, "NAME": str(missing)}) is None
    assert not missing.exists()  # migrate makes the database, not the hold
    assert hold_sqlite_open({"ENGINE": SQLITE, "NAME": str(not_sqlite)}) is None
