"""ILIAS question pool exports: the pool's title is the one ILIAS writes in `…_qpl.xml` beside the
questions (`…_qti.xml`), not the export's file name ('1700000000__0__qpl_4711')."""

from __future__ import annotations

import zipfile
from pathlib import Path

from question_bank.formats.common import title_from_path
from question_bank.formats.detect import import_file

ILIAS = Path(__file__).resolve().parents[1] / "data" / "ilias"
EXPORT = "1700000000__0__qpl_4711"


def test_a_zipped_pool_export_takes_its_title_from_the_pool_file(tmp_path: Path) -> None:
    """The zip ILIAS downloads: one folder named like the zip, holding `…_qpl.xml` and `…_qti.xml`."""
    package = tmp_path / f"{EXPORT}.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for suffix in ("_qpl.xml", "_qti.xml"):
            archive.write(ILIAS / f"{EXPORT}{suffix}", f"{EXPORT}/{EXPORT}{suffix}")

    bank = import_file(package)

    assert bank.title == "Djupinlärning: regularisering"
    assert [question.id for question in bank.questions] == ["il_0_qst_101", "il_0_qst_102"]


def test_an_unpacked_pool_export_takes_its_title_from_the_pool_file_beside_the_questions() -> None:
    assert import_file(ILIAS / f"{EXPORT}_qti.xml").title == "Djupinlärning: regularisering"


def test_without_a_pool_file_the_title_is_still_the_file_name(tmp_path: Path) -> None:
    alone = tmp_path / f"{EXPORT}_qti.xml"
    alone.write_bytes((ILIAS / f"{EXPORT}_qti.xml").read_bytes())

    assert import_file(alone).title == title_from_path(alone)
