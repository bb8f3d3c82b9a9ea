"""faiss indexes: course material chunks (rubric evidence, feedback) and graded answers (nearest neighbours).

Vectors are unit length, so inner product is cosine. Indexes are saved as a faiss file plus JSON
metadata (never pickle) that records the model id; an index built with another model is refused,
because its vectors would be meaningless to the current one. Both can always be rebuilt from the
database, which keeps the chunk texts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Protocol, runtime_checkable

import faiss
import numpy as np
from pydantic import BaseModel, ConfigDict

from grading.models import Passage
from grading.text import clean
from grading.tokens import TokenStack, TokenStates
from question_bank.errors import InputFileError, TentaError
from question_bank.formats.common import file_errors, read_text

IVF_THRESHOLD = 50_000
"""Past this many chunks a flat index gets slow to search per key point; an IVF index takes over."""
_NO_TOKENS = np.zeros(0, dtype=np.int32)
CHUNK_MIN_WORDS = 80
CHUNK_MAX_WORDS = 200
INDEX_FILE = "course.faiss"
META_FILE = "course.json"


class TextEncoder(Protocol):
    """What grading needs from a sentence model (grading.embedder.Embedder satisfies it)."""

    model_id: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class TokenTextEncoder(TextEncoder, Protocol):
    """A sentence model that also hands out its token states (from the same forward pass)."""

    def encode_with_tokens(
        self, texts: Sequence[str], *, remember: bool = True
    ) -> tuple[np.ndarray, list[TokenStates]]:
        """Vectors and token states; `remember=False` keeps token states out of the on-disk cache
        (answers: ~75 KB each, worth keeping only for references and prompts)."""
        ...


class Chunk(BaseModel):
    """A piece of course material of ~80-200 words, cut on heading and paragraph boundaries."""

    model_config = ConfigDict(frozen=True)

    source: str
    position: int
    text: str


def chunk_markdown(text: str, source: str) -> list[Chunk]:
    """Cut Markdown or plain text into chunks; each chunk starts with the heading it belongs to."""
    text = re.sub(r"<think>.*?</think>", " ", text, flags=re.DOTALL)
    heading = ""
    pieces: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            body = " ".join(current)
            pieces.append(f"{heading}: {body}" if heading and not body.startswith(heading) else body)
            current.clear()

    for raw_block in re.split(r"\n\s*\n", clean(text)):
        block = raw_block.strip()
        if not block:
            continue
        if re.match(r"^#{1,6}\s", block) and "\n" not in block:
            flush()
            heading = block.lstrip("#").strip()
            continue
        words = " ".join(block.split())
        if current and _word_count(current) + len(words.split()) > CHUNK_MAX_WORDS:
            flush()
        current.append(words)
        if _word_count(current) >= CHUNK_MIN_WORDS:
            flush()
    flush()
    chunks: list[str] = []
    for piece in pieces:
        tokens = piece.split()
        for start in range(0, len(tokens), CHUNK_MAX_WORDS):
            chunks.append(" ".join(tokens[start : start + CHUNK_MAX_WORDS]))
    return [Chunk(source=source, position=index, text=chunk) for index, chunk in enumerate(chunks)]


def _word_count(parts: Sequence[str]) -> int:
    return sum(len(part.split()) for part in parts)


def read_document(path: Path) -> str:
    """The text of a Markdown, text or PDF file (PDF through pypdf); a file with no text is an error, so
    a scanned PDF or an empty file is not ingested as if it were course material."""
    pdf = path.suffix.lower() == ".pdf"
    text = _read_pdf(path) if pdf else read_text(path, windows_encodings=True)
    if not text.strip():
        hint = " (a scanned PDF holds only images: run OCR on it first)" if pdf else ""
        raise InputFileError(path, f"has no text to ingest{hint}")
    return text


def _read_pdf(path: Path) -> str:
    """A PDF's text; pypdf's warnings about damage stay out of the terminal, its errors become one line."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        with file_errors(path):
            reader = PdfReader(str(path))
            return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except FileNotDecryptedError as error:
        raise InputFileError(path, "the PDF is password-protected; ingest a copy saved without it") from error
    except InputFileError:
        raise
    except Exception as error:  # pypdf raises its own error family (and ValueError, KeyError) for damage
        raise InputFileError(path, f"not a readable PDF (damaged or cut short?): {error}") from error
    finally:
        pypdf_logger.setLevel(level)


MATERIAL_SUFFIXES = (".md", ".markdown", ".txt", ".pdf")


