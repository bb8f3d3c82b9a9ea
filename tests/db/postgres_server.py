"""A throwaway PostgreSQL server for the tests: initdb into a temp dir, pg_ctl start on a free port.

pytest-postgresql's own executor runs pg_ctl as the current user, which PostgreSQL refuses when that
user is root (as in CI containers); this fixture runs the server as the `postgres` system user then.
Without PostgreSQL binaries the tests skip with the reason, unless TENTA_REQUIRE_POSTGRES=1 makes that
a failure (set by .ci/run, so CI always exercises the real server).
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

REQUIRE_VARIABLE = "TENTA_REQUIRE_POSTGRES"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname=database, autocommit=True
        )

    def execute(self, sql: str) -> None:
        """Run server-level SQL (CREATE/DROP DATABASE) outside a transaction."""
        with self.connect() as connection:
            connection.execute(sql.encode())


def unavailable(reason: str) -> None:
    """Skip with a visible reason, or fail when the environment demands a real server."""
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"PostgreSQL required ({REQUIRE_VARIABLE}=1) but unavailable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


def find_bindir() -> Path | None:
    """The newest Debian-installed PostgreSQL, else whatever pg_ctl is on PATH."""

    def major(path: str) -> int:
        found = re.search(r"/postgresql/(\d+)/", path)
        return int(found.group(1)) if found else 0

    debian = sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")), key=major)
    if debian:
        return Path(debian[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], run_as: str | None, cwd: Path) -> None:
    result = subprocess.run(
        command,
        cwd=cwd,
        user=run_as,
        group=run_as,
        extra_groups=[] if run_as else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    )
    if result.returncode != 0:
        unavailable(f"{Path(command[0]).name} failed: {(result.stderr or result.stdout).strip()[-500:]}")


def start_postgres() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        unavailable("no pg_ctl found (install Debian's `postgresql` package)")
        return
    run_as: str | None = None
    as_root = os.geteuid() == 0
    # As root, the server runs as `postgres`, which must reach the directory: /tmp, not a private TMPDIR.
    base = Path(tempfile.mkdtemp(prefix="tenta-pg-", dir="/tmp" if as_root else None))
    if as_root:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base)
            unavailable("running as root and there is no `postgres` system user to run the server")
            return
        os.chown(base, account.pw_uid, account.pw_gid)
        run_as = "postgres"
    datadir, port = base / "data", _free_port()
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(datadir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            run_as,
            base,
        )
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir),
                "-l",
                str(base / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ],
            run_as,
            base,
        )
        yield PostgresServer(host="127.0.0.1", port=port, user="postgres")
    finally:
        if (datadir / "postmaster.pid").exists():
            subprocess.run(
                [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop"],
                cwd=base,
                user=run_as,
                group=run_as,
                extra_groups=[] if run_as else None,
                capture_output=True,
                check=False,
                timeout=60,
            )
        shutil.rmtree(base, ignore_errors=True)
