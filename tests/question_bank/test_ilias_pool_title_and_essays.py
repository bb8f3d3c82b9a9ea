"""ILIAS question pool exports: the pool's title is the one ILIAS writes in `…_qpl.xml` beside the
questions (`…_qti.xml`), not the export's file name ('1700000000__0__qpl_4711'); an essay without a model
answer but with keywords for ILIAS's keyword scoring is imported with them as its rubric."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
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


ESSAYS = ILIAS / "essay_qti.xml"
"""Three ILIAS essays (TEXT QUESTION): keywords with points in `termscoring` (2 + 1 + 1, worth 4), an old
export's `keywords` without points (worth 2), and one with neither."""


def test_an_ilias_essays_keywords_become_its_rubric_and_reference_answer() -> None:
    """Each was refused as an essay without a model answer."""
    skipped: list[InputFileError] = []
    notes: list[str] = []

    scored, plain = import_file(ESSAYS, skipped=skipped, notes=notes).questions

    assert (scored.id, scored.max_points, [(point.text, point.weight) for point in scored.rubric]) == (
        "il_0_qst_105",
        4.0,
        [("Dropout", 0.5), ("Viktförfall", 0.25), ("Tidig stoppning", 0.25)],
    )
    assert scored.reference_answer == {"sv": "Dropout. Viktförfall. Tidig stoppning."}
    assert (plain.max_points, [(point.text, point.weight) for point in plain.rubric]) == (
        2.0,
        [("Bias", 0.5), ("Varians", 0.5)],
    )
    assert notes == [
        f"{ESSAYS}:5: item 'il_0_qst_105' (Regularisering): no model answer; its 3 ILIAS keywords (ILIAS "
        "scored them automatically: each keyword found adds its points) became the rubric points, weighted "
        "by their points, and the reference answer is made from them: check both before grading",
        f"{ESSAYS}:6: item 'il_0_qst_106' (Överanpassning): no model answer; its 2 ILIAS keywords (ILIAS "
        "scored them automatically: one keyword enough for the points) became the rubric points, weighted "
        "alike, and the reference answer is made from them: check both before grading",
    ]
    assert [(problem.line, problem.unsupported) for problem in skipped] == [(7, True)]
    assert "ILIAS essay has no model answer and no keywords to score by" in skipped[0].message


def test_an_ilias_essay_without_keywords_is_still_refused_naming_its_line() -> None:
    with pytest.raises(InputFileErrors) as raised:
        import_file(ESSAYS)

    (problem,) = raised.value.errors
    assert (problem.line, problem.field) == (7, "item 'il_0_qst_107' (Reflektion)")
