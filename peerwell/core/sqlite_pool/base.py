"""Django's SQLite backend with a pool of open connections."""

import os
import sqlite3
import threading

from django.db.backends.sqlite3 import base


class ConnectionPool:
    """A process's idle connections to SQLite files, by the file's name.

    Each connection is kept with the identity (device and inode) of the file it opened, so a
    database deleted and made again under the same name is never read through a connection
    to the old one.
    """

    def __init__(self):
        self._idle: dict[str, list[tuple[sqlite3.Connection, tuple[int, int]]]] = {}
        self._lock = threading.Lock()

    def take(self, name: str) -> sqlite3.Connection | None:
        """The connection to the file `name` names now that was idle the shortest time (its
        pages are the likeliest still cached), or None."""
        identity = _identity(name)
        with self._lock:
            idle = self._idle.get(name, [])
            stale = [connection for connection, opened in idle if opened != identity]
            idle[:] = [entry for entry in idle if entry[1] == identity]
            taken = idle.pop()[0] if idle else None
        for connection in stale:
            connection.close()
        return taken

    def give_back(self, name: str, connection: sqlite3.Connection, max_idle: int) -> bool:
        """Keep `connection`, idle and outside any transaction, for the next `take`; False
        when `max_idle` are kept already or the file is gone (the caller then closes it)."""
        identity = _identity(name)
        if identity is None:
            return False
        with self._lock:
            idle = self._idle.setdefault(name, [])
            if len(idle) >= max_idle:
                return False
            idle.append((connection, identity))
        return True


def _identity(name: str) -> tuple[int, int] | None:
    try:
        status = os.stat(name)
    except OSError:
        return None
    return status.st_dev, status.st_ino


POOL = ConnectionPool()


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite that hands a closed connection back to the process's pool instead of closing
    it; OPTIONS "pool" says how many idle connections to keep per file (0: none).

    Under ASGI each request runs on a thread of its own, so Django cannot keep a connection
    from one request to the next: it opens one per request and closes it after. Opening cost
    about 2 ms of a booking of some 20 (the file opened, its schema read and parsed, Django's
    functions registered, a cold page cache). And when the closing connection was the last
    one to the file, SQLite checkpointed and deleted its write-ahead log, which the next
    connection built again. An idle connection in the pool keeps the log, yet holds no
    snapshot (it is outside any transaction), so it never stops a checkpoint.

    A database in memory or named by a file: URI is not pooled.
    """

    max_idle = 0

    def get_connection_params(self):
        params = super().get_connection_params()
        max_idle = params.pop("pool", 0)
        pooled = not self.is_in_memory_db() and not str(params["database"]).startswith("file:")
        self.max_idle = max_idle if pooled else 0
        return params

    def get_new_connection(self, conn_params):
        if self.max_idle and (connection := POOL.take(str(conn_params["database"]))):
            return connection
        return super().get_new_connection(conn_params)

    def _close(self):
        connection = self.connection
        # Closed inside an atomic block, Django goes on referring to the connection until
        # the block ends: by then it must not be another thread's.
        if connection is None or not self.max_idle or self.in_atomic_block:
            return super()._close()
        try:
            if connection.in_transaction:
                connection.rollback()
            # As get_new_connection leaves a connection, should anything have turned it off.
            connection.execute("PRAGMA foreign_keys = ON")
            kept = POOL.give_back(str(self.settings_dict["NAME"]), connection, self.max_idle)
        except sqlite3.Error:
            kept = False
        if not kept:
            return super()._close()
        return None
