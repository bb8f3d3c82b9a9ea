"""Moodle GIFT: read what Moodle exports (and teachers write by hand), write what Moodle imports.

Parsing follows Moodle's own qformat_gift rules: questions are separated by blank lines, '//' lines are
comments (Moodle's `// [id:…]` and `// [tag:…]` give the question's id and extra topics), `$CATEGORY:`
switches the category (kept as the question's topic; the narrowest one holding every question titles the
bank, else the file name does, unless the file is tenta's own export: its first line
`// Title (tenta bank id, version v)` gives the bank back its title, id and version), `::title::` names a
question (its id unless an [id:…] is given), `[html]`/`[markdown]`/`[plain]`/`[moodle]` mark the text
format (HTML becomes readable text, images as "[image: alt]"; only [markdown] text is shown as Markdown,
every other question is marked text_format plain, so '2*3*4' reads as written; tenta's export writes the
question's own format), `\\:` `\\=` `\\~` `\\#` `\\{` `\\}` `\\n`
are escapes, and the {…} block holds the answers with `####` general feedback. Where Moodle would
silently garble a file we are kinder or stricter: a `::title::` line right after a finished question
starts a new one, and a second answer block inside one question is an error.

Mapping to tenta: `{=a ~b}` multiple_choice, `{T}`/`{FALSE}` true_false, `{=a =b}` short_exact,
`{#…}` numerical, `{}` essay -> free_text. An essay's reference answer is its general feedback (`####`,
where Moodle keeps feedback shown after the attempt); key points are proposed from it. An essay without
one is an error naming the line, since tenta cannot grade it. A matching question (`{=item -> answer …}`)
becomes one multiple-choice question per item among all the answers (formats/matching.py; `= -> answer`
is a distractor; as in Moodle, an item may carry its own [format] and a pair has no feedback of its own;
text after its answers is read on, without the blank Moodle puts there, since each item is asked as
_____), named in the notes; descriptions (text without answers) are left out, each named in the notes.
A numerical question's "any other answer" feedback (`~#…`) is its outcome feedback for a wrong answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from question_bank.errors import InputFileError
from question_bank.formats import matching
from question_bank.formats.common import (
    ImportProblems,
    QuestionDraft,
    bank_languages,
    build_bank,
    common_prefix,
    decode_entities,
    html_to_text,
    outcome_fields,
    read_text,
    slugify,
    tidy_number,
    title_from_path,
)
from question_bank.formats.media_files import file_name_of_url, image_sources, name_images
from question_bank.keypoints import read_marking_scheme
from question_bank.language import detect_bank_languages
from question_bank.models import Bank, Question, QuestionType

_ESCAPES = {
    "\\:": "\ue001",
    "\\#": "\ue002",
    "\\=": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\~": "\ue006",
}
_UNESCAPE = {
    "\ue001": ":",
    "\ue002": "#",
    "\ue003": "=",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": "~",
    "\ue007": "\n",
}
_BACKSLASH = "\ue000"
_ESCAPED_SLASH = "\ue010"
_WEIGHT = re.compile(r"^%([^%]*)%")
_FORMAT = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]", re.IGNORECASE)
HTML_TAG = re.compile(
    r"</?(?:p|br|hr|div|span|b|i|u|s|em|strong|small|big|sub|sup|code|pre|tt|kbd|font|a|img|ul|ol|li|"
    r"table|thead|tbody|tr|td|th|h[1-6]|blockquote|center|strike)\b[^>]*>",
    re.IGNORECASE,
)
_MOODLE_TAG = re.compile(r"\[(id|tag):((?:\\\]|[^\]\n])+)\]")
# Moodle names each course's top question category "Default for <course>" in the site's language
# (lang string 'defaultfor'); some languages put the course name first.
_DEFAULT_CATEGORY = re.compile(
    r"^(?:Default (?:for|per|pour|para|für|voor|dla)|(?:Par )?Défaut pour|Standard (?:för|für|for)|"
    r"Standaard voor|Por defecto (?:en|para)|Predeterminado (?:en|para)|Predefinit[oa] per|"
    r"Padrão para|(?:Valor )?por omissão para|Oletus(?: kohteelle)?|Domyśln(?:ie|a|e) dla|"
    r"Výchozí (?:v|pro)|Pengaturan awal untuk|По умолчанию для|По подразбиране за|Mặc định cho|"
    r"Alapértelmezett|Varsayılan|افتراضي لـ) |"
    r" (?:alapbeállítása|-ren berezko balioa|için varsayılan|のデフォルト)$",
    re.IGNORECASE,
)
_CODE_FENCE = re.compile(r"\n*```([\w+#.-]*)\n((?:(?!\n```).)*?)\n```\s*$", re.DOTALL)
"""The code block that ends a prompt (only the last one: an earlier block stays in the prompt)."""
_ONE_LINE_FENCE = re.compile(r"```[\w+#.-]*\n([^\n`]+)\n```")
TRUE_TEXT, FALSE_TEXT = "True", "False"


def _protect(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text.replace("\\n", "\ue007")


def _restore(text: str) -> str:
    for placeholder, char in _UNESCAPE.items():
        text = text.replace(placeholder, char)
    return text.replace(_BACKSLASH, "\\")


def _formatted(text: str, default_format: str = "moodle") -> tuple[str, str]:
    """(plain text, format name) for a GIFT text with an optional [format] marker."""
    marker = _FORMAT.match(text)
    text_format = marker.group(1).lower() if marker else default_format
    body = text[marker.end() :] if marker else text
    body = _restore(body).strip()
    if text_format == "html" or (text_format == "moodle" and HTML_TAG.search(body)):
        body = html_to_text(name_images(body), keep_newlines=text_format == "moodle")
    elif text_format == "moodle":
        body = decode_entities(body)
    return body, text_format


@dataclass
class _Paragraph:
    line: int
    text: str
    comments: str = ""


def _has_answer_block(lines: list[str]) -> bool:
    protected = _protect("\n".join(lines))
    start = protected.find("{")
    return start != -1 and protected.find("}", start) != -1


def _paragraphs(text: str) -> list[_Paragraph]:
    """Blank-line separated chunks, each with its first real line number and its '//' comment lines.

    A `::title::` line right after a finished question starts a new one even without a blank line
    between them, as teachers often forget it (Moodle would glue the two into one broken question).
    """
    chunks: list[_Paragraph] = []
    current: list[str] = []
    comments: list[str] = []
    first_line = 0

    def flush() -> None:
        if current:
            chunks.append(_Paragraph(first_line, "\n".join(current).strip(), "\n".join(comments)))
            current.clear()
            comments.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        if stripped.startswith(("::", "$CATEGORY:")) and _has_answer_block(current):
            flush()
        if not current:
            first_line = number
        current.append(line)
    flush()
    return [chunk for chunk in chunks if chunk.text]


class _GiftError(ValueError):
    """A problem inside one question; becomes an InputFileError at that question's line."""


