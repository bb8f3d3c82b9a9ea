"""A bank file handed over as a pipe, as the shell does for `tenta bank import <(unzip -p export.zip
res00001.dat)`: a pipe gives its text once, so the text read to tell the format is the text imported."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from question_bank.formats.detect import import_file
from question_bank.models import Bank
from tests.question_bank.conftest import DATA_DIR

BLACKBOARD6_POOL = DATA_DIR / "real6" / "blackboard6_pool.dat"
UPLOAD_LINES = (
    "MC\tWhich ocean is warmest?\tAtlantic\tincorrect\tIndian\tcorrect\tArctic\tincorrect\n"
    "TF\tThe Moon has a thick atmosphere.\tfalse\n"
    "ESS\tExplain why the sky is blue.\tSunlight scatters off air molecules; blue scatters most.\n"
)

pytestmark = pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd (Linux, macOS)")


@contextmanager
def _piped(content: bytes) -> Iterator[Path]:
    """`content` behind a pipe's /dev/fd path, its writer closed: the first read gets it, any later one
    nothing (the pipe buffer holds 64 KiB, more than these files)."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, content)
        os.close(write_end)
        yield Path(f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)


def _questions(bank: Bank) -> list[dict[str, object]]:
    return [question.model_dump() for question in bank.questions]


def test_a_piped_blackboard_pool_is_imported_from_the_text_read_to_tell_its_format() -> None:
    """Was: the pool check read the pipe again, found it empty, and the QTI reader, reading it a third
    time, refused it ('not well-formed XML (no element found)')."""
    with _piped(BLACKBOARD6_POOL.read_bytes()) as path:
        bank = import_file(path, notes=[])
    from_file = import_file(BLACKBOARD6_POOL, notes=[])
    assert bank.title == from_file.title == "exam 3 2008-9"
    assert _questions(bank) == _questions(from_file) and len(bank.questions) == 8


def test_a_piped_blackboard_upload_file_is_imported_from_the_text_read_to_tell_its_format(
    tmp_path: Path,
) -> None:
    """Was: the upload check read the pipe again and found it empty, and the CSV reader refused it ('no
    header row naming the question and reference_answer columns …')."""
    written = tmp_path / "upload.txt"
    written.write_text(UPLOAD_LINES, encoding="utf-8")
    with _piped(UPLOAD_LINES.encode()) as path:
        bank = import_file(path)
    assert _questions(bank) == _questions(import_file(written))
    assert [question.prompt_in("en") for question in bank.questions][1] == "The Moon has a thick atmosphere."
