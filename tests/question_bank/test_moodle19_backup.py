"""Moodle 1.9 course backups (was: refused, 'export the questions instead', which a teacher holding only an
old backup cannot do). tests/question_bank/data/moodle19_backup is a backup written for these tests in
the layout of Moodle 1.9's question/backuplib.php and the question types' backup() functions (element
names and order only; the questions and pictures are our own): moodle.xml with course_files/ beside it,
as a 1.9 backup .zip unpacks."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import detect_format, import_file
from question_bank.formats.media import read_media
from question_bank.models import NumericalAnswer, NumericalUnits, OutcomeFeedback, QuestionType

BACKUP = Path(__file__).parent / "data" / "moodle19_backup"
MOODLE_XML = BACKUP / "moodle.xml"


def _line_of(marker: str) -> int:
    text = MOODLE_XML.read_text(encoding="utf-8")
    return text[: text.index(marker)].count("\n") + 1


def _zipped(tmp_path: Path) -> Path:
    """The backup as Moodle 1.9 hands it out: backup-<course>-<date>.zip with moodle.xml at its root."""
    path = tmp_path / "backup-bio101-20100315-0942.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(BACKUP.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(BACKUP).as_posix())
    return path


def test_every_question_type_of_a_moodle_19_backup_is_read() -> None:
    notes: list[str] = []
    bank = import_file(MOODLE_XML, notes=notes)
    truth, power, membrane, factory, size, osmosis, nucleus, ribosome, cloze = bank.questions
    assert truth.type is QuestionType.TRUE_FALSE and truth.topics == ()  # 'Default for …' is no topic
    assert [(c.text, c.fraction, c.feedback) for c in truth.choices] == [
        ("True", 1.0, "Yes."),  # the backup names the true answer by id, whatever its label ('Vrai')
        ("False", 0.0, "It does."),
    ]
    assert truth.general_feedback == "Mitochondria hold a little DNA too."
    assert truth.prompt["en"] == (
        "The nucleus of a eukaryotic cell holds most of its DNA.\n\n[image: cell.png]"
    )  # its IMAGE, a course file
    assert power.type is QuestionType.MULTIPLE_CHOICE
    assert (power.max_points, power.topics, power.media) == (2.0, ("Cells",), ("mitosis.gif",))
    assert power.prompt["en"] == "Which organelle makes most of a cell's ATP? [image: mitosis.gif]"
    assert [(c.text, c.fraction) for c in power.choices] == [
        ("Mitochondrion", 1.0),
        ("Chloroplast", 0.5),
        ("Ribosome", 0.0),
    ]
    assert power.choices[0].feedback == "Its inner membrane makes ATP."
    assert power.outcome_feedback == OutcomeFeedback(
        correct="Right: the mitochondrion.", incorrect="Think of respiration."
    )
    assert power.general_feedback == "ATP is made by respiration."
    assert [(c.text, c.fraction) for c in membrane.choices] == [
        ("Phospholipids", 0.5),
        ("Proteins", 0.5),
        ("Cellulose", -1.0),
    ]
    assert factory.type is QuestionType.SHORT_EXACT and not factory.case_sensitive
    assert [(c.text, c.fraction, c.feedback) for c in factory.choices] == [
        ("ribosome", 1.0, ""),
        ("rough ER", 0.5, "It holds the ribosomes."),
    ]
    assert size.numerical == (
        NumericalAnswer(value=20, tolerance=10, fraction=1, feedback="About 10 to 30 um."),
        NumericalAnswer(value=50, tolerance=50, fraction=0.5),
    )
    assert size.units == NumericalUnits.model_validate(
        {"units": [{"name": "um"}, {"name": "mm", "multiplier": 0.001}], "grading": "optional"}
    )  # Moodle 1.9 took the number without its unit at full marks
    assert osmosis.type is QuestionType.FREE_TEXT and osmosis.max_points == 4.0
    assert osmosis.reference_answer == {
        "en": "Water flows into the cell by osmosis, so it swells and bursts."
    }
    assert nucleus.prompt["en"] == "Match each organelle with its job.\n\nNucleus → _____"
    assert [c.text for c in ribosome.choices if c.fraction > 0] == ["builds proteins"]
    assert cloze.prompt["en"] == "Plant cells have a _____ made of cellulose."
    assert [(c.text, c.fraction) for c in cloze.choices] == [("cell wall", 1.0)]
    assert notes == [
        f"{MOODLE_XML}:{_line_of('<ID>401</ID>') - 1}: Welcome: a description (text shown between questions, "
        "nothing to answer) is not a question; left out",
        f"{MOODLE_XML}:{_line_of('<ID>408</ID>') - 1}: Random (Cells): a random-question placeholder (Moodle "
        "draws a question from its category when the quiz runs) is not a question; left out",
        f"{MOODLE_XML}:{_line_of('<ID>409</ID>') - 1}: Organelles: a matching question with 2 items: "
        "imported as 2 questions, one per item, each asking it as _____ and worth its points",
    ]


def test_the_pictures_come_from_course_files() -> None:
    bank = import_file(MOODLE_XML)
    names = [name for question in bank.questions for name in question.media]
    assert names == ["cell.png", "mitosis.gif"]
    media = read_media(MOODLE_XML, names)
    assert media == {
        "cell.png": (BACKUP / "course_files/pics/cell.png").read_bytes(),
        "mitosis.gif": (BACKUP / "course_files/pics/mitosis.gif").read_bytes(),
    }


def test_the_backup_zip_is_read_without_unpacking_it(tmp_path: Path) -> None:
    """`tenta bank import backup-….zip`: the same questions, the pictures read from the zip's
    course_files/."""
    path = _zipped(tmp_path)
    bank = import_file(path, "moodle-xml")
    unpacked = import_file(MOODLE_XML)
    assert bank.questions == unpacked.questions
    assert read_media(path, ["cell.png", "mitosis.gif"], "moodle-xml") == read_media(
        MOODLE_XML, ["cell.png", "mitosis.gif"]
    )


def test_the_backup_zip_is_recognised_as_a_moodle_backup(tmp_path: Path) -> None:
    """A .zip is a QTI package unless it holds a Moodle backup's moodle.xml and no manifest."""
    path = _zipped(tmp_path)
    assert detect_format(path) == "moodle-xml"
    assert import_file(path).questions == import_file(MOODLE_XML).questions
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
    assert detect_format(path) == "qti"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "backup"
    shutil.copytree(BACKUP, folder)
    path = folder / "moodle.xml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "link",
    ["$@FILEPHP@$$@SLASH@$..$@SLASH@$..$@SLASH@$moodle.xml", "$@FILEPHP@$$@SLASH@$pics$@SLASH@$gone.gif"],
)
def test_a_picture_outside_course_files_or_missing_is_only_named(tmp_path: Path, link: str) -> None:
    path = _edited(tmp_path, "$@FILEPHP@$$@SLASH@$pics$@SLASH@$mitosis.gif", link)
    power = next(q for q in import_file(path).questions if q.id == "Powerhouse")
    assert power.media == ()
    assert power.prompt["en"].endswith("ATP? [image: " + link.rsplit("$@SLASH@$", 1)[-1] + "]")


