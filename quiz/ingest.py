"""Course material → database chunks → faiss index; the bundled course notes are ingested on first run.

The database is the source of truth (documents and chunk texts); the faiss index in
settings.index_dir is derived from it and rebuilt whenever it is missing or was built with another model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from question_bank.errors import TentaError

if TYPE_CHECKING:
    from grading.retrieval import CourseIndex
    from quiz.context import AppContext


@dataclass(frozen=True)
class IngestResult:
    documents: int
    chunks: int
    index_size: int


def ingest_paths(ctx: AppContext, paths: Sequence[Path]) -> IngestResult:
    """Store each file's chunks in the database (unchanged files are skipped) and rebuild the index."""
    from grading.retrieval import chunk_markdown, content_hash, material_files, read_document

    files = material_files(paths)
    texts = [read_document(file) for file in files]  # every file read before any is stored
    ctx.embedder  # noqa: B018 - a missing or broken model fails here, before anything is stored
    chunk_count = 0
    for file, text in zip(files, texts, strict=True):
        chunks = chunk_markdown(text, source=file.name)
        chunk_count += len(chunks)
        ctx.repository.register_document(
            str(file.resolve()), content_hash(text), [(chunk.position, chunk.text) for chunk in chunks]
        )
    index = rebuild_course_index(ctx)
    return IngestResult(documents=len(files), chunks=chunk_count, index_size=len(index))


def rebuild_course_index(ctx: AppContext) -> CourseIndex:
    """Build the faiss index from every chunk in the database and save it; the context picks it up."""
    from grading.retrieval import Chunk, CourseIndex

    chunks = [
        Chunk(source=Path(row.path).name, position=row.position, text=row.text)
        for row in ctx.repository.document_chunks()
    ]
    index = CourseIndex.build(chunks, ctx.embedder)
    index.save(ctx.settings.index_dir)
    ctx.use_course_index(index)
    return index


def ensure_course_index(ctx: AppContext) -> CourseIndex | None:
    """The saved index; else rebuilt from the database; else the default bank's bundled notes ingested."""
    from grading.retrieval import CourseIndex

    existing = CourseIndex.load_if_present(ctx.settings.index_dir, ctx.embedder)
    if existing is not None:
        return existing
    if ctx.repository.document_chunks():
        return rebuild_course_index(ctx)
    try:
        notes = ctx.catalog.notes_dir(ctx.settings.default_bank)
    except (KeyError, TentaError):
        notes = None
    if notes is None:
        return None
    ingest_paths(ctx, [notes])
    return ctx.course_index
