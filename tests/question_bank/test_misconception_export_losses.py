"""Misconceptions (negative rubric items) exist only in tenta's own YAML/JSON. Exporting a bank that has them
as Moodle XML, GIFT, QTI or Anki wrote the file without them and said nothing, while `tenta bank export`
names every other loss that changes grading; now each question's misconceptions left out are named. The
written files are checked too: the loss is real, and a format that one day keeps them fails here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from question_bank.formats.anki_export import write_anki_package
from question_bank.formats.export_losses import SELF_GRADED_LOSS, export_losses
from question_bank.formats.gift import dump_gift
from question_bank.formats.moodle_xml import dump_moodle_xml
from question_bank.formats.qti_export import write_qti_package
from question_bank.formats.yaml_json import dump_json, dump_yaml
from question_bank.loader import BankCatalog
from question_bank.models import Bank, Misconception

SWAPPED = Misconception(
    id="ml-inside-dl",
    text="Machine learning is a subfield of deep learning.",
    penalty=0.5,
    feedback="It is the other way round.",
)
SAME_THING = Misconception(id="ai-is-dl", text="AI and deep learning are the same thing.", penalty=1)
TRAINING_DATA = Misconception(id="tune-on-test", text="Hyperparameters are tuned on the test set.", penalty=1)


@pytest.fixture(scope="module")
def bank() -> Bank:
    """The bundled course with two misconceptions on its first question and one on its third."""
    course = BankCatalog(None).load("dl-course")
    first, second, third, *rest = course.questions
    questions = (
        first.model_copy(update={"misconceptions": (SWAPPED, SAME_THING)}),
        second,
        third.model_copy(update={"misconceptions": (TRAINING_DATA,)}),
        *rest,
    )
    return course.model_copy(update={"questions": questions})


def _misconception_losses(bank: Bank, format_name: str) -> list[str]:
    return [loss for loss in export_losses(bank, format_name) if "misconception" in loss]


def _graded_losses(label: str) -> list[str]:
    return [
        "question q01-ai-ml-dl: its 2 misconceptions (negative rubric items: ml-inside-dl, ai-is-dl) are "
        f"left out ({label} has no place for misconceptions): an answer that states one loses no points",
        "question q03-parameters-hyperparameters: its misconception (negative rubric item: tune-on-test) is "
        f"left out ({label} has no place for misconceptions): an answer that states one loses no points",
    ]


def _holds_no_misconception(written: str | bytes) -> None:
    data = written.encode() if isinstance(written, str) else written
    for misconception in (SWAPPED, SAME_THING, TRAINING_DATA):
        assert misconception.text.encode() not in data


def _package_bytes(package: Path) -> bytes:
    with zipfile.ZipFile(package) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_moodle_formats_name_the_misconceptions_they_leave_out(bank: Bank) -> None:
    _holds_no_misconception(dump_moodle_xml(bank))
    _holds_no_misconception(dump_gift(bank))
    assert _misconception_losses(bank, "moodle-xml") == _graded_losses("Moodle XML")
    assert _misconception_losses(bank, "gift") == _graded_losses("GIFT")


def test_qti_names_the_misconceptions_it_leaves_out(bank: Bank, tmp_path: Path) -> None:
    write_qti_package(bank, tmp_path / "bank.zip")
    _holds_no_misconception(_package_bytes(tmp_path / "bank.zip"))
    assert _misconception_losses(bank, "qti") == _graded_losses("QTI")


def test_anki_names_them_after_the_self_graded_line(bank: Bank, tmp_path: Path) -> None:
    write_anki_package(bank, tmp_path / "bank.apkg")
    _holds_no_misconception(_package_bytes(tmp_path / "bank.apkg"))
    assert export_losses(bank, "anki") == [
        SELF_GRADED_LOSS,
        "question q01-ai-ml-dl: its 2 misconceptions (negative rubric items: ml-inside-dl, ai-is-dl) are "
        "left out (Anki has no place for misconceptions): the cards do not mention them",
        "question q03-parameters-hyperparameters: its misconception (negative rubric item: tune-on-test) is "
        "left out (Anki has no place for misconceptions): the cards do not mention them",
    ]


def test_native_yaml_and_json_keep_them_and_name_no_loss(bank: Bank) -> None:
    for format_name, dump in (("yaml", dump_yaml), ("json", dump_json)):
        assert SWAPPED.text in dump(bank)
        assert export_losses(bank, format_name) == []