def material_files(paths: Iterable[Path]) -> list[Path]:
    """The Markdown, text and PDF files named, folders searched recursively; unknown paths are an error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MATERIAL_SUFFIXES)
            )
        elif path.is_file():
            if path.suffix.lower() not in MATERIAL_SUFFIXES:
                raise TentaError(f"{path}: not course material (use Markdown, .txt or PDF)")
            files.append(path)
        else:
            raise TentaError(f"{path}: no such file or folder")
    return files


def chunks_for_file(path: Path) -> list[Chunk]:
    return chunk_markdown(read_document(path), source=path.name)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _new_index(vectors: np.ndarray) -> faiss.Index:
    dimension = vectors.shape[1]
    if len(vectors) <= IVF_THRESHOLD:
        flat = faiss.IndexFlatIP(dimension)
        flat.add(vectors)
        return flat
    lists = int(4 * np.sqrt(len(vectors)))
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors)
    ivf.nprobe = 16
    ivf.add(vectors)
    return ivf


class CourseIndex:
    """Course material chunks with their vectors, searchable by text or vector."""

    def __init__(self, chunks: Sequence[Chunk], index: faiss.Index, embedder: TextEncoder) -> None:
        self.chunks = list(chunks)
        self._index = index
        self._embedder = embedder
        self.model_id = embedder.model_id

    @classmethod
    def build(cls, chunks: Sequence[Chunk], embedder: TextEncoder) -> CourseIndex:
        vectors = np.ascontiguousarray(embedder.encode([chunk.text for chunk in chunks]), dtype=np.float32)
        if not len(vectors):
            vectors = np.zeros((0, embedder.dimension), dtype=np.float32)
        return cls(chunks, _new_index(vectors), embedder)

    def __len__(self) -> int:
        return len(self.chunks)

    def save(self, directory: Path) -> None:
        """Write the faiss file and the JSON metadata (chunks, model id) next to each other."""
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(directory / INDEX_FILE))
        meta = {
            "model_id": self.model_id,
            "dimension": self._embedder.dimension,
            "chunks": [chunk.model_dump() for chunk in self.chunks],
        }
        tmp = directory / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        tmp.replace(directory / META_FILE)

    @classmethod
    def load_if_present(cls, directory: Path, embedder: TextEncoder) -> CourseIndex | None:
        """The saved index, or None when nothing was ingested yet or it was built with another model."""
        meta_path, index_path = directory / META_FILE, directory / INDEX_FILE
        if not meta_path.exists() or not index_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise TentaError(
                f"{meta_path}: damaged index metadata ({error}); run `tenta ingest --rebuild`"
            ) from error
        if meta.get("model_id") != embedder.model_id:
            return None
        index = faiss.read_index(str(index_path))
        chunks = [Chunk.model_validate(item) for item in meta.get("chunks", [])]
        if index.ntotal != len(chunks):
            raise TentaError(f"{index_path}: index and metadata disagree; run `tenta ingest --rebuild`")
        return cls(chunks, index, embedder)

    def search(self, query: str | np.ndarray, k: int = 3) -> list[Passage]:
        """The k chunks most similar to a text or a unit vector, best first."""
        if not self.chunks or k <= 0:
            return []
        vector = self._embedder.encode([query]) if isinstance(query, str) else np.asarray(query, np.float32)
        scores, ids = self._index.search(np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), k)
        return [
            Passage(source=self.chunks[i].source, text=self.chunks[i].text, score=float(score))
            for score, i in zip(scores[0], ids[0], strict=True)
            if i >= 0
        ]

    def search_many(self, vectors: np.ndarray, k: int = 1) -> list[list[Passage]]:
        """Best passages for several unit vectors at once (one faiss call)."""
        if not self.chunks or not len(vectors):
            return [[] for _ in range(len(vectors))]
        scores, ids = self._index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)
        return [
            [
                Passage(source=self.chunks[i].source, text=self.chunks[i].text, score=float(score))
                for score, i in zip(row_scores, row_ids, strict=True)
                if i >= 0
            ]
            for row_scores, row_ids in zip(scores, ids, strict=True)
        ]


class GradedAnswerIndex:
    """Human-graded answers to one question, for nearest-neighbour evidence."""

    def __init__(
        self,
        vectors: np.ndarray,
        fractions: Sequence[float],
        words: Sequence[frozenset[str]] = (),
        tokens: Sequence[TokenStates] = (),
    ) -> None:
        self.fractions = np.asarray(fractions, dtype=np.float32)
        self.words = tuple(words)
        self.tokens = tuple(tokens)
        """Token states of the graded answers (when the model gives them), for token-level votes."""
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        passed = self.fractions >= 0.5
        self.prototypes = (_prototype(vectors[passed]), _prototype(vectors[~passed]))
        """Unit mean vector of the correct (at least half marks) and of the wrong graded answers (None
        when the question has none of that kind): what a right and a wrong answer look like on average."""

    def __len__(self) -> int:
        return len(self.fractions)

    def neighbours(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Similarities and human fractions of the k nearest graded answers, nearest first."""
        k = min(k, len(self.fractions))
        scores, ids = self._index.search(np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], self.fractions[ids[0][keep]]

    def lexical_vote(self, answer_words: set[str]) -> float:
        """Human fractions averaged with weight (word overlap with the answer)², over all graded answers."""
        if not self.words:
            return float(self.fractions.mean())
        overlap = np.array(
            [len(answer_words & other) / (len(answer_words | other) or 1) for other in self.words]
        )
        weights = overlap**2 + 1e-6
        return float(weights @ self.fractions / weights.sum())

    @cached_property
    def _token_stack(self) -> TokenStack:
        """The graded answers' tokens stacked once, on first use (with no question tokens to demote)."""
        return TokenStack.of(self.tokens, _NO_TOKENS)

    def token_agreement(self, answer: TokenStates, floor: float) -> np.ndarray:
        """Token-alignment F1 of the answer with every graded answer (both ways, rarity weighted)."""
        return self._token_stack.align(answer, floor).f1


def _prototype(vectors: np.ndarray) -> np.ndarray | None:
    if not len(vectors):
        return None
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None
