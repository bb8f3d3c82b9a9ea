"""Importers fed random text and mutated valid files fail only with clean, located TentaErrors."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from question_bank.errors import TentaError
from question_bank.formats.csv_rows import import_csv
from question_bank.formats.detect import import_file
from question_bank.formats.gift import import_gift
from question_bank.formats.seed_markdown import import_seed_markdown
from question_bank.formats.yaml_json import read_native
from question_bank.models import Bank
from tests.conftest import SEED_EXAM
from tests.question_bank.conftest import DATA_DIR

SPECIAL = [
    *"{}=~#:%\\/\n\n\t ,;\"'`-*<>[]().|&$_",
    "::",
    "####",
    "```",
    "->",
    "..",
    "1. ",
    "## 2. ",
    "<think>",
]
WORDS = [
    "Vad",
    "är",
    "dropout?",
    "Förklara",
    "id:",
    "title:",
    "questions:",
    "- ",
    "T",
    "FALSE",
    "question",
    "reference_answer",
    "%50%",
    "$CATEGORY:",
    "\ufeff",
    "1e999",
    "NaN",
]
TEXT = st.lists(st.sampled_from(SPECIAL + WORDS) | st.text(max_size=8), max_size=80).map("".join)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

IMPORTERS: dict[str, tuple[Callable[[Path], Bank], str]] = {
    "gift": (import_gift, ".gift"),
    "csv": (import_csv, ".csv"),
    "markdown": (import_seed_markdown, ".md"),
    "yaml": (read_native, ".yaml"),
    "json": (read_native, ".json"),
    "detect": (import_file, ".txt"),
}
WORK_DIR = Path(tempfile.mkdtemp(prefix="tenta-fuzz-"))


def _only_clean_errors(importer: Callable[[Path], Bank], suffix: str, content: str | bytes) -> None:
    path = WORK_DIR / f"input{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    try:
        importer(path)
    except TentaError as error:
        assert error.message.strip(), "an error must say something"
        assert "\n" not in error.message.split(" (+")[0].splitlines()[0]


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@FUZZ
@given(text=TEXT)
def test_random_text(name: str, text: str) -> None:
    importer, suffix = IMPORTERS[name]
    _only_clean_errors(importer, suffix, text.encode("utf-8", errors="replace"))


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes(name: str, data: bytes) -> None:
    importer, suffix = IMPORTERS[name]
    _only_clean_errors(importer, suffix, data)


def _valid_sources() -> list[tuple[str, str]]:
    sources = [
        ("gift", (DATA_DIR / "moodle_export_dl.gift.txt").read_text(encoding="utf-8")),
        ("gift", (DATA_DIR / "handwritten_en.gift").read_text(encoding="utf-8")),
        ("csv", (DATA_DIR / "rows_semicolon.csv").read_text(encoding="utf-8")),
    ]
    bank = import_file(DATA_DIR / "handwritten_en.gift")
    from question_bank.formats.yaml_json import dump_json, dump_yaml

    sources += [("yaml", dump_yaml(bank)), ("json", dump_json(bank))]
    if SEED_EXAM.exists():
        sources.append(("markdown", SEED_EXAM.read_text(encoding="utf-8")[:6000]))
    return sources


SOURCES = _valid_sources()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    name, text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)) :]
        elif action == "insert":
            text = text[:position] + draw(st.sampled_from(SPECIAL + WORDS)) + text[position:]
        else:
            text = text[:position] + text[position : position + 60] + text[position:]
    return name, text


@FUZZ
@given(case=mutated())
def test_mutated_valid_files(case: tuple[str, str]) -> None:
    name, text = case
    importer, suffix = IMPORTERS[name]
    _only_clean_errors(importer, suffix, text)
    _only_clean_errors(import_file, ".txt", text)
