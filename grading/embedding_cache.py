"""An on-disk cache of sentence vectors (and token states), so re-grading and re-indexing never
re-run the model.

Vectors live in one SQLite file (stdlib sqlite3, WAL mode: many readers, one writer at a time,
across processes) as raw little-endian float32 BLOBs keyed by the model id and the SHA-256 of the
text. Nothing is pickled, so a cache file handed over by someone else can only ever yield numbers.
The cache is an optimisation: if the file cannot be opened or is damaged, tenta warns once and
carries on without it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from grading.tokens import TokenStates

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model_id TEXT NOT NULL,
    text_sha256 BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, text_sha256)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
    model_id TEXT NOT NULL,
    text_sha256 BLOB NOT NULL,
    ids BLOB NOT NULL,
    vectors BLOB NOT NULL,
    weights BLOB NOT NULL,
    PRIMARY KEY (model_id, text_sha256)
) WITHOUT ROWID;
"""

_LOOKUP_CHUNK = 500
_FLOAT32 = np.dtype("<f4")
_FLOAT16 = np.dtype("<f2")
_INT32 = np.dtype("<i4")


def text_key(text: str) -> bytes:
    """The cache key of a text: SHA-256 of its UTF-8 bytes (surrogates escaped rather than rejected)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class EmbeddingCache:
    """Vectors by (model id, text hash) in an SQLite file; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._disabled = False
        self.hits = 0
        self.misses = 0

    def get_many(self, model_id: str, texts: Iterable[str], *, dimension: int) -> dict[str, np.ndarray]:
        """Cached vectors of the texts found; missing texts and damaged entries are simply absent."""
        found: dict[str, np.ndarray] = {}
        for text, (blob,) in self._select("vectors", ("vector",), model_id, texts):
            vector = _decode(blob, dimension)
            if vector is not None:
                found[text] = vector
        return found

    def put_many(self, model_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store vectors; an existing entry for the same text and model is kept (it is identical)."""
        rows = [
            (model_id, text_key(text), np.ascontiguousarray(vector, dtype=_FLOAT32).tobytes())
            for text, vector in vectors.items()
        ]
        self._insert("vectors", ("vector",), rows)

    def get_tokens(self, model_id: str, texts: Iterable[str], *, dimension: int) -> dict[str, TokenStates]:
        """Cached token states of the texts found (vectors kept as float16: alignment needs no more)."""
        found: dict[str, TokenStates] = {}
        for text, (ids, vectors, weights) in self._select(
            "tokens", ("ids", "vectors", "weights"), model_id, texts
        ):
            states = _decode_tokens(ids, vectors, weights, dimension)
            if states is not None:
                found[text] = states
        return found

    def put_tokens(self, model_id: str, states: Mapping[str, TokenStates]) -> None:
        rows = [
            (
                model_id,
                text_key(text),
                np.ascontiguousarray(item.ids, dtype=_INT32).tobytes(),
                np.ascontiguousarray(item.vectors, dtype=_FLOAT16).tobytes(),
                np.ascontiguousarray(item.weights, dtype=_FLOAT16).tobytes(),
            )
            for text, item in states.items()
        ]
        self._insert("tokens", ("ids", "vectors", "weights"), rows)

    def _select(
        self, table: str, columns: tuple[str, ...], model_id: str, texts: Iterable[str]
    ) -> list[tuple[str, tuple[bytes, ...]]]:
        """(text, stored columns) of the texts found in a table; counts hits and misses."""
        by_key = {text_key(text): text for text in texts}
        keys = list(by_key)
        found: list[tuple[str, tuple[bytes, ...]]] = []
        with self._lock:
            connection = self._open()
            if connection is None:
                self.misses += len(keys)
                return found
            try:
                for start in range(0, len(keys), _LOOKUP_CHUNK):
                    chunk = keys[start : start + _LOOKUP_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    query = (
                        f"SELECT text_sha256, {', '.join(columns)} FROM {table} "
                        f"WHERE model_id = ? AND text_sha256 IN ({marks})"
                    )
                    for key, *values in connection.execute(query, [model_id, *chunk]):
                        found.append((by_key[bytes(key)], tuple(values)))
            except sqlite3.Error as error:
                self._give_up(error)
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def _insert(self, table: str, columns: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> None:
        if not rows:
            return
        marks = ", ".join("?" * (len(columns) + 2))
        names = ", ".join(("model_id", "text_sha256", *columns))
        statement = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})"
        with self._lock:
            connection = self._open()
            if connection is None:
                return
            try:
                with connection:
                    connection.executemany(statement, rows)
            except sqlite3.Error as error:
                self._give_up(error)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _open(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._connection is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.executescript(_SCHEMA)
                connection.commit()
            except (OSError, sqlite3.Error) as error:
                self._give_up(error)
                return None
            self._connection = connection
        return self._connection

    def _give_up(self, error: Exception) -> None:
        logger.warning("embedding cache %s disabled: %s", self.path, error)
        self._disabled = True
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def vector_counts(path: Path) -> dict[str, int]:
    """How many vectors each model has in a cache file (read-only; raises sqlite3.Error if unreadable)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT model_id, COUNT(*) FROM vectors GROUP BY model_id ORDER BY 1")
        return {str(model_id): int(count) for model_id, count in rows}
    finally:
        connection.close()


def _decode(blob: bytes, dimension: int) -> np.ndarray | None:
    """A stored vector, or None for a damaged entry (wrong length, not finite) so it is recomputed."""
    if len(blob) != dimension * _FLOAT32.itemsize:
        return None
    vector = np.frombuffer(blob, dtype=_FLOAT32).astype(np.float32)
    if not np.all(np.isfinite(vector)):
        return None
    return vector


def _decode_tokens(ids: bytes, vectors: bytes, weights: bytes, dimension: int) -> TokenStates | None:
    """Stored token states, or None for a damaged entry (inconsistent lengths, not finite)."""
    count = len(ids) // _INT32.itemsize
    if len(ids) % _INT32.itemsize or len(vectors) != count * dimension * _FLOAT16.itemsize:
        return None
    if len(weights) != count * _FLOAT16.itemsize:
        return None
    matrix = np.frombuffer(vectors, dtype=_FLOAT16).astype(np.float32).reshape(count, dimension)
    weight = np.frombuffer(weights, dtype=_FLOAT16).astype(np.float32)
    if not (np.all(np.isfinite(matrix)) and np.all(np.isfinite(weight))):
        return None
    return TokenStates(np.frombuffer(ids, dtype=_INT32).astype(np.int32), matrix, weight)
