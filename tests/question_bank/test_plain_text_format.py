"""Plain text stays plain: a question imported from a format without Markdown (Aiken, GIFT, CSV, Moodle XML
in plain_text, moodle_auto_format or html) is marked text_format 'plain', so the app shows its '2*3*4' as
written; Markdown sources (tenta's YAML, GIFT [markdown], Moodle's format="markdown", the bundled course)
stay 'markdown'. The mark survives tenta's own YAML/JSON, GIFT and Moodle XML exports, and changes no
question's content hash (snapshots and grading caches of banks imported before it hold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.formats.anki_export import write_anki_package
from question_bank.formats.detect import EXPORTERS, import_file
from question_bank.loader import BankCatalog
from question_bank.models import Bank
from question_bank.schema import bank_json_schema

AIKEN = """Beräkna 2*3*4 och döp resultatet till snake_case_name.
A) 24
B) 9
C) 2*3*4 = 10
ANSWER: A
"""

GIFT = """::mult:: Beräkna 2*3*4 och döp resultatet till snake_case_name. {=24 ~9 ~10}

::md:: [markdown]Beräkna **fetstilt** 2*3*4. {=24 ~9}
"""

MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="shortanswer">
    <name><text>plain</text></name>
    <questiontext format="plain_text"><text>Beräkna 2*3*4 i snake_case_name</text></questiontext>
    <answer fraction="100"><text>24</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>auto</text></name>
    <questiontext format="moodle_auto_format"><text># Beräkna 2*3*4</text></questiontext>
    <answer fraction="100"><text>24</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>html</text></name>
    <questiontext format="html"><text><![CDATA[<p>Beräkna <b>2*3*4</b></p>]]></text></questiontext>
    <answer fraction="100"><text>24</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>md</text></name>
    <questiontext format="markdown"><text>Beräkna *kursivt* 2</text></questiontext>
    <answer fraction="100"><text>2</text></answer>
  </question>
</quiz>
"""

CSV = "question,reference_answer\nVad är 2*3*4 i snake_case_name?,Det är 24 eftersom 2*3*4 = 24.\n"


def imported(tmp_path: Path, name: str, text: str) -> Bank:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file(path)


def formats(bank: Bank) -> dict[str, str]:
    return {question.id: question.text_format for question in bank.questions}


def test_aiken_questions_are_plain_text(tmp_path: Path) -> None:
    bank = imported(tmp_path, "bank.txt", AIKEN)
    (question,) = bank.questions
    assert question.text_format == "plain"
    assert "2*3*4" in question.prompt_in("sv") and "snake_case_name" in question.prompt_in("sv")


def test_gift_is_plain_unless_marked_markdown(tmp_path: Path) -> None:
    bank = imported(tmp_path, "bank.gift", GIFT)
    assert formats(bank) == {"mult": "plain", "md": "markdown"}


def test_moodle_xml_is_plain_unless_its_text_is_markdown(tmp_path: Path) -> None:
    bank = imported(tmp_path, "bank.xml", MOODLE_XML)
    assert formats(bank) == {"plain": "plain", "auto": "plain", "html": "plain", "md": "markdown"}


def test_csv_rows_are_plain_text(tmp_path: Path) -> None:
    bank = imported(tmp_path, "bank.csv", CSV)
    assert [question.text_format for question in bank.questions] == ["plain"]


def test_anki_notes_are_plain_text(tmp_path: Path) -> None:
    """An .apkg's fields are HTML, read as text: the Aiken question packed for Anki and read back."""
    package = tmp_path / "deck.apkg"
    write_anki_package(imported(tmp_path, "bank.txt", AIKEN), package)
    (question,) = import_file(package).questions
    assert question.text_format == "plain" and "2*3*4" in question.prompt_in("sv")


def test_the_bundled_course_and_native_banks_stay_markdown() -> None:
    bundled = BankCatalog(user_dir=None).load("dl-course")
    assert {question.text_format for question in bundled.questions} == {"markdown"}
    assert "text_format" not in EXPORTERS["yaml"](bundled), (
        "the default is not written: files stay as they were"
    )


@pytest.mark.parametrize(
    ("export", "suffix"), [("yaml", ".yaml"), ("json", ".json"), ("gift", ".gift"), ("moodle-xml", ".xml")]
)
def test_the_mark_survives_tentas_own_exports(tmp_path: Path, export: str, suffix: str) -> None:
    """A bank of one plain and one Markdown question, written by tenta and read back: each keeps its format
    (the GIFT export wrote '[markdown]' before every question, so a plain bank came back Markdown)."""
    bank = imported(tmp_path, "bank.gift", GIFT)
    again = imported(tmp_path, f"again{suffix}", EXPORTERS[export](bank))
    assert formats(again) == {"mult": "plain", "md": "markdown"}
    assert [question.prompt for question in again.questions] == [
        question.prompt for question in bank.questions
    ]


def test_the_text_format_leaves_the_content_hash_alone(tmp_path: Path) -> None:
    """Snapshots and the grader's caches are keyed by the hash: a bank imported again, now marked plain,
    keeps them (the words asked and graded are the same)."""
    question = imported(tmp_path, "bank.txt", AIKEN).questions[0]
    as_markdown = question.model_copy(update={"text_format": "markdown"})
    assert question.content_hash() == as_markdown.content_hash()


def test_the_bank_schema_names_the_text_format() -> None:
    question = bank_json_schema()["$defs"]["Question"]["properties"]["text_format"]
    assert question["enum"] == ["markdown", "plain"] and question["default"] == "markdown"
