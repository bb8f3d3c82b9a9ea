"""Moodle XML: the question bank export Moodle writes by default (`<quiz><question type="…">…</quiz>`).

The file is parsed with defusedxml, so a hostile file cannot expand entity bombs or read local files;
every `<question>` is located by the line its start tag is on, so errors name file, line and question.

Mapping to tenta follows the GIFT importer: `multichoice` (single or multiple answers, fractions as
weights, per-answer feedback) -> multiple_choice, as are the multiple-response plugins `multichoiceset`
(`all_or_nothing`) and `oumultiresponse`, whose right answers are all marked 100 % (each gets an equal
share); `truefalse` -> true_false, `shortanswer` -> short_exact (Moodle's `*` wildcards are kept; the
grader understands them), `numerical` -> numerical (answer + absolute tolerance), `essay` -> free_text
whose reference answer is the grader information, else the comment Moodle 1.9 showed every answer (its
export's `<answer><feedback>`), else the general feedback (an essay with none is an error: tenta cannot
grade it). `category` pseudo-questions set the topic of the questions after them (the narrowest category
holding every question, the one Moodle exported, titles the bank; else the file name), tags become extra
topics, `<idnumber>` is the id (else a slug of the name), `<defaultgrade>` the
question's points; descriptions and random-question slots are left out, each named in the notes. An
embedded-answers (Cloze), select-missing-words or drag-and-drop-into-text question becomes one question
per gap (formats/cloze.py), a matching or drag-and-drop matching (qtype_ddmatch) question one per item
(formats/matching.py), named in the notes when it has several. Every other type (drag and drop onto
images, calculated, ordering …) is an error naming the question, so nothing is half-imported. Texts in
html / moodle_auto_format become readable text, images as "[image: alt]" (or the file name), as is Moodle
1.9's separate `<image>`, and links to their own sound and video files as "[sound: name]" (Moodle plays them);
Markdown texts stay Markdown with their pictures marked the same way and links to their own sound files as
"[sound: name]". A question whose text is Markdown is shown as Markdown; one in plain_text,
moodle_auto_format or html is marked text_format plain and shown as written ('2*3*4' is no emphasis), and
the export writes a plain question as plain_text (moodle_auto_format when it shows pictures) so both come
back as they were. The files embedded (base64 `<file>`, referenced as @@PLUGINFILE@@/name, or a picture pasted
into the editor as an `<img src="data:image/…;base64,…">`, named by its content) in what a student sees
while answering, the question text and the choices, are listed as the question's media under bank-wide
unique names; `read_moodle_media` decodes them. Files of feedback and grader information are not
attached (they would give the answer away). A course backup's question bank (a .mbz file, or the
`questions.xml` of an unpacked one, root `<question_categories>`) is read as the export it stands for
(formats/moodle_backup.py), as is a Moodle 1.9 backup (its .zip, or its moodle.xml, root
`<MOODLE_BACKUP>`: formats/moodle19_backup.py).

Multi-language texts (the multilang filters' `<span lang="sv" class="multilang">` and `{mlang sv}` blocks)
give each question a prompt, and an essay a model answer, per language, the bank's languages in the order
the file names them; choices, feedback, names and categories take the first language's version.

Feedback for a right, partly right or wrong answer (a numerical question's "any other answer" (`*`)
feedback as the wrong one) becomes the question's outcome feedback, the hints for another try its hints.
A numerical question's `<units>` (each with its multiplier), `<unitgradingtype>`, `<unitpenalty>` and
`<unitsleft>` are kept and graded as Moodle grades them (a question whose `<showunits>` is 3 does not use
units); a short answer's `<usecase>` makes it case sensitive. Lost on the way: shuffling and numbering of
choices (the quiz decides).
"""

from __future__ import annotations

import base64
import binascii
import html
import math
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Comment, Element, SubElement, indent, tostring

from question_bank.errors import InputFileError
from question_bank.formats import cloze, matching, multilang
from question_bank.formats.common import (
    ImportProblems,
    decode_entities,
    html_to_text,
    outcome_fields,
    read_text,
    response_shares,
    tidy_number,
)
from question_bank.formats.gift import (
    DESCRIPTION_LEFT_OUT,
    FALSE_TEXT,
    HTML_TAG,
    TRUE_TEXT,
    BankNames,
    MoodleQuestion,
    bank_names,
    category_path,
    moodle_bank,
    moodle_choice_fractions,
    tenta_header,
)
from question_bank.formats.media_files import (
    MAX_MEDIA_FILE_BYTES,
    UniqueNames,
    data_uri_image,
    file_name_of_url,
    image_sources,
    name_images,
    plain_media_name,
)
from question_bank.formats.moodle19_backup import legacy_backup_as_quiz
from question_bank.formats.moodle_backup import backup_as_quiz, backup_questions_text, is_backup_archive
from question_bank.formats.xml_source import parse_with_lines
from question_bank.models import Bank, NumericalUnits, Question, QuestionType

_UNSUPPORTED_NAMES = {
    "randomsamatch": "random short-answer matching",
    "calculated": "calculated",
    "calculatedsimple": "simple calculated",
    "calculatedmulti": "calculated multichoice",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "ordering": "ordering",
}
_CLOZE_SPLIT = (
    "a {kind} question with {count} {parts}: imported as {count} questions, one per {part}, each asking it "
    "as _____ and worth its points"
)
_SPLIT_KIND_NAMES = {
    "matching": "matching",
    "ddmatch": "drag-and-drop matching",
    "cloze": "Cloze",
    "multianswer": "Cloze",
    "gapselect": "select-missing-words",
    "ddwtos": "drag-and-drop-into-text",
}
_RANDOM_LEFT_OUT = (
    "a random-question placeholder (Moodle draws a question from its category when the quiz runs) is "
    "not a question; left out"
)
_QUIZ_ROOT = re.compile(
    r"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<quiz[\s>/]", re.DOTALL
)

