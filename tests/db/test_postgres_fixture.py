"""The PostgreSQL fixture skips visibly without binaries, and fails instead when CI demands a real server."""

from __future__ import annotations

import pytest

from tests.db import postgres_server


def test_missing_binaries_skip_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres_server, "find_bindir", lambda: None)
    monkeypatch.delenv(postgres_server.REQUIRE_VARIABLE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL unavailable: no pg_ctl found"):
        next(postgres_server.start_postgres())


def test_missing_binaries_fail_when_postgres_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres_server, "find_bindir", lambda: None)
    monkeypatch.setenv(postgres_server.REQUIRE_VARIABLE, "1")
    with pytest.raises(pytest.fail.Exception, match="TENTA_REQUIRE_POSTGRES=1"):
        next(postgres_server.start_postgres())
