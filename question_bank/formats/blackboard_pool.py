"""Blackboard 6 question pools: the `<POOL>` layout of a Blackboard `.dat` file, older than its QTI export.

    <POOL><TITLE value="exam 3"/>
      <QUESTIONLIST><QUESTION id="q7" class="QUESTION_MULTIPLECHOICE" points="2"/></QUESTIONLIST>
      <QUESTION_MULTIPLECHOICE id="q7"><BODY><TEXT>…</TEXT></BODY>
        <ANSWER id="q7_a1"><TEXT>red</TEXT></ANSWER> …
        <GRADABLE><CORRECTANSWER answer_id="q7_a2"/><FEEDBACK_WHEN_CORRECT>…</FEEDBACK_WHEN_CORRECT>
          <FEEDBACK_WHEN_INCORRECT>…</FEEDBACK_WHEN_INCORRECT></GRADABLE></QUESTION_MULTIPLECHOICE>
    </POOL>

QUESTION_TRUEFALSE -> true_false, QUESTION_MULTIPLECHOICE -> multiple_choice, QUESTION_MULTIPLEANSWER ->
multiple_choice whose right answers share the points all or nothing (Blackboard 6 gives no partial
credit), QUESTION_FILLINBLANK -> short_exact accepting each ANSWER, QUESTION_ESSAY -> free_text whose
reference answer is its ANSWER (the sample answer), QUESTION_MATCH -> one question per ANSWER, choosing
among the CHOICEs (formats/matching.py). The QUESTIONLIST gives the points; the feedback for a right and a
wrong answer becomes the question's outcome feedback; HTML text (ISHTML) becomes readable text. Other
classes (ordering, hot spot, calculated …) are unsupported, and an essay without a sample answer cannot
be graded. The title names the bank, the pool's `id` attributes the questions. A pool inside a Blackboard
export package is read by the QTI importer with the package's other files (formats/qti.py), which also gives
each question the pictures its texts show; a lone pool file holds none, so each is named in the notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from question_bank.errors import InputFileError
from question_bank.formats import matching
from question_bank.formats.common import ImportProblems, html_to_text, outcome_fields
from question_bank.formats.gift import HTML_TAG, MoodleQuestion, moodle_bank
from question_bank.formats.media_files import file_name_of_url, image_sources, name_images
from question_bank.formats.xml_source import parse_with_lines
from question_bank.models import Bank, QuestionType

_CLASSES = {
    "QUESTION_TRUEFALSE": "true_false",
    "QUESTION_MULTIPLECHOICE": "choice",
    "QUESTION_MULTIPLEANSWER": "multiple",
    "QUESTION_FILLINBLANK": "short",
    "QUESTION_ESSAY": "essay",
    "QUESTION_MATCH": "match",
}
_MISSING_REFERENCE = (
    "essay question has no sample answer to grade against: give it one in Blackboard and export again"
)


def looks_like_blackboard_pool(text: str) -> bool:
    """A Blackboard 6 pool: the document element is <POOL>."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("<?xml"):
        head = head[head.find("?>") + 2 :].lstrip()
    return head.startswith("<POOL>") or head.startswith("<POOL ")


class _PoolError(ValueError):
    """A problem with one question; becomes an error at its line."""


_PLACEHOLDER = re.compile(r"^@X@[^@]*@X@")
"""Where Blackboard's HTML names the server a file is on ('@X@EmbeddedFile.location@X@karta.png')."""

Attach = Callable[[MoodleQuestion, list[str], bool], MoodleQuestion]
"""Gives a question the pictures its texts show (their src, in order; True for one of several questions a
matching question was split into), or names those it cannot."""


def _raw(element: Element | None) -> str:
    if element is None:
        return ""
    holder = element.find("TEXT")
    return (holder.text if holder is not None else element.text) or ""


def _picture_name(source: str) -> str:
    """How the text names a picture without alt text: its file name, without Blackboard's placeholder."""
    return file_name_of_url(_PLACEHOLDER.sub("", source.strip()))


def _text(element: Element | None) -> str:
    """An element's <TEXT> (or its own text) as readable text; a picture is '[image: its file name]'."""
    raw = _raw(element)
    if not HTML_TAG.search(raw):
        return raw.strip()
    return html_to_text(name_images(raw, _picture_name)).strip()


def _shown_pictures(question: Element) -> list[str]:
    """The src of every picture in the question's text, answers and choices (not its feedback)."""
    holders = [question.find("BODY"), *question.findall("ANSWER"), *question.findall("CHOICE")]
    return [source for holder in holders for source in image_sources(_raw(holder)) if source.strip()]


def _answers(question: Element) -> dict[str, str]:
    return {answer.get("id", ""): _text(answer) for answer in question.findall("ANSWER")}


def _right_ids(question: Element) -> list[str]:
    return [right.get("answer_id", "") for right in question.iterfind("GRADABLE/CORRECTANSWER")]


def _choice_data(question: Element, kind: str) -> dict[str, Any]:
    answers = _answers(question)
    right = [ident for ident in _right_ids(question) if ident in answers]
    if len(answers) < 2:
        raise _PoolError("a choice question needs at least two answers")
    if not right:
        raise _PoolError("no correct answer: GRADABLE names none of the question's answers")
    share = 1.0 / len(right)
    choices = [
        {"text": text, "fraction": round(share, 7) if ident in right else 0.0}
        for ident, text in answers.items()
    ]
    if kind == "true_false":
        return {"type": QuestionType.TRUE_FALSE.value, "choices": choices}
    return {
        "type": QuestionType.MULTIPLE_CHOICE.value,
        "choices": choices,
        "all_or_nothing": kind == "multiple",  # a multiple-answer question: exactly the right ones
    }