_TENTA_COMMENT = re.compile(r"(?:<\?xml[^>]*\?>\s*)?<quiz>\s*<!-- (?P<comment>.*?) -->", re.DOTALL)
"""tenta's export: the XML declaration, <quiz> and the comment naming the bank before any question."""
_SOFT_HYPHEN = "\u00ad"
_DOUBLE_DASH = re.compile(r"-(?=-)")
_SPLIT_DOUBLE_DASH = re.compile(rf"(?<=-){_SOFT_HYPHEN}(?=-)")
"""A '--' the export wrote into its comment as '-\u00ad-' (XML comments may not hold '--')."""

_MARKDOWN_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_PLUGINFILE_LINK = re.compile(
    r"""<a\b([^>]*\bhref\s*=\s*["']@@PLUGINFILE@@/[^"']*["'][^>]*)>[^<]*</a>""", re.IGNORECASE
)
_TAG_ATTRIBUTE = re.compile(r"""\b(alt|src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SOUND_NAME = re.compile(r"\.(mp3|m4a|oga|ogg|opus|wav|aac|flac|weba)$", re.IGNORECASE)
_VIDEO_NAME = re.compile(r"\.(mp4|m4v|webm|ogv|mov)$", re.IGNORECASE)
_IMAGE_NAME = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$", re.IGNORECASE)
_MEDIA_MARKER = re.compile(r"\[(image|sound|video): ([^\]\n]+)\]")


def _played_kind(name: str) -> str | None:
    if _SOUND_NAME.search(name):
        return "sound"
    return "video" if _VIDEO_NAME.search(name) else None


class _MoodleXmlUnsupported(ValueError):
    """A well-formed question of a kind tenta has no type for."""


class _MoodleXmlError(ValueError):
    """A problem inside one question; becomes an InputFileError at that question's line."""


"""Roots of the question files inside Moodle course backups (a .mbz's questions.xml; Moodle 1.9's
moodle.xml), which hold questions in backup form rather than as an export."""


def _parse_document(text: str, path: Path) -> tuple[Element, dict[Element, int]]:
    """The <quiz> root and each element's line; malformed XML or entity tricks are one clean error."""
    root, lines = parse_with_lines(text, path)
    if root.tag == "question_categories":
        return backup_as_quiz(root, lines, path), lines
    if root.tag == "MOODLE_BACKUP":
        return legacy_backup_as_quiz(root, lines, path), lines
    if root.tag != "quiz":
        raise InputFileError(
            path,
            f"not a Moodle XML question export: the root element is <{root.tag}>, expected <quiz>",
            line=lines.get(root),
        )
    return root, lines


def _readable(raw: str, text_format: str) -> str:
    """Plain text of a Moodle text field in its declared format (html, moodle_auto_format, markdown…)."""
    text = raw.strip()
    if text_format == "html" or (text_format == "moodle_auto_format" and HTML_TAG.search(text)):
        marked = _PLUGINFILE_LINK.sub(_played_link, name_images(text))
        return html_to_text(marked, keep_newlines=text_format == "moodle_auto_format")
    if text_format == "markdown":
        return _markdown_media_marked(text)
    return decode_entities(text) if text_format == "moodle_auto_format" else text


def _markdown_media_marked(text: str) -> str:
    """Markdown with its pictures (`![alt](src)` or an inline <img>) as "[image: alt or file name]" and
    links to its own sound and video files as "[sound: name]", as tenta's Moodle XML export writes them."""

    def image(alt: str, source: str) -> str:
        return f"[image: {html.unescape(alt).strip() or file_name_of_url(html.unescape(source))}]"

    def attributes(tag: str) -> dict[str, str]:
        return {name.lower(): a or b for name, a, b in _TAG_ATTRIBUTE.findall(tag)}

    def tag_image(match: re.Match[str]) -> str:
        found = attributes(match.group(0))
        return image(found.get("alt", ""), found.get("src", "")) if found.get("src") else match.group(0)

    text = _MARKDOWN_IMAGE.sub(lambda match: image(match.group(1), match.group(2)), text)
    return _PLUGINFILE_LINK.sub(_played_link, _HTML_IMAGE.sub(tag_image, text))


def _played_link(match: re.Match[str]) -> str:
    """A link to one of the question's own sound or video files as "[sound: name]" / "[video: name]" (Moodle's
    media filter plays such a link in place, in HTML and Markdown texts alike); any other link unchanged."""
    href = {name.lower(): a or b for name, a, b in _TAG_ATTRIBUTE.findall(match.group(1))}.get("href", "")
    name = file_name_of_url(html.unescape(href))
    kind = _played_kind(name)
    return f"[{kind}: {name}]" if kind else match.group(0)


def _text(element: Element | None) -> str:
    """The raw content of a Moodle field: its <text> child, or its own text when written without one."""
    if element is None:
        return ""
    child = element.find("text")
    return (child.text if child is not None else element.text) or ""


def _formatted(element: Element | None, default_format: str = "moodle_auto_format") -> str:
    """Readable text of a field such as <questiontext format="html"><text>…</text></questiontext>."""
    if element is None:
        return ""
    return _readable(_text(element), element.get("format", default_format).lower())


def _number(raw: str, what: str) -> float:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise _MoodleXmlError(f"{what} {raw.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise _MoodleXmlError(f"{what} {raw.strip()!r} is not a finite number")
    return value


def _fraction(answer: Element) -> float:
    """Moodle's fraction attribute is a percentage ('100', '33.33333', '-50')."""
    percent = _number(answer.get("fraction", "0"), "answer fraction")
    if not -100.0001 <= percent <= 100.0001:
        raise _MoodleXmlError(f"answer fraction {percent:g} is outside -100..100")
    return round(max(-1.0, min(1.0, percent / 100)), 7)


def _answers(question: Element) -> list[Element]:
    return question.findall("answer")


def _multiple_choice(question: Element) -> dict[str, Any]:
    choices = []
    for answer in _answers(question):
        text = _formatted(answer)
        if not text:
            raise _MoodleXmlError("an answer choice is empty")
        feedback = _formatted(answer.find("feedback"))
        choices.append({"text": text, "fraction": _fraction(answer), "feedback": feedback})
    if len(choices) < 2:
        raise _MoodleXmlError("a multiple-choice question needs at least two answers")
    return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices}


def _true_false(question: Element) -> dict[str, Any]:
    by_value: dict[str, dict[str, Any]] = {}
    for answer in _answers(question):
        value = _text(answer).strip().lower()
        if value not in ("true", "false"):
            raise _MoodleXmlError(f"a true/false answer must be 'true' or 'false', not {value!r}")
        label = TRUE_TEXT if value == "true" else FALSE_TEXT
        by_value[value] = {
            "text": label,
            "fraction": _fraction(answer),
            "feedback": _formatted(answer.find("feedback")),
        }
    if set(by_value) != {"true", "false"}:
        raise _MoodleXmlError("a true/false question needs one 'true' and one 'false' answer")
    return {"type": QuestionType.TRUE_FALSE.value, "choices": [by_value["true"], by_value["false"]]}


def _short_answer(question: Element) -> dict[str, Any]:
    choices = []
    for answer in _answers(question):
        text = _formatted(answer, "plain_text")
        if not text:
            raise _MoodleXmlError("an accepted answer is empty")
        feedback = _formatted(answer.find("feedback"))
        choices.append({"text": text, "fraction": _fraction(answer), "feedback": feedback})
    if not choices:
        raise _MoodleXmlError("a short-answer question needs at least one accepted answer")
    case_sensitive = (question.findtext("usecase") or "0").strip() not in ("", "0", "false")
    return {"type": QuestionType.SHORT_EXACT.value, "choices": choices, "case_sensitive": case_sensitive}


def _other_answer_feedback(question: Element) -> str:
    """A numerical question's feedback for any other answer (its '*' answer worth nothing)."""
    return "\n\n".join(
        feedback
        for answer in _answers(question)
        if _text(answer).strip() == "*"
        if (feedback := _formatted(answer.find("feedback")))
    )


def _numerical(question: Element) -> dict[str, Any]:
    accepted = []
    for answer in _answers(question):
        value_text = _text(answer).strip()
        if value_text == "*":
            continue  # "any other answer": its feedback is kept by _other_answer_feedback
        fraction = _fraction(answer)
        if fraction < 0:
            raise _MoodleXmlError("a numerical answer cannot have a negative fraction")
        tolerance = answer.find("tolerance")
        tolerance_value = _number(tolerance.text or "0", "tolerance") if tolerance is not None else 0.0
        accepted.append(
            {
                "value": _number(value_text, "numerical answer"),
                "tolerance": abs(tolerance_value),
                "fraction": fraction,
                "feedback": _formatted(answer.find("feedback")),
            }
        )
    if not accepted:
        raise _MoodleXmlError("a numerical question needs at least one accepted value")
    return {"type": QuestionType.NUMERICAL.value, "numerical": accepted, "units": _units(question)}


_UNIT_GRADING = {"0": "optional", "1": "mark", "2": "max"}
"""Moodle's unitgradingtype: 0 a unit is optional, 1 a wrong unit costs the penalty times the answer's
mark, 2 the penalty of the question's maximum."""
_UNITS_NOT_USED = "3"
"""showunits 3 (UNITNONE): only the number is graded, whatever units the question lists."""


def _units(question: Element) -> dict[str, Any] | None:
    """A numerical question's units (`<units><unit><multiplier>100</multiplier><unit_name>cm</unit_name>`)
    and how a wrong or missing unit is graded; None when it lists none or does not use them."""
    showunits = (question.findtext("showunits") or "").strip()
    units = []
    for unit in question.iterfind("units/unit"):
        name = (unit.findtext("unit_name") or "").strip()
        if name:
            multiplier = _number(unit.findtext("multiplier") or "1", f"unit {name!r} multiplier")
            if multiplier <= 0:
                raise _MoodleXmlError(f"unit {name!r} multiplier {multiplier:g} is not positive")
            units.append({"name": name, "multiplier": multiplier})
    if not units or showunits == _UNITS_NOT_USED:
        return None
    grading_type = (question.findtext("unitgradingtype") or "0").strip()
    if grading_type not in _UNIT_GRADING:
        raise _MoodleXmlError(f"unitgradingtype {grading_type!r} is not 0, 1 or 2")
    penalty = _number(question.findtext("unitpenalty") or "0", "unitpenalty")
    if not 0 <= penalty <= 1:
        raise _MoodleXmlError(f"unitpenalty {penalty:g} is outside 0..1")
    return {
        "units": units,
        "grading": _UNIT_GRADING[grading_type],
        "penalty": penalty,
        "left": (question.findtext("unitsleft") or "0").strip() == "1",
    }


def _multiple_response(question: Element, *, all_or_nothing: bool) -> dict[str, Any]:
    """Multiple-response types that mark every right choice 100 %: each right choice earns an equal
    share. A wrong choice cancels one share, or with `all_or_nothing` (the others then 0) the question
    earns its points only for exactly the right choices."""
    data = _multiple_choice(question)
    right = [choice for choice in data["choices"] if choice["fraction"] > 0]
    if not right:
        raise _MoodleXmlError("a multiple-response question needs at least one right answer")
    share, wrong = response_shares(len(right), penalise_wrong=not all_or_nothing)
    for choice in data["choices"]:
        choice["fraction"] = share if choice["fraction"] > 0 else wrong
    return {**data, "all_or_nothing": all_or_nothing}


def _all_or_nothing(question: Element) -> dict[str, Any]:
    """'multichoiceset' (all-or-nothing multiple choice, a widely installed plugin)."""
    return _multiple_response(question, all_or_nothing=True)


def _right_minus_wrong(question: Element) -> dict[str, Any]:
    """'oumultiresponse' (the Open University's multiple response): a wrong choice cancels a right one."""
    return _multiple_response(question, all_or_nothing=False)


_BUILDERS = {
    "multichoice": _multiple_choice,
    "multichoiceset": _all_or_nothing,
    "oumultiresponse": _right_minus_wrong,
    "truefalse": _true_false,
    "shortanswer": _short_answer,
    "numerical": _numerical,
}


def _category(category: Element) -> tuple[str, ...]:
    """The category a <question type="category"> puts the questions after it in: its names, Moodle's
    context, 'top' and 'Default for …' dropped."""
    return category_path(_text(category.find("category")))


def _tags(question: Element) -> list[str]:
    return [text for tag in question.findall("tags/tag") if (text := _text(tag).strip())]


def _max_points(question: Element) -> float | None:
    grade = question.find("defaultgrade")
    if grade is None or not (grade.text or "").strip():
        return None
    points = _number(grade.text or "", "defaultgrade")
    return points if points > 0 else None


def _written_in_markdown(question: Element) -> bool:
    """The question text is Markdown (format="markdown"): Moodle's other formats show '*' and '_' as
    written, and their HTML is read as plain text."""
    text = question.find("questiontext")
    return text is not None and text.get("format", "").strip().lower() == "markdown"


def _prompt(question: Element, renamed: dict[str, str]) -> str:
    """The question text, naming the picture Moodle 1.9 exports kept in a separate <image> element, and
    each picture by the name it has among the bank's media."""
    prompt = _formatted(question.find("questiontext"))
    image = (question.findtext("image") or "").strip()
    if image:
        file_name = file_name_of_url(image)
        prompt = f"{prompt}\n\n[image: {file_name}]".strip()
    for name, bank_name in renamed.items():
        prompt = prompt.replace(f"[image: {name}]", f"[image: {bank_name}]")
    return prompt


@dataclass
class _EmbeddedMedia:
    """The files each question shows, under bank-wide names, and where each name's content is."""

    names: dict[Element, tuple[str, ...]] = field(default_factory=dict)
    content: dict[str, tuple[str, Element]] = field(default_factory=dict)
    renamed: dict[Element, dict[str, str]] = field(default_factory=dict)  # file name -> bank-wide name


def _shown_files(question: Element) -> Iterator[tuple[str, str, Element]]:
    """(name, base64 text, element) of the files a student sees while answering: the question text's
    and the choices' `<file>`s and pictures written into their HTML as data: URIs, and Moodle 1.9's
    `<image_base64>`."""
    holders = [question.find("questiontext"), *question.findall("answer")]
    for holder in holders:
        for element in holder.findall("file") if holder is not None else ():
            name = plain_media_name(element.get("name", ""))
            encoded = "".join((element.text or "").split())
            if name and encoded and element.get("encoding", "base64").lower() == "base64":
                yield name, encoded, element
        if holder is not None:
            for name, encoded in _data_uri_images(holder.findtext("text") or ""):
                yield name, encoded, holder
    legacy = question.find("image_base64")
    image_name = plain_media_name(file_name_of_url(question.findtext("image") or ""))
    if legacy is not None and image_name and (encoded := "".join((legacy.text or "").split())):
        yield image_name, encoded, legacy


def _missing_pictures(question: Element) -> Iterator[str]:
    """Why each picture the question text or a choice shows is not the question's: an @@PLUGINFILE@@ file
    the export does not hold, or an address on the web (a picture pasted from another Moodle page, which
    Moodle does not export with the question). The text still names it as "[image: …]"."""
    embedded = {name for name, _encoded, _element in _shown_files(question)}
    holders = [question.find("questiontext"), *question.findall("answer")]
    for holder in holders:
        for source in (source.strip() for source in image_sources(_text(holder))):
            if not source or data_uri_image(source) is not None:
                continue
            name = plain_media_name(file_name_of_url(source))
            if source.startswith("@@PLUGINFILE@@"):
                if name not in embedded:
                    yield f"picture {name!r} is not in the export; left out (the text still names it)"
            elif "://" in source or source.startswith("//"):
                yield (
                    f"picture {source!r} is on the web, which tenta does not fetch; left out (the text still "
                    "names it)"
                )


def _data_uri_images(markup: str) -> Iterator[tuple[str, str]]:
    """(name, base64 content) of each picture the HTML holds as a data: URI."""
    for source in image_sources(markup):
        if (embedded := data_uri_image(source)) is not None:
            yield embedded


def _embedded_media(root: Element) -> _EmbeddedMedia:
    """Every question's files named in document order, so the importer and the reader agree."""
    media = _EmbeddedMedia()
    unique = UniqueNames()
    for question in root.iter("question"):
        names = []
        for name, encoded, element in _shown_files(question):
            bank_name = unique.add(name, encoded)
            media.content.setdefault(bank_name, (encoded, element))
            names.append(bank_name)
            if bank_name != name:
                media.renamed.setdefault(question, {})[name] = bank_name
        if names:
            media.names[question] = tuple(dict.fromkeys(names))
    return media


def _parse_question(
    question: Element,
    kind: str,
    line: int,
    name: str,
    category: tuple[str, ...],
    *,
    media: _EmbeddedMedia,
    source: Element | None = None,
) -> MoodleQuestion:
    """One question in `category` (its path the first topic); `source` is the <question> of the file when
    `question` is its copy in one language (the media are found by the file's element)."""
    source = question if source is None else source
    if kind in _UNSUPPORTED_NAMES or (kind not in _BUILDERS and kind != "essay"):
        label = _UNSUPPORTED_NAMES.get(kind, kind or "untyped")
        raise _MoodleXmlUnsupported(
            f"{label} questions (type {kind!r}) are not supported by tenta; remove or convert this question"
        )
    general_feedback = _formatted(question.find("generalfeedback"))
    reference = ""
    if kind == "essay":
        data: dict[str, Any] = {"type": QuestionType.FREE_TEXT.value}
        reference = _formatted(question.find("graderinfo")) or _formatted(question.find("answer/feedback"))
        if not reference:
            reference, general_feedback = general_feedback, ""
    else:
        data = _BUILDERS[kind](question)
    data.update(
        _outcome_and_hints(
            question, general_feedback, _other_answer_feedback(question) if kind == "numerical" else ""
        )
    )
    topics = list(dict.fromkeys(item for item in ("/".join(category), *_tags(question)) if item))
    if source in media.names:
        data["media"] = list(media.names[source])
    return MoodleQuestion(
        line=line,
        title=name,
        moodle_id=_text(question.find("idnumber")).strip(),
        prompt=_prompt(question, media.renamed.get(source, {})),
        data=data,
        general_feedback=general_feedback,
        reference=reference,
        topics=topics,
        max_points=_max_points(question),
        category=category,
        markdown=_written_in_markdown(question),
    )


def _outcome_and_hints(question: Element, general: str, other_answer: str = "") -> dict[str, Any]:
    """The question's outcome_feedback and hints fields: Moodle's correct / partially correct / incorrect
    feedback (`other_answer`, a numerical question's '*' feedback, when it has no incorrect one), <hint>s."""
    return outcome_fields(
        general,
        correct=_formatted(question.find("correctfeedback")),
        partial=_formatted(question.find("partiallycorrectfeedback")),
        incorrect=_formatted(question.find("incorrectfeedback")) or other_answer,
        hints=[_formatted(hint) for hint in question.findall("hint")],
    )


_CLOZE_KINDS = frozenset({"cloze", "multianswer"})
_MATCHING_KINDS = frozenset({"matching", "ddmatch"})
"""Moodle's matching and the drag-and-drop matching plugin (qtype_ddmatch), whose answers may be HTML."""
_SPLIT_KINDS = frozenset(_SPLIT_KIND_NAMES)
_PLACEHOLDER = re.compile(r"\[\[(\d+)\]\]")


def _with_question_text(question: Element, markup: str) -> Element:
    copy = deepcopy(question)
    field_element = copy.find("questiontext")
    if field_element is not None:
        holder = field_element.find("text")
        (holder if holder is not None else field_element).text = markup
    return copy


def _cloze_gaps(markup: str) -> list[cloze.Gap]:
    try:
        found = cloze.gaps(markup)
    except cloze.ClozeError as error:
        raise _MoodleXmlError(f"Cloze {error}") from None
    if not found:
        raise _MoodleXmlError("a Cloze question without gaps ({1:SHORTANSWER:=answer} …)")
    return found


def _gap_choice_gaps(question: Element, markup: str) -> list[cloze.Gap]:
    """Select missing words / drag and drop into text: gap [[n]] is answered by the n-th option, chosen
    among the options of its group; Moodle gives every gap an equal share of the question's points."""
    options = []
    for option in [*question.findall("selectoption"), *question.findall("dragbox")]:
        text = _text(option).strip()
        options.append((html_to_text(text) if HTML_TAG.search(text) else text, _text(option.find("group"))))
    placeholders = list(_PLACEHOLDER.finditer(markup))
    if not placeholders:
        raise _MoodleXmlError("a select-missing-words question without gaps ([[1]] …)")
    points = (_max_points(question) or 1.0) / len(placeholders)
    found = []
    for placeholder in placeholders:
        number = int(placeholder.group(1))
        if not 1 <= number <= len(options):
            raise _MoodleXmlError(f"gap [[{number}]] names no answer: the question has {len(options)}")
        right, group = options[number - 1]
        texts = dict.fromkeys(text for text, option_group in options if option_group == group and text)
        choices = [{"text": text, "fraction": 1.0 if text == right else 0.0} for text in texts]
        data = {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices}
        found.append(cloze.Gap(placeholder.start(), placeholder.end(), tidy_number(points), data))
    return found


@dataclass(frozen=True)
class _Part:
    """One question made of a part of a Moodle question: its text, what follows it, fields and points."""

    markup: str
    suffix: str
    data: dict[str, Any]
    points: float


def _parts(question: Element, kind: str) -> list[_Part]:
    markup = _text(question.find("questiontext"))
    if kind in _MATCHING_KINDS:
        return _matching_parts(question, markup)
    found = _cloze_gaps(markup) if kind in _CLOZE_KINDS else _gap_choice_gaps(question, markup)
    return [
        _Part(cloze.asking(markup, found, index), "", gap.data, gap.points) for index, gap in enumerate(found)
    ]


def _matching_parts(question: Element, markup: str) -> list[_Part]:
    """Matching: one choice among every answer per item to match (formats/matching.py)."""
    pairs = []
    for item in question.findall("subquestion"):
        answer = _text(item.find("answer")).strip()
        pairs.append(
            matching.Pair(
                _formatted(item, "html"), html_to_text(answer) if HTML_TAG.search(answer) else answer
            )
        )
    try:
        asked = matching.asked_items(pairs, _max_points(question) or 1.0)
    except matching.MatchingError as error:
        raise _MoodleXmlError(str(error)) from None
    return [_Part(markup, item.asking, item.data, item.points) for item in asked]


def _split_questions(
    question: Element,
    line: int,
    name: str,
    category: tuple[str, ...],
    *,
    media: _EmbeddedMedia,
    source: Element,
) -> list[MoodleQuestion]:
    """One question per gap of an embedded-answers (Cloze, formats/cloze.py), select-missing-words or
    drag-and-drop-into-text question (the whole text with its gap as _____), and per item of a matching
    question, named '<name> (1)', '<name> (2)' … and, with an idnumber, '<idnumber>-1' …; each shows the
    question's feedback."""
    parts = _parts(question, question.get("type", "").strip().lower())
    general = _formatted(question.find("generalfeedback"))
    feedback_fields = _outcome_and_hints(question, general)
    moodle_id = _text(question.find("idnumber")).strip()
    several = len(parts) > 1
    questions = []
    for index, part in enumerate(parts):
        data = {**part.data, **feedback_fields}
        if source in media.names:
            data["media"] = list(media.names[source])
        prompt = _prompt(_with_question_text(question, part.markup), media.renamed.get(source, {}))
        questions.append(
            MoodleQuestion(
                line=line,
                title=f"{name} ({index + 1})" if several else name,
                moodle_id=f"{moodle_id}-{index + 1}" if moodle_id and several else moodle_id,
                prompt=prompt + part.suffix,
                data=data,
                general_feedback=general,
                topics=list(dict.fromkeys(item for item in ("/".join(category), *_tags(question)) if item)),
                max_points=part.points,
                category=category,
                markdown=_written_in_markdown(question),
            )
        )
    return questions


def _name(question: Element) -> str:
    raw_name = _text(question.find("name")).strip()
    return html_to_text(raw_name) if HTML_TAG.search(raw_name) else raw_name


def _languages_of(question: Element) -> list[str]:
    """The languages of a question's multi-language texts (Moodle's multilang filters), first seen first."""
    found: dict[str, None] = {}
    for text in question.iter("text"):
        found.update(dict.fromkeys(multilang.languages(text.text or "")))
    return list(found)


def _in_language(question: Element, language: str) -> Element:
    """A copy of the question with every text as a reader in `language` sees it."""
    copy = deepcopy(question)
    for text in copy.iter("text"):
        if text.text:
            text.text = multilang.in_language(text.text, language)
    return copy


def parse_moodle_xml(text: str, path: Path, problems: ImportProblems) -> list[MoodleQuestion]:
    """Every question of a Moodle XML export; problems inside questions are collected, not raised."""
    root, lines = _parse_document(text, path)
    media = _embedded_media(root)
    category: tuple[str, ...] = ()
    parsed = []
    for position, question in enumerate(root.iter("question"), start=1):
        kind = question.get("type", "").strip().lower()
        line = lines.get(question, 0)
        spoken = _languages_of(question)
        if kind == "category":
            category = _category(_in_language(question, spoken[0]) if spoken else question)
            continue
        name = _name(_in_language(question, spoken[0]) if spoken else question) or f"question {position}"
        if kind in ("description", "random"):
            problems.left_out(
                DESCRIPTION_LEFT_OUT if kind == "description" else _RANDOM_LEFT_OUT, line=line, field=name
            )
            continue
        if kind in _SPLIT_KINDS or kind in _BUILDERS or kind == "essay":
            for reason in dict.fromkeys(_missing_pictures(question)):
                problems.note(reason, line=line, field=name)
        try:
            if kind in _SPLIT_KINDS:
                shown = _in_language(question, spoken[0]) if spoken else question
                split = _split_questions(shown, line, name, category, media=media, source=question)
                parsed += split
                if len(split) > 1:
                    part = "item" if kind in _MATCHING_KINDS else "gap"
                    reason = _CLOZE_SPLIT.format(
                        kind=_SPLIT_KIND_NAMES[kind], count=len(split), parts=f"{part}s", part=part
                    )
                    problems.note(reason, line=line, field=name)
                continue
            if not spoken:
                parsed.append(_parse_question(question, kind, line, name, category, media=media))
                continue
            versions = [
                _parse_question(
                    _in_language(question, language), kind, line, name, category, media=media, source=question
                )
                for language in spoken
            ]
            parsed.append(
                replace(
                    versions[0],
                    language=spoken[0],
                    translations={lang: v.prompt for lang, v in zip(spoken[1:], versions[1:], strict=True)},
                    reference_translations={
                        lang: v.reference for lang, v in zip(spoken[1:], versions[1:], strict=True)
                    },
                )
            )
        except _MoodleXmlError as error:
            problems.add(str(error), line=line, field=name)
        except _MoodleXmlUnsupported as error:
            problems.unsupported(str(error), line=line, field=name)
    return parsed


def import_moodle_xml(
    path: Path, *, skipped: list[InputFileError] | None = None, notes: list[str] | None = None
) -> Bank:
    """A bank from a Moodle XML export; essays take their reference answer from the grader information.

    With a `skipped` list, questions tenta has no type for are recorded there instead of failing; a
    `notes` list gets the descriptions left out."""
    text = _document_text(path)
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    parsed = parse_moodle_xml(text, path, problems)
    names = bank_names(moodle_xml_header(text), parsed, path)
    return moodle_bank(
        path,
        parsed,
        problems,
        title=names.title,
        bank_id=names.bank_id,
        version=names.version,
        missing_reference="essay question has no reference answer: write one in Moodle's 'Information for "
        "graders' (or the general feedback) and export again",
    )


def _document_text(path: Path) -> str:
    """The XML to read: the file's text, or a course backup file's questions.xml."""
    return backup_questions_text(path) if is_backup_archive(path) else read_text(path, windows_encodings=True)


def read_moodle_media(path: Path, names: Collection[str]) -> Iterator[tuple[str, bytes]]:
    """(name, decoded bytes) of the named embedded files (names as the importer listed them)."""
    root, lines = _parse_document(_document_text(path), path)
    for name, (encoded, element) in _embedded_media(root).content.items():
        if name not in names:
            continue
        if len(encoded) // 4 * 3 > MAX_MEDIA_FILE_BYTES:
            raise InputFileError(
                path,
                f"embedded file {name!r} is over {MAX_MEDIA_FILE_BYTES // 2**20} MB; refusing to read it",
                line=lines.get(element),
            )
        try:
            content = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise InputFileError(
                path, f"embedded file {name!r} is not valid base64", line=lines.get(element)
            ) from None
        yield name, content


def moodle_xml_header(text: str) -> BankNames | None:
    """The bank a Moodle XML file names when its <quiz> opens with the comment tenta's export writes
    there (' Title (tenta bank id, version v) '); a comment anywhere else names nothing."""
    match = _TENTA_COMMENT.match(text)
    return tenta_header(_SPLIT_DOUBLE_DASH.sub("", match["comment"])) if match else None


def looks_like_moodle_xml(text: str) -> bool:
    """True when the text is an XML document whose root element is Moodle's <quiz>."""
    return _QUIZ_ROOT.match(text.lstrip("\ufeff")) is not None


_MOODLE_TYPES = {
    QuestionType.FREE_TEXT: "essay",
    QuestionType.MULTIPLE_CHOICE: "multichoice",
    QuestionType.TRUE_FALSE: "truefalse",
    QuestionType.SHORT_EXACT: "shortanswer",
    QuestionType.NUMERICAL: "numerical",
}


def _field(parent: Element, tag: str, text: str, text_format: str | None = "markdown") -> Element:
    """<tag format="markdown"><text>…</text></tag>, Moodle's shape for every text field."""
    element = SubElement(parent, tag, {"format": text_format} if text_format else {})
    SubElement(element, "text").text = text
    return element


def _percent_text(fraction: float) -> str:
    return f"{fraction * 100:.7g}"


def _answer(
    parent: Element, text: str, fraction: float, feedback: str, text_format: str | None, *, files: _Files
) -> Element:
    answer = SubElement(
        parent, "answer", {"fraction": _percent_text(fraction), **_format_attribute(text_format)}
    )
    text, shown = _media_placed(text, files.names, spare_images=False)
    SubElement(answer, "text").text = text
    files.embed(answer, shown)
    _field(answer, "feedback", feedback)
    return answer


@dataclass
class _Files:
    """A question's media files to embed as Moodle does: base64 <file>s in the text element that shows
    them (question text or answer), which refers to each as @@PLUGINFILE@@/name."""

    names: Sequence[str]
    content: Mapping[str, bytes]

    def embed(self, holder: Element, names: Sequence[str]) -> None:
        for name in names:
            if name in self.content:
                file = SubElement(holder, "file", {"name": name, "path": "/", "encoding": "base64"})
                file.text = base64.b64encode(self.content[name]).decode("ascii")


def _plugin_file_markup(name: str, label: str) -> str:
    """How Moodle's editor shows a file of the text: a picture inline, a link (its media player) else."""
    url = "@@PLUGINFILE@@/" + quote(name, safe="")
    if _IMAGE_NAME.search(name):
        return f'<img src="{url}" alt="{html.escape(label)}">'
    return f'<a href="{url}">{html.escape(name)}</a>'


def _media_placed(text: str, names: Sequence[str], *, spare_images: bool) -> tuple[str, list[str]]:
    """The text with each "[image: name]" / "[sound: name]" marker of one of `names` as the file's
    markup, and the names placed. With `spare_images`, a picture marker naming no file (its alt text)
    takes the next picture no marker names, in order, as the importer listed them."""
    marked = {match.group(2) for match in _MEDIA_MARKER.finditer(text)}
    spare = iter([name for name in names if name not in marked and _IMAGE_NAME.search(name)])
    placed: list[str] = []

    def markup(match: re.Match[str]) -> str:
        kind, label = match.groups()
        name = label if label in names else (next(spare, None) if spare_images and kind == "image" else None)
        if name is None:
            return match.group(0)
        placed.append(name)
        return _plugin_file_markup(name, label)

    return _MEDIA_MARKER.sub(markup, text), list(dict.fromkeys(placed))


def _question_text(element: Element, prompt: str, question: Question, files: _Files) -> None:
    """The question text with its media: placed where the markers are, the files no marker (of the
    text or a choice) places appended, all embedded except those a choice shows."""
    in_choices = {
        name
        for choice in question.choices
        for match in _MEDIA_MARKER.finditer(choice.text)
        if (name := match.group(2)) in files.names
    }
    text, placed = _media_placed(
        prompt, [name for name in files.names if name not in in_choices], spare_images=True
    )
    rest = [name for name in files.names if name not in placed and name not in in_choices]
    if rest:
        text += "\n\n" + " ".join(_plugin_file_markup(name, name) for name in rest)
    shows_files = bool(placed or rest)
    holder = _field(element, "questiontext", text, _moodle_format(question, shows_files=shows_files))
    files.embed(holder, [*placed, *rest])


def _moodle_format(question: Question, *, shows_files: bool = False) -> str:
    """Moodle's format for the question's texts: markdown for a Markdown question; for a plain one
    plain_text, which Moodle shows as written, or moodle_auto_format (as written, line breaks kept, HTML
    allowed) for a question text that shows its pictures through <img>."""
    if question.text_format == "markdown":
        return "markdown"
    return "moodle_auto_format" if shows_files else "plain_text"


def _format_attribute(text_format: str | None) -> dict[str, str]:
    return {"format": text_format} if text_format else {}


def _question_element(quiz: Element, question: Question, language: str, media: Mapping[str, bytes]) -> None:
    kind = _MOODLE_TYPES[question.type]
    element = SubElement(quiz, "question", {"type": kind})
    _field(element, "name", question.id, None)
    prompt = question.prompt_in(language)
    if question.code:
        prompt += f"\n\n```{question.code.language}\n{question.code.source}\n```"
    files = _Files([name for name in question.media if name in media], media)
    _question_text(element, prompt, question, files)
    _field(element, "generalfeedback", question.general_feedback, _moodle_format(question))
    SubElement(element, "defaultgrade").text = f"{question.max_points:g}"
    SubElement(element, "idnumber").text = question.id
    if question.type is QuestionType.FREE_TEXT:
        for tag, value in (
            ("responseformat", "editor"),
            ("responserequired", "1"),
            ("responsefieldlines", "15"),
        ):
            SubElement(element, tag).text = value
        SubElement(element, "attachments").text = "0"
        _field(element, "graderinfo", question.reference_in(language), _moodle_format(question))
    elif question.type is QuestionType.NUMERICAL:
        for accepted in question.numerical:
            answer = _answer(
                element, f"{accepted.value!r}", accepted.fraction, accepted.feedback, None, files=files
            )
            SubElement(answer, "tolerance").text = f"{accepted.tolerance!r}"
        _any_other_answer(element, question)
        if question.units is not None:
            _units_element(element, question.units)
    else:
        fractions = moodle_choice_fractions(question)  # all or nothing as core multichoice comes closest
        if question.type is QuestionType.MULTIPLE_CHOICE:
            single = [fraction for fraction in fractions if fraction > 0] == [1.0]
            SubElement(element, "single").text = "true" if single else "false"
            SubElement(element, "shuffleanswers").text = "1"
        if question.type is QuestionType.SHORT_EXACT:
            SubElement(element, "usecase").text = "1" if question.case_sensitive else "0"
        for choice, fraction in zip(question.choices, fractions, strict=True):
            text = choice.text
            if question.type is QuestionType.TRUE_FALSE:
                text = "true" if choice.text.strip().lower() == TRUE_TEXT.lower() else "false"
            _answer(element, text, fraction, choice.feedback, "moodle_auto_format", files=files)
    _outcome_feedback_and_hints(element, question)
    if len(question.topics) > 1:
        tags = SubElement(element, "tags")
        for topic in question.topics[1:]:
            SubElement(SubElement(tags, "tag"), "text").text = topic


def _any_other_answer(element: Element, question: Question) -> None:
    """A numerical question's feedback for a wrong answer as Moodle's '*' answer worth nothing: Moodle's
    numerical questions have no incorrect feedback of their own."""
    if question.outcome_feedback is not None and question.outcome_feedback.incorrect.strip():
        answer = SubElement(element, "answer", {"fraction": "0"})
        SubElement(answer, "text").text = "*"
        _field(answer, "feedback", question.outcome_feedback.incorrect)
        SubElement(answer, "tolerance").text = "0"


def _outcome_feedback_and_hints(element: Element, question: Question) -> None:
    """<correctfeedback>, <partiallycorrectfeedback>, <incorrectfeedback> (Moodle shows them for multiple
    choice; tenta reads them back for every type) and one <hint> per hint, shown after each try."""
    outcome = question.outcome_feedback
    if outcome is not None:
        for tag, text in (
            ("correctfeedback", outcome.correct),
            ("partiallycorrectfeedback", outcome.partially_correct),
            ("incorrectfeedback", outcome.incorrect),
        ):
            if text.strip():
                _field(element, tag, text)
    for hint in question.hints:
        _field(element, "hint", hint)


def _units_element(element: Element, units: NumericalUnits) -> None:
    """The units as Moodle exports them: <units>, then how a wrong unit is graded, the unit typed in."""
    listed = SubElement(element, "units")
    for unit in units.units:
        entry = SubElement(listed, "unit")
        SubElement(entry, "multiplier").text = f"{unit.multiplier!r}"
        SubElement(entry, "unit_name").text = unit.name
    grading_type = {grading: code for code, grading in _UNIT_GRADING.items()}[units.grading]
    SubElement(element, "unitgradingtype").text = grading_type
    SubElement(element, "unitpenalty").text = f"{units.penalty!r}"
    SubElement(element, "showunits").text = "0"
    SubElement(element, "unitsleft").text = "1" if units.left else "0"


def _comment_text(text: str) -> str:
    """`text` fit for an XML comment, which may not hold '--' (a title 'DL101 -- vecka 4' made the file
    one neither Moodle nor tenta reads): an invisible soft hyphen goes between two dashes, and
    moodle_xml_header takes it out again."""
    return _DOUBLE_DASH.sub("-" + _SOFT_HYPHEN, text)


def dump_moodle_xml(bank: Bank, media: Mapping[str, bytes] | None = None) -> str:
    """Moodle XML that Moodle's question import takes: main-language prompts (Markdown), topics as
    categories and tags, essays with the reference answer as information for graders, the question's
    points as default grade, outcome feedback and hints in Moodle's elements for them. Rubrics and
    second-language texts have no place in Moodle and are left out.

    With `media` (the bytes of the bank's files by name) each question's pictures and sound are embedded
    as Moodle exports them: base64 <file>s in the text that shows them, an <img> (or a link, which
    Moodle's media filter plays) where the text's "[image: name]" marker was."""
    language = bank.languages[0]
    quiz = Element("quiz")
    quiz.append(Comment(_comment_text(f" {bank.title} (tenta bank {bank.id}, version {bank.version}) ")))
    current_topic: str | None = None
    for question in bank.questions:
        topic = question.topics[0] if question.topics else ""
        if topic != current_topic:
            category = SubElement(quiz, "question", {"type": "category"})
            _field(category, "category", f"$course$/top/{topic}" if topic else "$course$/top", None)
            current_topic = topic
        _question_element(quiz, question, language, media or {})
    indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(quiz, encoding="unicode") + "\n"