def test_a_bad_value_names_file_line_question_and_field(tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        "<FRACTION>0.5</FRACTION>\n                <FEEDBACK>Only",
        "<FRACTION>half</FRACTION>\n                <FEEDBACK>Only",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert (error.path, error.line) == (path, _line_of("<ID>403</ID>") - 1)
    assert error.message.endswith("Powerhouse: answer fraction 'half' is not a number")


def test_a_moodle_19_backup_without_questions_says_so(tmp_path: Path) -> None:
    path = tmp_path / "moodle.xml"
    path.write_text(
        "<MOODLE_BACKUP>\n<INFO><NAME>backup-dl.zip</NAME></INFO>\n<COURSE></COURSE>\n</MOODLE_BACKUP>",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as raised:
        import_file(path)
    assert (raised.value.line, raised.value.reason) == (
        1,
        "this Moodle 1.9 course backup has no question bank (no COURSE/QUESTION_CATEGORIES in moodle.xml): "
        "back the course up with its quizzes, or export the questions as Moodle XML",
    )


ESSAY_19_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 407  -->
  <question type="essay">
    <name><text>Osmosis</text></name>
    <questiontext format="moodle_auto_format">
<text>Explain what happens to a red blood cell in pure water.</text>
    </questiontext>
    <generalfeedback>
<text></text>
    </generalfeedback>
    <defaultgrade>4</defaultgrade>
    <penalty>0</penalty>
    <hidden>0</hidden>
    <shuffleanswers>0</shuffleanswers>
<answer fraction="0">
    <feedback><text>Water flows into the cell by osmosis, so it swells and bursts.</text>
</feedback>
</answer>
  </question>
</quiz>
"""
"""The essay of the backup as Moodle 1.9's XML export (question/format/xml/format.php) writes it: its
comment for every answer as the one answer's <feedback>."""


def test_an_essay_reads_the_same_from_the_backup_and_from_moodle_19s_xml_export(tmp_path: Path) -> None:
    path = tmp_path / "essay-19.xml"
    path.write_text(ESSAY_19_EXPORT, encoding="utf-8")
    (exported,) = import_file(path).questions
    backed_up = next(q for q in import_file(MOODLE_XML).questions if q.id == "Osmosis")
    assert exported.reference_answer == backed_up.reference_answer
    assert (exported.type, exported.max_points, exported.prompt) == (
        backed_up.type,
        backed_up.max_points,
        backed_up.prompt,
    )
