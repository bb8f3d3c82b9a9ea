"""tenta's GIFT and Moodle XML exports name the bank in their first comment ('Title (tenta bank id,
version v)'); reading that back keeps a bank's title, id and version through a round trip, while any other
comment leaves the title to the category Moodle exported or the file name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from question_bank.formats.detect import import_file
from question_bank.formats.gift import dump_gift
from question_bank.formats.moodle_xml import dump_moodle_xml
from question_bank.models import Bank
from tests.question_bank.conftest import sample_bank_data

TITLE = "DL101 (vecka 4): regularisering & <dropout>"
"""Parentheses, an ampersand and angle brackets: none may be cut or escaped on the way back."""


def _one_topic_bank() -> Bank:
    """A bank whose every question's first topic is 'Regularisering': exported, they share that category."""
    data = sample_bank_data("dl101-v4", version="3")
    data["title"] = TITLE
    for question in data["questions"]:
        question["topics"] = ["Regularisering", *question.get("topics", [])]
    return Bank.model_validate(data)


@pytest.mark.parametrize(("dump", "name"), [(dump_gift, "export.gift"), (dump_moodle_xml, "export.xml")])
def test_a_round_trip_keeps_the_title_id_and_version_of_a_bank_of_one_topic(
    dump: Callable[[Bank], str], name: str, tmp_path: Path
) -> None:
    """Before, the shared category 'Regularisering' titled the bank and the file name ('export') gave its
    id and the version was reset to 1."""
    bank = _one_topic_bank()
    path = tmp_path / name
    path.write_text(dump(bank), encoding="utf-8")
    again = import_file(path)
    assert (again.title, again.id, again.version) == (TITLE, "dl101-v4", "3")
    assert [question.topics[0] for question in again.questions] == ["Regularisering"] * 3


def _faltning_gift(tmp_path: Path, first_lines: str) -> Path:
    path = tmp_path / "questions-DL101-Faltning-20240512-0930.txt"
    path.write_text(
        f"{first_lines}\n\n"
        "$CATEGORY: $course$/top/Standard för DL101/Faltning\n\n"
        "::kanaler::Hur många kanaler har en RGB-bild? {#3}\n\n"
        "::pool::Vad kallas operationen som tar största värdet i ett fönster? {=max pooling}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "first_lines",
    [
        "// Frågor till omtentan (DL101, version 2)",  # a teacher's note that looks a little like tenta's
        "// Exporterad från tenta bank dl101, sedan redigerad i Moodle",
        "// DL101 (tenta bank dl 101, version 1)",  # not an id tenta writes
        "// Vecka 4\n// DL101 (tenta bank dl101, version 1)",  # tenta's form, but not the first line
        " // DL101 (tenta bank dl101, version 1)",  # not at the start of the line
    ],
)
def test_a_gift_comment_other_than_tentas_header_renames_nothing(tmp_path: Path, first_lines: str) -> None:
    bank = import_file(_faltning_gift(tmp_path, first_lines))
    assert (bank.title, bank.id) == ("Faltning", "questions-dl101-faltning-20240512-0930")


def test_a_gift_file_with_a_leading_comment_and_no_category_is_titled_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "dl_week_3.gift"
    path.write_text(
        "// Frågor till omtentan (DL101, version 2)\n\n::kanaler::Hur många kanaler har en RGB-bild? {#3}\n",
        encoding="utf-8",
    )
    bank = import_file(path)
    assert (bank.title, bank.id, bank.version) == ("dl week 3", "dl-week-3", "1")


_QUESTION = (
    '<question type="numerical"><name><text>kanaler</text></name>'
    '<questiontext format="plain"><text>Hur många kanaler har en RGB-bild?</text></questiontext>'
    '<answer fraction="100"><text>3</text></answer></question>'
)
_CATEGORY = (
    '<question type="category"><category><text>$course$/top/Standard för DL101/Faltning</text></category>'
    "</question>"
)


@pytest.mark.parametrize(
    "document",
    [
        # Moodle's own comment comes first; tenta's form later is a teacher's copy, not the file's header
        f"<quiz>\n<!-- question: 0  -->\n{_CATEGORY}\n<!-- DL101 (tenta bank dl101, version 1) -->\n"
        f"{_QUESTION}\n</quiz>",
        f"<!-- DL101 (tenta bank dl101, version 1) -->\n<quiz>\n{_CATEGORY}\n{_QUESTION}\n</quiz>",  # outside
        f"<quiz>\n<!-- Frågor till omtentan (DL101, version 2) -->\n{_CATEGORY}\n{_QUESTION}\n</quiz>",
    ],
)
def test_a_moodle_xml_comment_other_than_tentas_header_renames_nothing(tmp_path: Path, document: str) -> None:
    path = tmp_path / "questions-DL101-Faltning-20240512-0930.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{document}\n', encoding="utf-8")
    bank = import_file(path)
    assert (bank.title, bank.id) == ("Faltning", "questions-dl101-faltning-20240512-0930")


def test_double_dashes_in_the_names_leave_the_moodle_xml_well_formed_and_come_back(tmp_path: Path) -> None:
    """An XML comment may not hold '--': before, a title 'DL101 -- vecka 4' made an export that neither
    Moodle nor tenta could read ('not well-formed XML')."""
    data = {**sample_bank_data("dl101--v4", version="2024--2"), "title": "DL101 --- vecka 4"}
    path = tmp_path / "export.xml"
    path.write_text(dump_moodle_xml(Bank.model_validate(data)), encoding="utf-8")
    again = import_file(path)
    assert (again.title, again.id, again.version) == ("DL101 --- vecka 4", "dl101--v4", "2024--2")


def test_a_gift_round_trip_keeps_a_title_written_on_two_lines_as_one_line(tmp_path: Path) -> None:
    """A GIFT comment is one line: before, the title's second line fell outside it, the header no longer
    matched and the bank came back under the category's name."""
    data = _one_topic_bank().model_dump()
    data["title"] = "DL101\nvecka 4"
    path = tmp_path / "export.gift"
    path.write_text(dump_gift(Bank.model_validate(data)), encoding="utf-8")
    again = import_file(path)
    assert (again.title, again.id, again.version) == ("DL101 vecka 4", "dl101-v4", "3")
