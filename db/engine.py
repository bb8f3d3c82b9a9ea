"""Engines for SQLite files and PostgreSQL servers, tuned so nothing a student types is ever lost.

SQLite runs in WAL mode (readers never block the writer), with foreign keys on, a 10 s busy timeout
and full fsync on commit. Write transactions start with BEGIN IMMEDIATE so two writers queue on the
lock instead of failing half-way with "database is locked" when a read transaction tries to upgrade.
Waiting for that lock polls every few milliseconds: SQLite's own busy handler backs off to 100 ms
sleeps, which lets a busy batch run starve the quiz app of the lock.

Switching a brand-new file to WAL writes its header in a rollback-journal transaction whose write lock is
taken as an upgrade of the read lock the pragma already holds; SQLite never calls the busy handler for
such an upgrade (it could deadlock), so a process whose switch lands while another process writes the
header gets "database is locked" at once, busy timeout or not. The switch is therefore tried again every
few milliseconds, for up to the busy timeout.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, make_url
from sqlalchemy import create_engine as sqlalchemy_create_engine
from sqlalchemy.engine import URL

BUSY_TIMEOUT_S = 10.0
LOCK_POLL_S = 0.002
WRITE_OPTION = "tenta_write"


def normalise_url(url: str) -> URL:
    """Parse `url`; a bare postgresql:// URL means psycopg 3, the driver tenta ships with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def describe_url(url: str | URL) -> str:
    """How a database is named in messages: the file path for SQLite, the URL without password otherwise."""
    parsed = normalise_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return str(Path(parsed.database))
    return parsed.render_as_string(hide_password=True)


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = normalise_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def create_engine_for(url: str) -> Engine:
    """An engine for `url`; connects lazily, so creating it never touches the database."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sqlalchemy_create_engine(parsed, pool_pre_ping=True)
    path = sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sqlalchemy_create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def write_engine(engine: Engine) -> Engine:
    """The same engine, marked so its transactions take the write lock up front (SQLite)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transaction control from the sqlite3 module: `_begin_sqlite_transaction` emits BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """PRAGMA journal_mode = WAL, polled while another process holds the lock to write the header of a
    new database (see the module docstring); the last try's error is raised after the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_lock_error(error) or time.monotonic() >= deadline:
                raise
            time.sleep(LOCK_POLL_S)


def _is_lock_error(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _begin_sqlite_transaction(connection: Connection) -> None:
    if not connection.get_execution_options().get(WRITE_OPTION, False):
        connection.exec_driver_sql("BEGIN")
        return
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection) and _poll_for_write_lock(driver):
        return
    # Last attempt through SQLAlchemy, with the full busy timeout: fails as a wrapped OperationalError.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _poll_for_write_lock(driver: sqlite3.Connection) -> bool:
    """Try BEGIN IMMEDIATE every few ms for up to the busy timeout; True once the lock is held."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    driver.execute("PRAGMA busy_timeout = 0")
    try:
        while time.monotonic() < deadline:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as error:
                if not _is_lock_error(error):
                    return False
                time.sleep(LOCK_POLL_S)
        return False
    finally:
        driver.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
