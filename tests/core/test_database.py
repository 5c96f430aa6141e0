"""The web process's hold on an SQLite file: the write-ahead log outlives each request's
connection, and checkpoints still finish."""

import sqlite3
from pathlib import Path

import pytest

from peerwell.core.database import hold_sqlite_open

INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "peerwell.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.executescript(INIT + "CREATE TABLE contact (note TEXT);")
    setup.close()
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"init_command": INIT},
    }


def _one_request(path):
    """What a request does: its own connection, a write, and close."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(INIT)
    connection.execute("INSERT INTO contact VALUES ('met at the library')")
    connection.close()


def _log(database):
    return database["NAME"] + "-wal"


def test_without_a_hold_each_request_closes_the_last_connection_and_the_log_goes(database):
    _one_request(database["NAME"])

    assert not Path(_log(database)).exists()


def test_the_hold_keeps_the_log_between_requests_and_checkpoints_still_finish(database):
    hold = hold_sqlite_open(database)
    try:
        for _ in range(3):
            _one_request(database["NAME"])
            assert Path(_log(database)).exists()
        checker = sqlite3.connect(database["NAME"])
        busy, _, _ = checker.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0  # the idle hold keeps no snapshot in the way
        assert checker.execute("SELECT count(*) FROM contact").fetchone() == (3,)
        checker.close()
    finally:
        hold.close()


def test_nothing_is_held_for_other_databases_or_a_missing_file(tmp_path):
    missing = tmp_path / "not-made-yet.sqlite3"

    assert hold_sqlite_open({"ENGINE": "django.db.backends.postgresql", "NAME": "peerwell"}) is None
    assert hold_sqlite_open({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}) is None
    assert hold_sqlite_open({"ENGINE": "django.db.backends.sqlite3", "NAME": str(missing)}) is None
    assert not missing.exists()  # migrate makes the database, not the hold
