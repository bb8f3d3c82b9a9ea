"""Engine set-up, URL handling and the one-line errors for databases that cannot be used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import create_engine_for, describe_url, normalise_url
from db.repository import open_repository
from question_bank.errors import TentaError


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'sub' / 'tenta.sqlite3'}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000, "synchronous": 2}
    finally:
        engine.dispose()


def test_creating_an_engine_touches_nothing(tmp_path: Path) -> None:
    create_engine_for(f"sqlite:///{tmp_path / 'lazy.sqlite3'}").dispose()
    assert not (tmp_path / "lazy.sqlite3").exists()


def test_importing_the_application_creates_no_engine() -> None:
    """Importing db and the app wiring must not create an engine (sqlalchemy.create_engine would exit 3)."""
    code = (
        "import sqlalchemy, sys\n"
        "def refuse(*args, **kwargs):\n"
        "    sys.exit(3)\n"
        "sqlalchemy.create_engine = refuse\n"
        "import db.engine, db.migrate, db.models, db.records, db.repository, quiz.context\n"
        "import quiz.cli.database, quiz.cli.history\n"
        "quiz.context.AppContext()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()


def test_postgres_urls_use_psycopg_3_and_hide_passwords() -> None:
    assert normalise_url("postgresql://u:secret@db.example/tenta").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/t").drivername == "postgresql+psycopg"
    assert "secret" not in describe_url("postgresql://u:secret@db.example/tenta")
    assert describe_url("sqlite:////var/tenta/tenta.sqlite3") == "/var/tenta/tenta.sqlite3"


def test_corrupt_database_file_gives_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tenta.sqlite3"
    path.write_bytes(b"this is not an sqlite database, just some bytes " * 100)
    with pytest.raises(TentaError) as raised:
        open_repository(f"sqlite:///{path}")
    assert raised.value.message.startswith(f"{path}: ") and "\n" not in raised.value.message
    assert "not a database" in raised.value.message


def test_unopenable_database_path_gives_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "is-a-directory"
    path.mkdir()
    with pytest.raises(TentaError) as raised:
        open_repository(f"sqlite:///{path}")
    assert raised.value.message.startswith(f"{path}: ") and "\n" not in raised.value.message


def test_unreachable_postgres_server_gives_one_line_without_password() -> None:
    with pytest.raises(TentaError) as raised:
        open_repository("postgresql://teacher:hunter2@127.0.0.1:1/tenta")
    message = raised.value.message
    assert "127.0.0.1:1/tenta" in message and "hunter2" not in message and "\n" not in message
