"""Processes that open one brand-new SQLite database at the same moment all get it, migrated.

Switching a new file to WAL writes its header in a short rollback-journal transaction. SQLite takes that
write lock as an upgrade of the read lock the pragma already holds, and to avoid deadlocks it never calls
the busy handler for such an upgrade: a second process whose `PRAGMA journal_mode = WAL` lands while the
first one writes the header got "database is locked" at once, busy timeout or not (seen once in CI under
load). The openers here are real processes (forked from a server that imported tenta once, so eight of
them start in milliseconds on two cores) released together by a barrier.

That header write takes well under a millisecond, so a race left to chance rarely hits it: before the
fix, 8 processes released together failed in 1 of 35 rounds when they only connected, and in none of 50
rounds of open and migrate (20 of them with both cores kept busy). So a stand-in for the first opener
holds the lock it holds while writing the header, long enough for every opener to reach the switch.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections.abc import Callable, Iterator
from multiprocessing.context import ForkServerContext
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import create_engine_for
from db.migrate import head_revision
from db.repository import open_repository

OPENERS = 8
ROUNDS = 3
HEADER_WRITE_S = 1.5
"""How long the stand-in for another process holds the new file's write lock while it writes the header."""


@pytest.fixture(scope="module")
def forkserver() -> Iterator[ForkServerContext]:
    """Children forked from a server that imported tenta once, so they start as fast as the real race."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["db.repository", "tests.db.test_open_race"])
    yield context


def open_at_barrier(url: str, barrier: Barrier, outcomes: Queue[str]) -> None:
    """A tenta process: wait for the others, then open (create and migrate) the database; report how."""
    barrier.wait()
    try:
        open_repository(url).close()
    except Exception as error:  # the outcome goes to the test, which fails on it
        outcomes.put(f"{type(error).__name__}: {error}".splitlines()[0])
        return
    outcomes.put("opened")


def open_together(
    context: ForkServerContext, url: str, meanwhile: Callable[[], object] = lambda: None
) -> list[str]:
    """OPENERS processes open `url` at once; `meanwhile` runs as they start; their outcomes."""
    barrier = context.Barrier(OPENERS + 1)
    outcomes = context.Queue()
    openers = [context.Process(target=open_at_barrier, args=(url, barrier, outcomes)) for _ in range(OPENERS)]
    for opener in openers:
        opener.start()
    barrier.wait(timeout=60)
    meanwhile()
    results = [outcomes.get(timeout=60) for _ in openers]
    for opener in openers:
        opener.join(timeout=60)
    return results


def assert_migrated(url: str) -> None:
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == head_revision()
            )
    finally:
        engine.dispose()


def open_while_the_header_is_written(context: ForkServerContext, path: Path) -> list[str]:
    """The openers' outcomes while a stand-in for the first opener holds the new file's write lock, as
    that opener does while it writes the WAL header, released HEADER_WRITE_S after they started."""
    first_opener = sqlite3.connect(path, isolation_level=None)

    def write_the_header() -> None:
        time.sleep(HEADER_WRITE_S)
        first_opener.execute("ROLLBACK")

    try:
        first_opener.execute("BEGIN IMMEDIATE")
        return open_together(context, f"sqlite:///{path}", write_the_header)
    finally:
        first_opener.close()


@pytest.mark.slow
def test_processes_opening_a_new_database_while_its_header_is_written_wait_for_it(
    forkserver: ForkServerContext, tmp_path: Path
) -> None:
    """Before the fix every opener failed at once with "database is locked" at the WAL switch."""
    for round_number in range(ROUNDS):
        path = tmp_path / f"round{round_number}.sqlite3"
        outcomes = open_while_the_header_is_written(forkserver, path)
        assert [outcome for outcome in outcomes if outcome != "opened"] == [], f"round {round_number}"
        assert_migrated(f"sqlite:///{path}")
