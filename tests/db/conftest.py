"""Database fixtures: every repository test runs against a fresh SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.models import Base
from db.repository import Repository, open_repository
from question_bank.models import Bank
from tests.db.banks import sample_bank
from tests.db.postgres_server import PostgresServer, start_postgres

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from start_postgres()


@pytest.fixture(scope="session")
def postgres_migrated_url(postgres_server: PostgresServer) -> str:
    """One migrated database shared by the repository tests; emptied after each test."""
    postgres_server.execute('CREATE DATABASE "tenta_shared"')
    url = postgres_server.url("tenta_shared")
    open_repository(url).close()
    return url


def _new_postgres_database(server: PostgresServer) -> Iterator[str]:
    name = f"tenta_{uuid.uuid4().hex[:12]}"
    server.execute(f'CREATE DATABASE "{name}"')
    yield server.url(name)
    server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a database with the current schema and no rows."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tenta.sqlite3'}"
        return
    url: str = request.getfixturevalue("postgres_migrated_url")
    yield url
    server: PostgresServer = request.getfixturevalue("postgres_server")
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with server.connect("tenta_shared") as connection:
        connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE".encode())


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a database that has never been migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tenta.sqlite3'}"
        return
    yield from _new_postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def repo(database_url: str) -> Iterator[Repository]:
    repository = open_repository(database_url)
    yield repository
    repository.close()


@pytest.fixture
def bank() -> Bank:
    return sample_bank()
