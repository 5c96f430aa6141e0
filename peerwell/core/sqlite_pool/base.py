"""Django's SQLite backend with a pool of open connections."""

import os
import sqlite3
import threading
import weakref

from django.db.backends.sqlite3 import base, creation

type FileIdentity = tuple[int, int] | None


def file_identity(name: str) -> FileIdentity:
    """The device and inode of the file `name` names now; None when there is none."""
    try:
        status = os.stat(name)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class ConnectionPool:
    """A process's idle connections to SQLite files, by the file's name and the connection's
    settings.

    Each connection is kept with the identity (device and inode) of the file it opened, so a
    database deleted and made again under the same name is never read through a connection
    to the old one (whose inode cannot be reused while the connection holds it open).
    """

    def __init__(self):
        self._idle: dict[tuple, list[tuple[sqlite3.Connection, FileIdentity]]] = {}
        self._lock = threading.Lock()

    def take(self, key: tuple, identity: FileIdentity) -> sqlite3.Connection | None:
        """The connection for `key` to the file of `identity` that was idle the shortest
        time (its pages are the likeliest still cached), or None. Connections to any other
        file under that name are closed."""
        with self._lock:
            idle = self._idle.get(key, [])
            stale = [connection for connection, opened in idle if opened != identity]
            idle[:] = [entry for entry in idle if entry[1] == identity]
            taken = idle.pop()[0] if idle else None
        for connection in stale:
            connection.close()
        return taken

    def give_back(
        self, key: tuple, connection: sqlite3.Connection, identity: FileIdentity, max_idle: int
    ) -> bool:
        """Keep `connection`, idle and outside any transaction, for the next `take`; False
        when `max_idle` are kept already, and the caller then closes it."""
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) >= max_idle:
                return False
            idle.append((connection, identity))
        return True

    def close_idle(self, name: str) -> None:
        """Close every idle connection to the file `name`, whatever its settings."""
        with self._lock:
            closing = [
                connection
                for key in [key for key in self._idle if key[0] == name]
                for connection, _ in self._idle.pop(key)
            ]
        for connection in closing:
            connection.close()


POOL = ConnectionPool()


class DatabaseCreation(creation.DatabaseCreation):
    """Test databases are copied and deleted with no idle connection left open to them:
    recent writes may be in the write-ahead log until the last connection closes."""

    def _clone_test_db(self, suffix, verbosity, keepdb=False):
        POOL.close_idle(str(self.connection.settings_dict["NAME"]))
        super()._clone_test_db(suffix, verbosity, keepdb)

    def _destroy_test_db(self, test_database_name, verbosity):
        POOL.close_idle(str(test_database_name))
        super()._destroy_test_db(test_database_name, verbosity)


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite that hands a closed connection back to the process's pool instead of closing
    it; OPTIONS "pool" says how many idle connections to keep per file (0: none).

    Under ASGI each request runs on a thread of its own, so Django cannot keep a connection
    from one request to the next: it opens one per request and closes it after. Opening cost
    about 2 ms of a booking of some 20 (the file opened, its schema read and parsed, Django's
    functions registered, a cold page cache). And when the closing connection was the last
    one to the file, SQLite checkpointed and deleted its write-ahead log, which the next
    connection built again. An idle connection in the pool keeps the log, yet holds no
    snapshot (no transaction and no statement of it is left running), so it never stops a
    checkpoint.

    A database in memory is not pooled, nor one named by a file: URI (which names no file
    that could be checked for being the same one).
    """

    creation_class = DatabaseCreation
    max_idle = 0

    def get_connection_params(self):
        params = super().get_connection_params()
        max_idle = params.pop("pool", 0)
        pooled = not self.is_in_memory_db() and not str(params["database"]).startswith("file:")
        self.max_idle = max_idle if pooled else 0
        return params

    def get_new_connection(self, conn_params):
        """An idle connection from the pool when there is one, else a new connection."""
        # Cursors still open when the connection is closed, to be closed before it is kept.
        self.open_cursors = weakref.WeakSet()
        if not self.max_idle:
            return super().get_new_connection(conn_params)
        name = str(conn_params["database"])
        # Connections opened with other settings (another alias's timeout or init command)
        # are never mixed.
        self.pool_key = (name, repr(sorted(conn_params.items())), tuple(self.init_commands))
        # Taken before opening: should the file be replaced in between, the identity is the
        # old file's, so the connection is closed at the end, not kept.
        self.file_identity = file_identity(name)
        if connection := POOL.take(self.pool_key, self.file_identity):
            return connection
        return super().get_new_connection(conn_params)

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if self.max_idle:
            self.open_cursors.add(cursor)
        return cursor

    def _close(self):
        """Hand the connection back to the pool when it can be kept, else close it."""
        connection = self.connection
        # Closed inside an atomic block, Django goes on referring to the connection until
        # the block ends: by then it must not be another thread's.
        if (
            connection is None
            or not self.max_idle
            or self.in_atomic_block
            or file_identity(self.pool_key[0]) != self.file_identity
        ):
            return super()._close()
        try:
            # An unfinished read (a half-read iterator) would hold its snapshot into the
            # next request and stop checkpoints; its cursor must not reach the connection.
            for cursor in list(self.open_cursors):
                cursor.close()
            if connection.in_transaction:
                connection.rollback()
            # Restore what get_new_connection sets: disabling constraint checking (as
            # migrations and loaddata do) turns it off.
            connection.execute("PRAGMA foreign_keys = ON")
            kept = POOL.give_back(self.pool_key, connection, self.file_identity, self.max_idle)
        except sqlite3.Error:
            kept = False
        return None if kept else super()._close()