class _GiftUnsupported(ValueError):
    """A well-formed question of a kind tenta has no type for (skippable with --skip-unsupported)."""


_PLUGIN_BLOCK = (
    "an answer block starting with '>' ({>2 …}) is for a Moodle plugin question type (ordering: the items "
    "in order, one a line; essay auto-grade; speak): not supported by tenta; remove or convert this question"
)


def _weight(answer: str, *, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(answer)
    if not match:
        return default, answer
    raw = match.group(1).strip()
    try:
        percent = float(raw)
    except ValueError:
        raise _GiftError(f"answer weight %{raw}% does not parse as a percentage") from None
    if not -100 <= percent <= 100:
        raise _GiftError(f"answer weight %{raw}% is outside -100..100")
    return tidy_number(percent / 100), answer[match.end() :]  # '%33.33333%' -> 0.3333333, not …29999999994


def _answer_and_feedback(answer: str, text_format: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _formatted(text.strip(), text_format)[0], _feedback(feedback, text_format)


def _feedback(raw: str, text_format: str) -> str:
    """An answer's feedback; its continuation lines lose the indentation that lines them up in the file
    (`#He was born in 1822.⏎      You get …`), as Moodle's HTML display does (Markdown keeps it)."""
    text, feedback_format = _formatted(raw.strip(), text_format)
    if feedback_format == "markdown":
        return text
    return "\n".join(line.strip() for line in text.split("\n"))


def _split_answers(answer_text: str, separator: str) -> list[str]:
    """Moodle's splitting: every unescaped separator starts an answer ('=' keeps its marker for MC)."""
    if separator == "~":
        answer_text = answer_text.replace("=", "~=")
    return [part.strip() for part in answer_text.split(separator) if part.strip()]


def _multiple_choice(answer_text: str, text_format: str) -> dict[str, Any]:
    choices = []
    for raw in _split_answers(answer_text, "~"):
        if raw.startswith("="):  # full marks; a '%50%' after it is the choice's text, as Moodle reads it
            fraction, body = 1.0, raw[1:].strip()
        else:
            fraction, body = _weight(raw, default=0.0)
        text, feedback = _answer_and_feedback(body, text_format)
        if not text:
            raise _GiftError("an answer choice is empty")
        choices.append({"text": text, "fraction": fraction, "feedback": feedback})
    if len(choices) < 2:
        raise _GiftError("a multiple-choice question needs at least two answers")
    return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices}


def _short_answer(answer_text: str, text_format: str) -> dict[str, Any]:
    choices = []
    for raw in _split_answers(answer_text, "="):
        fraction, body = _weight(raw.removeprefix("=").strip(), default=1.0)
        text, feedback = _answer_and_feedback(body, text_format)
        if not text:
            raise _GiftError("an accepted answer is empty")
        choices.append({"text": text, "fraction": fraction, "feedback": feedback})
    if not choices:
        raise _GiftError("a short-answer question needs at least one accepted answer")
    return {"type": QuestionType.SHORT_EXACT.value, "choices": choices}


def _true_false(answer_text: str, text_format: str) -> dict[str, Any]:
    parts = answer_text.split("#", 2)
    is_true = parts[0].strip().upper() in ("T", "TRUE")
    wrong = _formatted(parts[1].strip(), text_format)[0] if len(parts) > 1 else ""
    right = _formatted(parts[2].strip(), text_format)[0] if len(parts) > 2 else ""
    true_choice = {
        "text": TRUE_TEXT,
        "fraction": 1.0 if is_true else 0.0,
        "feedback": right if is_true else wrong,
    }
    false_choice = {
        "text": FALSE_TEXT,
        "fraction": 0.0 if is_true else 1.0,
        "feedback": wrong if is_true else right,
    }
    return {"type": QuestionType.TRUE_FALSE.value, "choices": [true_choice, false_choice]}


def _number(text: str) -> float:
    try:
        value = float(_restore(text).strip())
    except ValueError:
        raise _GiftError(f"{_restore(text).strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise _GiftError(f"{text.strip()!r} is not a finite number")
    return value


def _other_answer_feedback(answer_text: str, text_format: str) -> str:
    """A numerical question's feedback for any other answer ('~#Completely wrong' after the values)."""
    _, tilde, other = answer_text[1:].partition("~")
    _, _, feedback = other.partition("#")
    return _feedback(feedback, text_format) if tilde else ""


def _numerical(answer_text: str, text_format: str) -> dict[str, Any]:
    body = answer_text[1:]
    body = body.split("~", 1)[0]  # "any other answer" feedback: see _other_answer_feedback
    answers = []
    for raw in _split_answers(body, "="):
        fraction, rest = _weight(raw.removeprefix("=").strip(), default=1.0)
        if fraction < 0:
            raise _GiftError("a numerical answer cannot have a negative weight")
        value_text, _, feedback = rest.partition("#")
        if ".." in value_text:
            low_text, _, high_text = value_text.partition("..")
            low, high = _number(low_text), _number(high_text)
            if low > high:
                raise _GiftError(f"range {low}..{high} is empty")
            value, tolerance = tidy_number((low + high) / 2), tidy_number((high - low) / 2)
        elif ":" in value_text:
            value_part, _, tolerance_part = value_text.partition(":")
            value, tolerance = _number(value_part), abs(_number(tolerance_part))
        else:
            value, tolerance = _number(value_text), 0.0
        answers.append(
            {
                "value": value,
                "tolerance": tolerance,
                "fraction": fraction,
                "feedback": _feedback(feedback, text_format),
            }
        )
    if not answers:
        raise _GiftError("a numerical question needs at least one accepted value")
    return {"type": QuestionType.NUMERICAL.value, "numerical": answers}


def prompt_and_code(text: str) -> tuple[str, dict[str, str] | None]:
    fence = _CODE_FENCE.search(text)
    if not fence or not fence.group(2).strip():
        return text.strip(), None
    return text[: fence.start()].strip(), {"language": fence.group(1) or "python", "source": fence.group(2)}


def _inline_code(text: str) -> str:
    """A one-line code block as inline code: an option shown after its letter cannot hold a fenced
    block (Blackboard and Canvas put `<pre><code>x = 1</code></pre>` in options)."""
    return _ONE_LINE_FENCE.sub(lambda match: f"`{match.group(1).strip()}`", text)


@dataclass
class MoodleQuestion:
    """A question read from one of Moodle's formats (GIFT or Moodle XML), before it becomes a draft."""

    line: int
    title: str
    prompt: str
    data: dict[str, Any]
    general_feedback: str
    topics: list[str]
    moodle_id: str = ""
    reference: str = ""
    """An essay's model answer (empty for other types)."""
    max_points: float | None = None
    number: int | None = None
    """The number the author gave the question ('Q54.'), kept when every question has its own."""
    language: str = ""
    """The language of prompt and reference when the file says it (Moodle multi-language text)."""
    translations: dict[str, str] = field(default_factory=dict)
    """The prompt in the file's other languages (Moodle multi-language text), by language."""
    reference_translations: dict[str, str] = field(default_factory=dict)
    """An essay's model answer in the other languages, by language."""
    category: tuple[str, ...] = ()
    """The names of the category the file puts the question in, below Moodle's automatic ones."""
    markdown: bool = False
    """The question text is Markdown (GIFT's [markdown], Moodle's format="markdown"); every other text
    these formats hold (plain, Moodle auto-format, HTML made readable) is shown as written."""


DESCRIPTION_LEFT_OUT = (
    "a description (text shown between questions, nothing to answer) is not a question; left out"
)


def _matching_pairs(answer_text: str, text_format: str) -> list[matching.Pair]:
    """Moodle's reading of `=item -> answer` pairs: every unescaped '=' starts a pair, the item may have
    its own [format] marker, the answer is plain text ('#' in it is text: matching has no feedback)."""
    pairs = []
    for raw in _split_answers(answer_text, "="):
        item, arrow, answer = raw.removeprefix("=").partition("->")
        if not arrow:
            raise _GiftError(f"matching pair {_restore(raw)!r} has no '->': write =item -> answer")
        pairs.append(matching.Pair(_formatted(item.strip(), text_format)[0], _restore(answer).strip()))
    if len(pairs) < 2:
        raise _GiftError("a matching question needs at least two pairs (=item -> answer)")
    return pairs


def _matching_questions(question: MoodleQuestion, pairs: list[matching.Pair]) -> list[MoodleQuestion]:
    """One question per item (formats/matching.py), titled '<title> (1)' … and, with an [id:…], '<id>-1' …."""
    try:
        asked = matching.asked_items(pairs, 1.0)  # Moodle gives an imported GIFT question 1 point
    except matching.MatchingError as error:
        raise _GiftError(str(error)) from None
    several = len(asked) > 1
    return [
        replace(
            question,
            title=f"{question.title} ({index})" if question.title and several else question.title,
            moodle_id=f"{question.moodle_id}-{index}"
            if question.moodle_id and several
            else question.moodle_id,
            prompt=question.prompt + item.asking,
            data=item.data,
            max_points=item.points,
        )
        for index, item in enumerate(asked, start=1)
    ]


def _parse_question(paragraph: _Paragraph, category: tuple[str, ...]) -> list[MoodleQuestion]:
    """The question of a paragraph in `category` (several for a matching question, none for a
    description); the category's path is its first topic."""
    text = _protect(paragraph.text)
    title = ""
    if text.startswith("::"):
        name_end = text.find("::", 2)
        if name_end != -1:
            title = _restore(text[2:name_end]).strip()
            text = text[name_end + 2 :].strip()
        else:
            text = text[2:].strip()
    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        return []  # a description: text shown between questions, nothing to answer
    if start == -1 or finish == -1 or finish < start:
        raise _GiftError("unbalanced braces: the answers must be inside one {…} block")
    answer_text = text[start + 1 : finish].strip()
    after = text[finish + 1 :].strip()
    if "{" in after or "}" in after:
        raise _GiftError(
            "more than one {…} answer block: separate questions with a blank line, "
            "and write literal braces as \\{ and \\}"
        )
    general_feedback = ""
    separator = answer_text.rfind("####")
    if separator != -1:
        general_feedback = answer_text[separator + 4 :]
        answer_text = answer_text[:separator].strip()
    question_text = text[:start] + ("_____" + text[finish + 1 :] if after else "")
    if after and _is_matching(answer_text):  # no blank in the text: its items are asked after it
        question_text = f"{text[:start].rstrip()} {text[finish + 1 :].lstrip()}"
    prompt, text_format = _formatted(question_text.strip())
    general_feedback = _formatted(general_feedback.strip(), text_format)[0]
    _refuse_plugin_block(answer_text)
    pairs: list[matching.Pair] = []
    if answer_text == "":
        data: dict[str, Any] = {"type": QuestionType.FREE_TEXT.value}
    elif answer_text.startswith("#"):
        data = _numerical(answer_text, text_format)
        data.update(
            outcome_fields(general_feedback, incorrect=_other_answer_feedback(answer_text, text_format))
        )
    elif "~" in answer_text:
        data = _multiple_choice(answer_text, text_format)
    elif _is_matching(answer_text):
        pairs = _matching_pairs(answer_text, text_format)
        data = {"type": QuestionType.MULTIPLE_CHOICE.value}
    elif answer_text.split("#", 1)[0].strip().upper() in ("T", "TRUE", "F", "FALSE"):
        data = _true_false(answer_text, text_format)
    else:
        data = _short_answer(answer_text, text_format)
    moodle_id, tags = _id_and_tags(paragraph.comments)
    topics = [item for item in ("/".join(category), *tags) if item]
    reference = ""
    if data["type"] == QuestionType.FREE_TEXT.value:  # an essay's general feedback is its model answer
        reference, general_feedback = general_feedback, ""
    question = MoodleQuestion(
        paragraph.line,
        title,
        prompt,
        data,
        general_feedback,
        topics,
        moodle_id,
        reference,
        category=category,
        markdown=text_format == "markdown",
    )
    return _matching_questions(question, pairs) if pairs else [question]


def _refuse_plugin_block(answer_text: str) -> None:
    """Moodle's GIFT import hands a block starting with '>' to the question type plugins that read one
    (qtype_ordering exports '{>2 none' and its items in order): none is a type tenta has."""
    if answer_text.startswith(">"):
        raise _GiftUnsupported(_PLUGIN_BLOCK)


def _is_matching(answer_text: str) -> bool:
    """Pairs ('=item -> answer'), not numbers ('#…') or choices ('~…')."""
    is_other = answer_text.startswith("#") or "~" in answer_text
    return not is_other and "=" in answer_text and "->" in answer_text


def _id_and_tags(comments: str) -> tuple[str, list[str]]:
    """Moodle's `// [id:…]` and `// [tag:…]` comment lines: the question's idnumber and its tags."""
    moodle_id, tags = "", []
    for kind, raw in _MOODLE_TAG.findall(comments):
        value = raw.replace("\\]", "]").strip()
        if kind == "id" and not moodle_id:
            moodle_id = value
        elif kind == "tag" and value and value not in tags:
            tags.append(value)
    return moodle_id, tags


def category_path(category: str) -> tuple[str, ...]:
    """'$course$/top/Default for DL101/CNN' -> ('CNN',): the names of a category below Moodle's context and
    automatic parents ('top', 'Default for <course>').

    Moodle writes a '/' inside a category name as '//' (in GIFT and Moodle XML alike)."""
    path = re.sub(r"^\$(?:course|cat\d|module|system)\$/?", "", _restore(category).strip())
    names = path.replace("//", _ESCAPED_SLASH).split("/")
    parts = [" ".join(name.replace(_ESCAPED_SLASH, "/").split()) for name in names if name.strip()]
    while parts and (parts[0] == "top" or _DEFAULT_CATEGORY.search(parts[0])):
        parts.pop(0)
    return tuple(parts)


def category_title(questions: Sequence[MoodleQuestion]) -> str:
    """The name of the narrowest category holding every question, '' when a question is in none or they
    share none. Moodle exports one category (with its subcategories, each written after it) and names the
    file after it, so this is the name the file gives its questions; the automatic 'Default for <course>'
    names no bank."""
    shared = common_prefix([list(question.category) for question in questions])
    return shared[-1] if shared else ""


@dataclass(frozen=True)
class BankNames:
    """What a Moodle-format file names its bank: title, id and version (None: the bank's default)."""

    title: str
    bank_id: str
    version: str | None = None


_TENTA_HEADER = re.compile(
    r"(?P<title>\S(?:.*\S)?) \(tenta bank (?P<id>[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}), "
    r"version (?P<version>.*)\)",
    re.DOTALL,
)


def tenta_header(comment: str) -> BankNames | None:
    """The bank named by the comment tenta's GIFT and Moodle XML exports open with ('Title (tenta bank id,
    version v)'), None for any other comment: Moodle drops comments, so only a file tenta wrote carries it,
    and a teacher's own remark must not rename a bank."""
    match = _TENTA_HEADER.fullmatch(comment)
    return BankNames(match["title"], match["id"], match["version"]) if match else None


def gift_header(text: str) -> BankNames | None:
    """The bank a GIFT file's first line names when it is the comment tenta's export writes there."""
    first_line = text.split("\n", 1)[0].rstrip()
    return tenta_header(first_line.removeprefix("// ")) if first_line.startswith("// ") else None


def bank_names(header: BankNames | None, parsed: Sequence[MoodleQuestion], path: Path) -> BankNames:
    """The names of a bank read from a Moodle format: those tenta's own export wrote in its header, else
    the category Moodle exported (or the file name) as title and the file name as id."""
    if header is not None:
        return header
    return BankNames(category_title(parsed) or title_from_path(path), slugify(title_from_path(path)))


def parse_gift(text: str, path: Path, problems: ImportProblems) -> list[MoodleQuestion]:
    """Every question of a GIFT file; problems are collected, not raised."""
    category: tuple[str, ...] = ()
    parsed = []
    for paragraph in _paragraphs(text):
        stripped = paragraph.text.lstrip()
        if stripped.startswith("$CATEGORY:"):
            category = category_path(_protect(stripped[len("$CATEGORY:") :].split("\n", 1)[0]))
            remainder = stripped.split("\n", 1)[1] if "\n" in stripped else ""
            if not remainder.strip():
                continue
            paragraph_after = _Paragraph(paragraph.line + 1, remainder, paragraph.comments)
        else:
            paragraph_after = paragraph
        try:
            questions = _parse_question(paragraph_after, category)
        except _GiftError as error:
            problems.add(str(error), line=paragraph_after.line, field=_title_of(paragraph_after.text))
            continue
        except _GiftUnsupported as error:
            problems.unsupported(str(error), line=paragraph_after.line, field=_title_of(paragraph_after.text))
            continue
        parsed += questions
        for reason in dict.fromkeys(_pictures_left_behind(paragraph_after.text)) if questions else ():
            problems.note(reason, line=paragraph_after.line, field=_title_of(paragraph_after.text))
        if len(questions) > 1:
            problems.note(
                matching.SPLIT_NOTE.format(count=len(questions)),
                line=paragraph_after.line,
                field=_title_of(paragraph_after.text),
            )
        if not questions:
            problems.left_out(
                DESCRIPTION_LEFT_OUT, line=paragraph_after.line, field=_title_of(paragraph_after.text)
            )
    return parsed


def _pictures_left_behind(text: str) -> Iterator[str]:
    """A note per picture a question's HTML shows: GIFT is text only, so Moodle's GIFT export leaves every
    picture behind and the question shows '[image: …]' where it was."""
    for source in image_sources(_restore(_protect(text))):
        if name := file_name_of_url(source.strip()):
            yield (
                f"picture {name!r} is not in the file: GIFT holds no pictures (export the questions as "
                "Moodle XML to keep them); left out (the text still names it)"
            )


def _title_of(text: str) -> str | None:
    """The `::title::` of a question's raw text, for naming it in an error."""
    match = re.match(r"\s*::(.*?)::", _protect(text), re.DOTALL)
    return _restore(match.group(1)).strip() or None if match else None


def is_question_id(text: str) -> bool:
    """True when the text can be a question id as it is (the pattern of models.Identifier)."""
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}", text) is not None


def question_id_from_title(title: str, number: int) -> str:
    """The title when it is a valid id already (round trips keep ids), else a slug of it, else q<number>."""
    if is_question_id(title):
        return title
    return slugify(title, fallback=f"q{number}") if title else f"q{number}"


def import_gift(
    path: Path, *, skipped: list[InputFileError] | None = None, notes: list[str] | None = None
) -> Bank:
    """A bank from a GIFT file; essays take their reference answer from the general feedback.

    With a `skipped` list, questions tenta has no type for are recorded there instead of failing; a
    `notes` list gets the descriptions left out."""
    text = read_text(path, windows_encodings=True)
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    parsed = parse_gift(text, path, problems)
    names = bank_names(gift_header(text), parsed, path)
    return moodle_bank(
        path,
        parsed,
        problems,
        title=names.title,
        bank_id=names.bank_id,
        version=names.version,
        missing_reference="essay question has no reference answer: put it after '####' (general feedback) "
        "inside the braces, e.g. {####A good answer says …}",
    )


def moodle_bank(
    path: Path,
    parsed: Sequence[MoodleQuestion],
    problems: ImportProblems,
    *,
    title: str,
    missing_reference: str,
    bank_id: str = "",
    version: str | None = None,
) -> Bank:
    """The bank of questions read from a Moodle format: ids from Moodle's idnumber or the title, one
    prompt language and one answer language for the file, essays with the rubric their grader information
    lists as criteria (else a proposed one); an essay without a model answer is `missing_reference` (a
    question tenta cannot grade). The bank's version is `version` (tenta's own export names it), else the
    default."""
    schemes = [read_marking_scheme(question.reference) if question.reference else None for question in parsed]
    prompt_language, answer_language = detect_bank_languages(
        (question.prompt for question in parsed), (scheme.reference for scheme in schemes if scheme)
    )
    stated = Counter(question.language for question in parsed if question.language)
    if stated:  # multi-language text names its languages: no guessing
        prompt_language = answer_language = stated.most_common(1)[0][0]
    other_languages = [
        language
        for question in parsed
        for language in (*question.translations, *question.reference_translations)
        if language != prompt_language
    ]
    drafts: list[QuestionDraft] = []
    used_ids: set[str] = set()
    authors_numbers = [question.number for question in parsed]
    keep_numbers = None not in authors_numbers and len(set(authors_numbers)) == len(authors_numbers)
    for position, (question, scheme) in enumerate(zip(parsed, schemes, strict=True), start=1):
        label = question.title or f"question {position}"
        if question.data["type"] == QuestionType.FREE_TEXT.value and scheme is None:
            problems.unsupported(missing_reference, line=question.line, field=label)
            continue
        # numbered as imported (a skipped question leaves no gap) unless the author's numbers serve
        number = question.number if keep_numbers and question.number else len(drafts) + 1
        prompt, code = prompt_and_code(question.prompt)
        question_id = question_id_from_title(question.moodle_id or question.title, number)
        if question_id in used_ids:
            question_id = f"{question_id}-{number}"
        used_ids.add(question_id)
        data: dict[str, Any] = {"id": question_id, "number": number, **question.data}
        data["text_format"] = "markdown" if question.markdown else "plain"
        if question.data["type"] in (QuestionType.MULTIPLE_CHOICE.value, QuestionType.TRUE_FALSE.value):
            data["choices"] = [
                {**choice, "text": _inline_code(choice["text"])} for choice in question.data["choices"]
            ]
        data["prompt"] = {question.language or prompt_language: prompt} if prompt else {}
        data["prompt"].update(
            (language, prompt_and_code(text)[0]) for language, text in question.translations.items() if text
        )
        if code:
            data["code"] = code
        if question.topics:
            data["topics"] = question.topics
        data["general_feedback"] = question.general_feedback
        if scheme is not None:
            data["reference_answer"] = {question.language or answer_language: scheme.reference}
            data["reference_answer"].update(
                (language, read_marking_scheme(text).reference)
                for language, text in question.reference_translations.items()
                if text
            )
            data["rubric"] = [point.model_dump() for point in scheme.points]
            if question.max_points is None and scheme.total:
                data["max_points"] = scheme.total  # GIFT has no points of its own: the criteria's sum
        if question.max_points is not None:
            data["max_points"] = question.max_points
        drafts.append(QuestionDraft(line=question.line, data=data, label=label))
    languages = list(dict.fromkeys([*bank_languages(prompt_language, answer_language), *other_languages]))
    bank_fields = {"id": bank_id or slugify(title), "title": title, "languages": languages}
    if version is not None:
        bank_fields["version"] = version
    return build_bank(path, drafts, bank_fields=bank_fields, problems=problems)


def looks_like_gift(text: str) -> bool:
    """True when the text has GIFT answer blocks, titles or categories outside code fences."""
    outside_code = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    if re.search(r"^\s*\$CATEGORY:", outside_code, re.MULTILINE):
        return True
    if re.search(r"^\s*::[^:\n]+::", outside_code, re.MULTILINE):
        return True
    blocks = re.findall(r"\{\s*(?:[=~#}]|T\s*[#}]|F\s*[#}]|TRUE\b|FALSE\b|####)", outside_code)
    return len(blocks) >= 1 and len(blocks) * 2 >= len(_paragraphs(outside_code)) * 0.5


# ---- export -------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def _percent(fraction: float) -> str:
    value = fraction * 100
    return str(int(value)) if value == int(value) else repr(value)


def moodle_choice_fractions(question: Question) -> list[float]:
    """The choices' fractions as Moodle's core multichoice should grade them (GIFT and Moodle XML). All
    or nothing with one correct choice is a single-answer question; with several Moodle's core types
    cannot say it: each correct choice gets an equal share and every other one -100 %, so a wrong tick
    costs everything as it should, though some of the correct choices alone still earn their shares."""
    fractions = [choice.fraction for choice in question.choices]
    if not question.all_or_nothing:
        return fractions
    correct = sum(fraction > 0 for fraction in fractions)
    share, wrong = (1.0, 0.0) if correct == 1 else (round(1 / correct, 7), -1.0)
    return [share if fraction > 0 else wrong for fraction in fractions]


def _choice_lines(question: Question) -> list[str]:
    fractions = moodle_choice_fractions(question)
    positive = [fraction for fraction in fractions if fraction > 0]
    single = positive == [1.0]
    lines = []
    for choice, fraction in zip(question.choices, fractions, strict=True):
        if fraction == 1.0 and single:
            marker = "="
        elif fraction == 0:  # a text starting '%50%' would be read as its weight without an explicit one
            marker = "~%0%" if _WEIGHT.match(choice.text) else "~"
        else:
            marker = f"~%{_percent(fraction)}%"
        feedback = f"#{_escape(choice.feedback)}" if choice.feedback else ""
        lines.append(f"\t{marker}{_escape(choice.text)}{feedback}")
    return lines


def _true_false_block(question: Question) -> str:
    right = next((choice for choice in question.choices if choice.fraction > 0), question.choices[0])
    wrong = next((choice for choice in question.choices if choice is not right), None)
    answer = "TRUE" if right.text.strip().lower() in ("true", "t", "sant", "sann", "ja", "yes") else "FALSE"
    wrong_feedback = wrong.feedback if wrong else ""
    block = answer
    if wrong_feedback or right.feedback:
        block += f"#{_escape(wrong_feedback)}"
    if right.feedback:
        block += f"#{_escape(right.feedback)}"
    return block


def _question_text(question: Question, language: str) -> str:
    prompt = question.prompt_in(language)
    if question.code:
        prompt += f"\n\n```{question.code.language}\n{question.code.source}\n```"
    return f"[{question.text_format}]" + _escape(prompt)


def _answer_block(question: Question, language: str) -> list[str]:
    general = question.general_feedback
    if question.type is QuestionType.FREE_TEXT:
        return ["{", f"\t####{_escape(question.reference_in(language))}", "}"]
    if question.type is QuestionType.TRUE_FALSE:
        tail = f"####{_escape(general)}" if general else ""
        return ["{" + _true_false_block(question) + tail + "}"]
    if question.type is QuestionType.MULTIPLE_CHOICE:
        lines = _choice_lines(question)
    elif question.type is QuestionType.SHORT_EXACT:
        lines = [
            f"\t=%{_percent(choice.fraction)}%{_escape(choice.text)}"
            + (f"#{_escape(choice.feedback)}" if choice.feedback else "")
            for choice in question.choices
        ]
    else:
        lines = [
            f"\t=%{_percent(answer.fraction)}%{answer.value!r}:{answer.tolerance!r}"
            + (f"#{_escape(answer.feedback)}" if answer.feedback else "")
            for answer in question.numerical
        ]
        wrong = question.outcome_feedback.incorrect.strip() if question.outcome_feedback else ""
        if wrong:  # Moodle's "any other answer" feedback
            lines.append(f"\t~#{_escape(wrong)}")
    opener = "{#" if question.type is QuestionType.NUMERICAL else "{"
    feedback = [f"\t####{_escape(general)}"] if general else []
    return [opener, *lines, *feedback, "}"]


def dump_gift(bank: Bank) -> str:
    """GIFT text Moodle imports: main-language prompts, topics as categories, essays with #### references.

    Rubrics and second-language prompts have no place in GIFT and are left out.
    """
    language = bank.languages[0]
    title = " ".join(bank.title.split())  # a comment is one line: a title on two would break the header
    out = [f"// {title} (tenta bank {bank.id}, version {bank.version})", ""]
    current_topic: str | None = None
    for question in bank.questions:
        topic = question.topics[0] if question.topics else ""
        if topic != current_topic:
            out += [f"$CATEGORY: $course$/top/{topic}" if topic else "$CATEGORY: $course$/top", ""]
            current_topic = topic
        out.append(f"// question: {question.number or ''}  name: {question.id}")
        extra_topics = question.topics[1:]
        if extra_topics:
            out.append("// " + " ".join(f"[tag:{tag.replace(']', chr(92) + ']')}]" for tag in extra_topics))
        out.append(f"::{_escape(question.id)}::{_question_text(question, language)}")
        out += _answer_block(question, language)
        out.append("")
    return "\n".join(out)