def _short_data(question: Element) -> dict[str, Any]:
    accepted = [text for text in _answers(question).values() if text]
    if not accepted:
        raise _PoolError("a fill-in-the-blank question needs at least one accepted answer")
    return {
        "type": QuestionType.SHORT_EXACT.value,
        "choices": [{"text": t, "fraction": 1.0} for t in accepted],
    }


def _match_pairs(question: Element) -> list[matching.Pair]:
    """Each ANSWER (the item) with the CHOICE its CORRECTANSWER names, the choices offered in their own
    order; a CHOICE no item takes stays a distractor."""
    items = _answers(question)
    choices = {choice.get("id", ""): _text(choice) for choice in question.findall("CHOICE")}
    pairs = [matching.Pair("", text) for text in choices.values()]
    for right in question.iterfind("GRADABLE/CORRECTANSWER"):
        item, answer = right.get("answer_id", ""), right.get("choice_id", "")
        if item not in items or answer not in choices:
            raise _PoolError(
                f"matching pair {item!r} → {answer!r} names an item or choice the question lacks"
            )
        pairs.append(matching.Pair(items[item], choices[answer]))
    return pairs


def _questions(
    question: Element, kind: str, line: int, title: str, points: float | None
) -> list[MoodleQuestion]:
    """One pool question as tenta's (several for a matching question, one per item)."""
    gradable = question.find("GRADABLE")
    outcome = outcome_fields(
        "",
        correct=_text(gradable.find("FEEDBACK_WHEN_CORRECT")) if gradable is not None else "",
        incorrect=_text(gradable.find("FEEDBACK_WHEN_INCORRECT")) if gradable is not None else "",
    )
    prompt = _text(question.find("BODY"))
    if not prompt:
        raise _PoolError("the question text is empty")
    base = MoodleQuestion(line, title, prompt, {}, "", [], title, max_points=points)
    if kind == "essay":
        reference = "\n\n".join(text for text in _answers(question).values() if text)
        return [replace(base, data={"type": QuestionType.FREE_TEXT.value}, reference=reference)]
    if kind == "short":
        return [replace(base, data={**_short_data(question), **outcome})]
    if kind != "match":
        return [replace(base, data={**_choice_data(question, kind), **outcome})]
    try:
        asked = matching.asked_items(_match_pairs(question), points or 1.0)
    except matching.MatchingError as error:
        raise _PoolError(str(error)) from None
    several = len(asked) > 1
    return [
        replace(
            base,
            title=f"{title} ({index})" if several else title,
            moodle_id=f"{title}-{index}" if several else title,
            prompt=prompt + item.asking,
            data={**item.data, **outcome},
            max_points=item.points,
        )
        for index, item in enumerate(asked, start=1)
    ]


def _listed_points(root: Element) -> dict[str, float]:
    points: dict[str, float] = {}
    for listed in root.iterfind("QUESTIONLIST/QUESTION"):
        try:
            value = float(listed.get("points", "").strip())
        except ValueError:
            continue
        if value > 0:
            points[listed.get("id", "")] = value
    return points


def pool_questions(
    text: str, path: Path, problems: ImportProblems, attach: Attach
) -> tuple[list[MoodleQuestion], str]:
    """The questions of a pool's text and its title; problems are recorded in `problems` at their line
    (`path` names the file, or the member of a package); `attach` gives each the pictures it shows."""
    root, lines = parse_with_lines(text, path)
    if root.tag != "POOL":
        raise InputFileError(path, f"not a Blackboard pool: the document element is <{root.tag}>", line=1)
    points = _listed_points(root)
    parsed: list[MoodleQuestion] = []
    for question in root:
        if not question.tag.startswith("QUESTION_"):
            continue
        identifier = question.get("id", "")
        line, field = lines.get(question, 0), f"{question.tag} {identifier!r}"
        kind = _CLASSES.get(question.tag)
        if kind is None:
            label = question.tag.removeprefix("QUESTION_").lower().replace("_", " ")
            problems.unsupported(
                f"{label} questions ({question.tag}) are not supported by tenta; "
                "remove or convert this question",
                line=line,
                field=field,
            )
            continue
        try:
            read = _questions(question, kind, line, identifier, points.get(identifier))
        except _PoolError as error:
            problems.add(str(error), line=line, field=field)
            continue
        if len(read) > 1:
            problems.note(matching.SPLIT_NOTE.format(count=len(read)), line=line, field=field)
        pictures = _shown_pictures(question)
        parsed += [attach(one, pictures, len(read) > 1) if pictures else one for one in read]
    title_element = root.find("TITLE")
    return parsed, (title_element.get("value", "") if title_element is not None else "").strip()


def import_blackboard_pool(
    path: Path, text: str, *, skipped: list[InputFileError] | None = None, notes: list[str] | None = None
) -> Bank:
    """A bank from a Blackboard 6 pool file, whose `text` was read to tell its format; with `skipped`,
    questions tenta has no type for are left out and recorded there instead of failing the import."""
    problems = ImportProblems(path, skipped=skipped, notes=notes)

    def left_behind(question: MoodleQuestion, pictures: list[str], _: bool) -> MoodleQuestion:
        for source in pictures:
            problems.note(
                f"picture {_picture_name(source)!r} is not read from a lone pool file: import the export "
                ".zip it came in (or its unpacked folder) to keep it; left out (the text still names it)",
                line=question.line,
                field=question.title,
            )
        return question

    parsed, title = pool_questions(text, path, problems, left_behind)
    return moodle_bank(path, parsed, problems, title=title or path.stem, missing_reference=_MISSING_REFERENCE)
