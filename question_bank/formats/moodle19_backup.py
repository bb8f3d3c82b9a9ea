"""A Moodle 1.9 course backup's question bank: `<MOODLE_BACKUP>` moodle.xml, unpacked or in its .zip (read
without unpacking it when imported as Moodle XML).

Moodle 1.9 wrote a course backup as one moodle.xml (with the course's files under course_files/ beside
it, the whole zipped as backup-<course>-<date>.zip) whose question bank is
MOODLE_BACKUP/COURSE/QUESTION_CATEGORIES: each QUESTION_CATEGORY (ID, NAME, PARENT) holding
QUESTIONS/QUESTION (ID, PARENT, NAME, QUESTIONTEXT with its QUESTIONTEXTFORMAT, IMAGE, GENERALFEEDBACK,
DEFAULTGRADE, QTYPE), the answers as ANSWERS/ANSWER (ID, ANSWER_TEXT, FRACTION as a share, FEEDBACK) and
each type's own record in capitals: TRUEFALSE (TRUEANSWER, FALSEANSWER: answer ids), MULTICHOICE
(SINGLE and the right / partly right / wrong feedback), SHORTANSWER (USECASE), one NUMERICAL per answer
(ANSWER id, TOLERANCE, NUMERICAL_UNITS/NUMERICAL_UNIT with MULTIPLIER and UNIT), MATCHOPTIONS with
MATCHS/MATCH (QUESTIONTEXT, ANSWERTEXT) and, for a Cloze, MULTIANSWERS/MULTIANSWER (SEQUENCE of its gap
questions' ids). These are the element names of Moodle 1.9's question/backuplib.php and of the
converter later Moodles restore such backups with (backup/converter/moodle1, question/type/*/backup/
moodle1), whose choices are replayed here: the backup is rewritten as a Moodle 2+ backup's
`<question_categories>` and read as one (formats/moodle_backup.py), so it is checked question by question
at its line in moodle.xml.

As the converter does: general and right/wrong feedback take the question text's format, multiple-choice
answers are read as Moodle's auto-format text and other answers as plain text, and a numerical question's
units are optional (Moodle 1.9 accepted a number without its unit). Moodle 1.9 kept an essay's
comment for every answer as its only answer's feedback, which becomes the essay's information for graders
(its reference answer in tenta); the converter drops it. Descriptions and random slots are left out as in
an export, other types keep their name and type so the importer names them.

Pictures: a question's IMAGE (a course file, or a web address) is written as Moodle 1.9's XML export
wrote it, the file's content embedded; pictures a question text or a choice shows through course-file
links (written $@FILEPHP@$$@SLASH@$path in a backup) are embedded as the export embeds them, so they
become the question's media. Course files are read from course_files/ in the .zip or beside moodle.xml,
only the ones named and within course_files/.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element, SubElement

from question_bank.errors import InputFileError
from question_bank.formats.media_files import MAX_MEDIA_FILE_BYTES, plain_media_name
from question_bank.formats.moodle_backup import (
    QuestionFiles,
    archive_members,
    is_backup_archive,
    quiz_of_categories,
)

_COURSE_FILES = "course_files"
_FILE_LINK = re.compile(r"""(["'])(\$@FILEPHP@\$.+?)\1""")
"""A link to a course file as a 1.9 backup encodes it (the converter's find_referenced_files)."""
_CODES = {"$@FILEPHP@$": "", "$@SLASH@$": "/", "$@FORCEDOWNLOAD@$": ""}
_AUTO, _PLAIN = "0", "2"
_COMBINED_FEEDBACK = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")

_Wanted = dict[tuple[str, str], list[tuple[str, str]]]
"""Course files the questions show, by (file area, item id): each one's name and path in course_files."""


def legacy_backup_as_quiz(root: Element, lines: dict[Element, int], path: Path) -> Element:
    """The questions of a Moodle 1.9 backup's moodle.xml (read from `path`: the file, or the backup's
    .zip) as a Moodle XML `<quiz>`, each new question at the line of the backup question it comes from."""
    holder = root.find("COURSE/QUESTION_CATEGORIES")
    if holder is None:
        raise InputFileError(
            path,
            "this Moodle 1.9 course backup has no question bank (no COURSE/QUESTION_CATEGORIES in "
            "moodle.xml): back the course up with its quizzes, or export the questions as Moodle XML",
            line=lines.get(root),
        )
    wanted: _Wanted = {}
    categories = Element("question_categories")
    for source in holder.iterfind("QUESTION_CATEGORY"):
        categories.append(_category(source, lines, wanted))
    return quiz_of_categories(categories, lines, path, _course_files(path, wanted))


def _category(source: Element, lines: dict[Element, int], wanted: _Wanted) -> Element:
    category = Element("question_category", id=_text(source, "ID"))
    _fields(category, {"name": _raw(source, "NAME"), "parent": _text(source, "PARENT")})
    questions = SubElement(category, "questions")
    for question in source.iterfind("QUESTIONS/QUESTION"):
        converted = _question(question, wanted)
        questions.append(converted)
        lines[converted] = lines.get(question, 0)
    return category


def _raw(element: Element, path: str) -> str:
    return element.findtext(path) or ""


def _text(element: Element, path: str) -> str:
    return _raw(element, path).strip()


def _fields(parent: Element, values: dict[str, str]) -> None:
    for tag, value in values.items():
        SubElement(parent, tag).text = value


def _question(source: Element, wanted: _Wanted) -> Element:
    """A 1.9 QUESTION as a Moodle 2+ backup's `<question>` with its `<plugin_qtype_…_question>`."""
    identifier = _text(source, "ID")
    kind = _text(source, "QTYPE")
    text_format = _text(source, "QUESTIONTEXTFORMAT") or _AUTO
    question = Element("question", id=identifier)
    _fields(
        question,
        {
            "parent": _text(source, "PARENT"),
            "name": _raw(source, "NAME"),
            "questiontext": _linked_files(_raw(source, "QUESTIONTEXT"), ("questiontext", identifier), wanted),
            "questiontextformat": text_format,
            "generalfeedback": _linked_files(_raw(source, "GENERALFEEDBACK"), None, wanted),
            "generalfeedbackformat": text_format,
            "defaultmark": _text(source, "DEFAULTGRADE"),
            "qtype": kind,
        },
    )
    if image := _text(source, "IMAGE"):
        SubElement(question, "image").text = image
        name, course_path = _course_file_name(image), _course_path(image)
        if name is not None and course_path is not None:
            wanted.setdefault(("image", identifier), []).append((name, course_path))
    plugin = SubElement(question, f"plugin_qtype_{kind}_question")
    _answers(plugin, source, kind, wanted)
    if (options := _OPTIONS.get(kind)) is not None:
        options(plugin, source, text_format)
    return question


def _answers(plugin: Element, source: Element, kind: str, wanted: _Wanted) -> None:
    """ANSWERS/ANSWER as `answers/answer`: a multiple-choice answer in Moodle's auto format, the others
    plain, feedback in the auto format (the converter's convert_answer)."""
    answers = SubElement(plugin, "answers")
    for record in source.iterfind("ANSWERS/ANSWER"):
        identifier = _text(record, "ID")
        answer = SubElement(answers, "answer", id=identifier)
        text = _raw(record, "ANSWER_TEXT")
        _fields(
            answer,
            {
                "answertext": _linked_files(text, ("answer", identifier), wanted)
                if kind == "multichoice"
                else text,
                "answerformat": _AUTO if kind == "multichoice" else _PLAIN,
                "fraction": _text(record, "FRACTION"),
                "feedback": _linked_files(_raw(record, "FEEDBACK"), None, wanted),
                "feedbackformat": _AUTO,
            },
        )


def _truefalse(plugin: Element, source: Element, _text_format: str) -> None:
    record = SubElement(plugin, "truefalse")
    _fields(
        record,
        {
            "trueanswer": _text(source, "TRUEFALSE/TRUEANSWER"),
            "falseanswer": _text(source, "TRUEFALSE/FALSEANSWER"),
        },
    )


def _multichoice(plugin: Element, source: Element, text_format: str) -> None:
    """SINGLE (one answer when the backup lacks the record, as the converter assumes) and the right /
    partly right / wrong feedback in the question text's format."""
    options = SubElement(plugin, "multichoice")
    _fields(options, {"single": _text(source, "MULTICHOICE/SINGLE") or "1"})
    for name in _COMBINED_FEEDBACK:
        _fields(options, {name: _raw(source, f"MULTICHOICE/{name.upper()}"), f"{name}format": text_format})


def _shortanswer(plugin: Element, source: Element, _text_format: str) -> None:
    _fields(SubElement(plugin, "shortanswer"), {"usecase": _text(source, "SHORTANSWER/USECASE") or "0"})


def _numerical(plugin: Element, source: Element, _text_format: str) -> None:
    """Each NUMERICAL's tolerance for its answer, the first one's units, which Moodle 1.9 did not require
    (unit grading 0: optional; showunits 3, no units, when there are none)."""
    records = source.findall("NUMERICAL")
    tolerances = SubElement(plugin, "numerical_records")
    for record in records:
        _fields(
            SubElement(tolerances, "numerical_record"),
            {"answer": _text(record, "ANSWER"), "tolerance": _text(record, "TOLERANCE")},
        )
    units = SubElement(plugin, "numerical_units")
    for unit in records[0].iterfind("NUMERICAL_UNITS/NUMERICAL_UNIT") if records else ():
        _fields(
            SubElement(units, "numerical_unit"),
            {"multiplier": _text(unit, "MULTIPLIER"), "unit": _text(unit, "UNIT")},
        )
    option = SubElement(SubElement(plugin, "numerical_options"), "numerical_option")
    _fields(option, {"showunits": "0" if len(units) else "3", "unitgradingtype": "0", "unitsleft": "0"})


def _essay(plugin: Element, source: Element, _text_format: str) -> None:
    """The comment Moodle 1.9 showed every answer (its only answer's feedback) as information for graders."""
    comment = _raw(source, "ANSWERS/ANSWER/FEEDBACK")
    _fields(SubElement(plugin, "essay"), {"graderinfo": comment, "graderinfoformat": _AUTO})


def _match(plugin: Element, source: Element, text_format: str) -> None:
    """MATCHS/MATCH as `matches/match`, each item in the question text's format."""
    matches = SubElement(plugin, "matches")
    for record in source.iterfind("MATCHS/MATCH"):
        _fields(
            SubElement(matches, "match", id=_text(record, "ID")),
            {
                "questiontext": _raw(record, "QUESTIONTEXT"),
                "questiontextformat": text_format,
                "answertext": _raw(record, "ANSWERTEXT"),
            },
        )


def _multianswer(plugin: Element, source: Element, _text_format: str) -> None:
    sequence = _text(source, "MULTIANSWERS/MULTIANSWER/SEQUENCE")
    _fields(SubElement(plugin, "multianswer"), {"sequence": sequence})


_OPTIONS: dict[str, Callable[[Element, Element, str], None]] = {
    "truefalse": _truefalse,
    "multichoice": _multichoice,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "essay": _essay,
    "match": _match,
    "multianswer": _multianswer,
}


# ---- course files --------------------------------------------------------------------------------------


def _course_path(link: str) -> str | None:
    """The course_files path a 1.9 file link names ('$@FILEPHP@$$@SLASH@$pics$@SLASH@$cell.png' ->
    'pics/cell.png'); None for one leading out of course_files."""
    for code, replacement in _CODES.items():
        link = link.replace(code, replacement)
    normal = posixpath.normpath("/" + unquote(link).split("?", 1)[0]).lstrip("/")
    return normal if normal and not normal.startswith("..") else None


def _course_file_name(image: str) -> str | None:
    """The name of a 1.9 question picture that is a course file (None for a web address)."""
    if re.match(r"[a-z][a-z0-9+.-]*://", image, re.IGNORECASE):
        return None
    return plain_media_name(image)


def _linked_files(text: str, area: tuple[str, str] | None, wanted: _Wanted) -> str:
    """`text` with its course-file links as @@PLUGINFILE@@/name, as the export refers to embedded files;
    the files a student sees (`area` given: question text, choices) are wanted for embedding."""

    def relinked(match: re.Match[str]) -> str:
        path = _course_path(match.group(2))
        name = plain_media_name(path) if path else None
        if path is None or name is None:
            return match.group(0)
        if area is not None:
            wanted.setdefault(area, []).append((name, path))
        quote = match.group(1)
        return f"{quote}@@PLUGINFILE@@/{name}{quote}"

    return _FILE_LINK.sub(relinked, text)


def _course_files(path: Path, wanted: _Wanted) -> QuestionFiles:
    """The wanted course files' contents: from the backup's .zip in one pass, or from course_files/
    beside moodle.xml; a file the backup lacks is left to be named only."""
    paths = {course_path for files in wanted.values() for _name, course_path in files}
    if is_backup_archive(path):
        members = archive_members(path, {f"{_COURSE_FILES}/{course_path}" for course_path in paths})
        contents = {course_path: members.get(f"{_COURSE_FILES}/{course_path}") for course_path in paths}
    else:
        contents = {
            course_path: _folder_file(path.parent / _COURSE_FILES, course_path) for course_path in paths
        }
    return {
        area: [
            (name, content) for name, course_path in files if (content := contents[course_path]) is not None
        ]
        for area, files in wanted.items()
    }


def _folder_file(folder: Path, course_path: str) -> bytes | None:
    """A course file of an unpacked backup, when it is inside course_files/ and within tenta's size limit."""
    file = (folder / course_path).resolve()
    if not file.is_relative_to(folder.resolve()) or not file.is_file():
        return None
    return file.read_bytes() if file.stat().st_size <= MAX_MEDIA_FILE_BYTES else None
