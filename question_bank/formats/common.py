"""What every importer shares: reading user files safely, language guessing, and all-or-nothing bank building.

Importers turn their format into plain question dicts tagged with the line they came from; `build_bank`
validates them all, collects every problem with its line, and only returns a Bank when nothing is wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

from pydantic import ValidationError

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.markdown_text import markdown_literal
from question_bank.formats.mathml import local_name, math_text
from question_bank.formats.text_decoding import NotUtf8, decode_text
from question_bank.models import Bank, Question

_DASHED_RUN = re.compile(r"[_.]*-[-_.]*")
"""Separators around a dash ('1 - Intro' -> '1---intro', 'Intro. - Part' -> 'intro.-part'), written as one."""


def slugify(text: str, fallback: str = "bank") -> str:
    """A valid Identifier made from free text (ASCII, lowercase, dashes): 'Week 1 - Intro' -> 'week-1-intro'.

    Each run of spaces and punctuation, with the dashes and dots next to it, becomes one dash; separators
    an author typed on their own ('v1.2', 'lab_2') are kept."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    dashed = re.sub(r"[^A-Za-z0-9_.\-]+", "-", ascii_text.lower())
    return _DASHED_RUN.sub("-", dashed).strip("-._")[:80].rstrip("-._") or fallback


_BANK_FILE_SUFFIXES = (
    ".txt",
    ".md",
    ".gift",
    ".aiken",
    ".csv",
    ".tsv",
    ".xlsx",
    ".xlsm",
    ".markdown",
    ".xml",
    ".apkg",
    ".colpkg",
)


def title_from_path(path: Path) -> str:
    """'moodle_export_dl.gift.txt' -> 'moodle export dl': a readable default bank title."""
    name = path.name
    while Path(name).suffix.lower() in _BANK_FILE_SUFFIXES:
        name = Path(name).stem
    return name.replace("_", " ").strip() or path.name


@contextmanager
def file_errors(path: Path) -> Iterator[None]:
    """A missing, unreadable or wrong kind of file as one InputFileError naming it."""
    try:
        yield
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except IsADirectoryError:
        raise InputFileError(path, "is a directory, expected a file") from None
    except OSError as error:
        raise InputFileError(path, f"cannot read file: {error.strerror or error}") from None


def read_text(path: Path, *, windows_encodings: bool = False) -> str:
    """A user file as text (UTF-8, BOM tolerated, newlines normalised); unreadable files are clean errors.

    Exchange files written on Windows (Excel "CSV" or "Unicode text", Notepad) may be UTF-16 with a BOM
    or Windows-1252: with `windows_encodings` those are read too. tenta's own YAML/JSON stays UTF-8 only.
    """
    with file_errors(path):
        raw = path.read_bytes()
    policy = NotUtf8.WINDOWS if windows_encodings else NotUtf8.REFUSE
    text = decode_text(path, raw, policy=policy).text
    return text.replace("\r\n", "\n").replace("\r", "\n")


_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
"""How a zip archive begins: a member's local header, an empty archive's end record, a spanned archive."""


def starts_like_zip(path: Path) -> bool:
    """True when the regular file `path` begins as a zip archive does, readable or not. A package cut short
    in a download or copy has lost the directory at its end, so `zipfile.is_zipfile` says no; read as text
    it was refused as 'not UTF-8 text'. A pipe is never peeked at (its bytes can be read only once)."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.read(4) in _ZIP_SIGNATURES
    except OSError:
        return False


_UTF8_NAME_FLAG = 0x800
"""The zip flag (general purpose bit 11) saying a member's name is UTF-8; without it zipfile reads cp437."""


def repair_member_names(archive: zipfile.ZipFile) -> None:
    """Give each member of `archive` the name its creator meant, so a manifest's or a question's reference
    finds it. macOS's Compress writes names as decomposed UTF-8 without the flag that says so, which
    zipfile reads as cp437 ('bilder/├ñlg.png' for 'bilder/älg.png'): a flagless name that is valid
    UTF-8 is read as UTF-8 (Windows's compressed folders write the OEM code page, seldom valid UTF-8, and
    cp437 reads å ä ö as cp850 writes them), and every name is composed (NFC) as the XML referring to it
    is. `orig_filename`, which zipfile checks each member's header against, stays as read."""
    for info in archive.infolist():
        name = info.filename
        if not info.flag_bits & _UTF8_NAME_FLAG:
            with contextlib.suppress(UnicodeError):  # not UTF-8: the cp437 reading stands
                name = name.encode("cp437").decode("utf-8")
        name = unicodedata.normalize("NFC", name)
        if name != info.filename:
            archive.NameToInfo.pop(info.filename, None)
            info.filename = name
            archive.NameToInfo[name] = info


def unreadable_zip(path: Path, otherwise: str = "not a readable zip archive") -> str:
    """Why `zipfile` could not read `path`, in the teacher's words: a file that begins as a zip archive is
    damaged or incomplete (download it again); any other is no zip archive at all (`otherwise`)."""
    if starts_like_zip(path):
        return "a damaged or incomplete zip archive: cut short in a download or copy? Fetch it again"
    return otherwise


def line_of_offset(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, max(offset, 0)) + 1


@dataclass
class QuestionDraft:
    """A question as an importer read it, before validation; `line` locates it in the source file."""

    line: int
    data: dict[str, Any]
    label: str = ""
    column_of: Callable[[str], str | None] | None = None
    """The column a field path was read from ('max_points' -> 'column C (max_points)'), for rows of a
    table, so a problem the model finds names the cell the teacher typed it in."""


@dataclass
class ImportProblems:
    """Errors collected while reading one file; raised together so nothing is half-imported."""

    path: Path
    errors: list[InputFileError] = field(default_factory=list)
    skipped: list[InputFileError] | None = None
    """Given a list, questions tenta has no place for (matching, Cloze, an essay without a model answer)
    are recorded there and left out; without one they are errors like any other."""
    notes: list[str] | None = None
    """Given a list, items that are no questions (Moodle descriptions, QTI text-only items), always left
    out, are named there so the teacher knows what the bank lacks."""
    texts_left_out: int = 0
    """How many such items there were (so a file of nothing else can say so)."""

    def add(self, reason: str, *, line: int | None = None, field: str | None = None) -> None:
        self.errors.append(InputFileError(self.path, reason, line=line, field=field))

    def unsupported(self, reason: str, *, line: int | None = None, field: str | None = None) -> None:
        """A well-formed question tenta cannot take: skipped when the caller asked for that, else an error."""
        problem = InputFileError(self.path, reason, line=line, field=field, unsupported=True)
        if self.skipped is None:
            self.errors.append(problem)
        else:
            self.skipped.append(problem)
            self.skipped.sort(key=lambda skipped: skipped.line or 0)  # in file order, whenever found

    def left_out(self, reason: str, *, line: int | None = None, field: str | None = None) -> None:
        """An item that is no question (text shown between questions): left out, never an error."""
        self.texts_left_out += 1
        if self.notes is not None:
            self.notes.append(InputFileError(self.path, reason, line=line, field=field).message)

    def note(self, reason: str, *, line: int | None = None, field: str | None = None) -> None:
        """Something about how the file was read that the teacher should know (nothing is left out)."""
        if self.notes is not None:
            self.notes.append(InputFileError(self.path, reason, line=line, field=field).message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputFileErrors(sorted(self.errors, key=lambda error: error.line or 0))


def friendly_message(error: Any) -> str:
    """One readable line for a pydantic error dict (no URLs, no 'Value error,' prefixes)."""
    kind = error.get("type", "")
    given = error.get("input")
    context = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type") and not isinstance(given, dict):
        return f"{given!r} is not a number"
    if kind == "string_pattern_mismatch":
        return f"{given!r} is not allowed here (expected pattern {context.get('pattern')})"
    if kind == "too_short":
        return "must not be empty"
    bounds = {
        "greater_than": "greater than",
        "greater_than_equal": "greater than or equal to",
        "less_than_equal": "less than or equal to",
    }
    if kind in bounds and len(context) == 1:
        bound = next(iter(context.values()))
        return f"{_plain_number(given)} is not allowed: it must be {bounds[kind]} {_plain_number(bound)}"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _plain_number(value: Any) -> str:
    """-1.0 as '-1', 0.5 as '0.5': a number as a teacher typed it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def meaningful_errors(error: ValidationError) -> list[Any]:
    """pydantic's errors minus 'tuple too short' echoes caused by items that were reported themselves."""
    items = error.errors()
    locs = [tuple(item["loc"]) for item in items]
    return [
        item
        for item in items
        if not (
            item["type"] == "too_short"
            and any(
                len(other) > len(item["loc"]) and other[: len(item["loc"])] == tuple(item["loc"])
                for other in locs
            )
        )
    ]


def field_path(loc: Sequence[Any]) -> str:
    """pydantic loc ('questions', 3, 'rubric', 0, 'weight') as 'questions[3].rubric[0].weight'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part == "[key]":
            text += " (key)"
        else:
            text += f".{part}" if text else str(part)
    return text


def bank_languages(prompt_language: str, answer_language: str) -> list[str]:
    """A bank's languages: its prompts' language first, then its answers' when that differs."""
    return [prompt_language] + ([answer_language] if answer_language != prompt_language else [])


def _nothing_left(problems: ImportProblems) -> str:
    """Why a file gave no questions: none written, or every one left out as unsupported (say so, naming
    the first, since the caller shows the left-out questions only after a successful import)."""
    left_out = [problem for problem in problems.skipped or () if problem.path == problems.path]
    if not left_out:
        texts = problems.texts_left_out
        if texts:
            return f"no questions found, only {texts} text{'s' if texts > 1 else ''} with nothing to answer"
        return "no questions found"
    first = left_out[0]
    where = f"line {first.line}: " if first.line is not None else ""
    which = "the only question was" if len(left_out) == 1 else f"all {len(left_out)} questions were"
    first_of = "" if len(left_out) == 1 else "first at "
    return f"no questions left: {which} left out as unsupported ({first_of}{where}{first.reason})"


def build_bank(
    path: Path,
    drafts: Sequence[QuestionDraft],
    *,
    bank_fields: dict[str, Any],
    problems: ImportProblems,
) -> Bank:
    """Validate every drafted question (reporting each problem at its line), then the bank as a whole."""
    questions: list[Question] = []
    for draft in drafts:
        label = draft.label or f"question {draft.data.get('number') or draft.data.get('id')}"
        try:
            questions.append(Question.model_validate(draft.data))
        except ValidationError as error:
            for item in meaningful_errors(error):
                where = field_path(item["loc"])
                column = draft.column_of(where) if draft.column_of else None
                field = column or f"{label} {where}".strip()
                problems.add(friendly_message(item), line=draft.line, field=field)
    if not drafts and not problems.errors:
        problems.add(_nothing_left(problems))
    problems.raise_if_any()
    try:
        return Bank.model_validate({**bank_fields, "questions": questions})
    except ValidationError as error:
        for item in meaningful_errors(error):
            problems.add(friendly_message(item), field=field_path(item["loc"]) or None)
        problems.raise_if_any()
        raise  # pragma: no cover - raise_if_any always raises here


class _TextFromHtml(HTMLParser):
    """Readable text from Moodle's HTML: paragraphs and <br> become newlines, <pre> becomes a code fence,
    a superscript is marked ^ as its loss changes the meaning (O(n<sup>3</sup>) is O(n^3), not O(n3));
    a subscript is an index that reads as well run in (H<sub>2</sub>O is H2O).

    Outside <pre>, runs of spaces, tabs and newlines in the source are one space, as a browser shows
    them; `keep_newlines` keeps source newlines as line breaks instead (Moodle's auto-format). A table
    is a line per row, its cells separated by |, so paragraphs inside a cell are run in; scripts and
    style sheets (a teacher's jQuery in a question text) are never shown, so they are left out.
    """

    _BLOCKS = frozenset({"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"})
    _HIDDEN = frozenset({"script", "style"})

    def __init__(self, *, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.keep_newlines = keep_newlines
        self.pre_depth = 0
        self.cell_depth = 0
        self.hidden_depth = 0  # inside <script> or <style>
        self.math_stack: list[Element] = []  # the open elements of a MathML formula being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.math_stack or local_name(tag) == "math":
            self._open_math_element(tag, attrs)
        elif tag in self._HIDDEN:
            self.hidden_depth += 1
        elif self.cell_depth and (tag == "br" or tag in self._BLOCKS - {"table"}):
            self._space()
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "sup":
            self.parts.append("^")
        elif tag == "pre":
            self.pre_depth += 1
            self.parts.append("\n\n```\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("tr", "hr"):
            self.cell_depth = 0  # a cell whose end tag HTML left out ends with its row
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.cell_depth += 1
            self._space()
            self.parts.append("| ")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            before = "" if not self.parts or self.parts[-1][-1:].isspace() else " "
            self.parts.append(f"{before}[image: {alt}] " if alt else f"{before}[image] ")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self.math_stack:
            self._close_math_element(tag)
        elif tag in self._HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in ("td", "th"):
            self.cell_depth = max(0, self.cell_depth - 1)
        elif tag == "table":
            self.cell_depth = 0
            self.parts.append("\n\n")
        elif self.cell_depth and tag in self._BLOCKS:
            self._space()
        elif tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
            self.parts.append("\n```\n\n")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def _space(self) -> None:
        """One space between words, none at the start of a line."""
        if self.parts and self.parts[-1][-1:] not in (" ", "\n"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.hidden_depth:
            return
        if self.math_stack:
            innermost = self.math_stack[-1]
            if len(innermost):
                innermost[-1].tail = (innermost[-1].tail or "") + data
            else:
                innermost.text = (innermost.text or "") + data
            return
        if self.pre_depth or self.keep_newlines:
            self.parts.append(data)
            return
        text = _SOURCE_WHITESPACE.sub(" ", data)
        if not self.parts or self.parts[-1][-1:] in ("\n", " "):
            text = text.lstrip(" ")
        if text:  # an empty part would hide the whitespace before it from the next tag
            self.parts.append(text)

    def _open_math_element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(local_name(tag), {key: value or "" for key, value in attrs})
        if self.math_stack:
            self.math_stack[-1].append(element)
        self.math_stack.append(element)

    def _close_math_element(self, tag: str) -> None:
        """Closes up to the matching open element (HTML may leave some open); a finished formula becomes
        one line of text, so fractions and powers stay readable (x/2, not x2)."""
        name = local_name(tag)
        if all(element.tag != name for element in self.math_stack):
            return
        while len(self.math_stack) > 1 and self.math_stack[-1].tag != name:
            self.math_stack.pop()
        if len(self.math_stack) > 1:
            self.math_stack.pop()
        else:
            self.finish_math()

    def finish_math(self) -> None:
        """Writes the formula read so far (also one the markup never closes) as text."""
        if self.math_stack:
            formula = self.math_stack[0]
            self.math_stack.clear()
            self.handle_data(math_text(formula))


_SOURCE_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


_HARD_BREAK = "\\\n"
"""A line break (<br>) in Markdown: a backslash at the end of the line (trailing spaces get trimmed)."""
_HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}
MARKDOWN_TAGS = frozenset({"strong", "b", "em", "i", "code", "a", "ul", "ol", *_HEADING_LEVELS})
"""The HTML elements whose meaning plain text loses and Markdown keeps (emphasis, code, links, lists,
headings): an importer reads a text holding one of them as Markdown (see html_to_markdown)."""


@dataclass
class _OpenList:
    """A <ul> or <ol> being read: the next item's number (an ordered list's), its marker's width, and the
    bullet ('-' or '*') or number delimiter ('.' or ')') it uses."""

    ordered: bool
    number: int = 1
    items: int = 0
    width: int = 2
    delimiter: str = "-"

    def marker(self) -> str:
        return f"{self.number}{self.delimiter} " if self.ordered else f"{self.delimiter} "


class _MarkdownFromHtml(_TextFromHtml):
    """Markdown from HTML (QTI item bodies, Anki fields): what _TextFromHtml reads, and the formatting
    plain text loses: <strong>/<b> as **, <em>/<i> as *, <code> as `code`, <pre><code class="language-x">
    as a fence naming x, lists (nested, ordered with their numbers), headings, links and <br> as a hard
    break. Text is escaped (markdown_literal) so it shows as written; whitespace in the source is one space,
    or a newline where it held one (a soft line break, shown as a space)."""

    _EMPHASIS: ClassVar[dict[str, str]] = {"strong": "**", "b": "**", "em": "*", "i": "*"}

    def __init__(self) -> None:
        super().__init__(keep_newlines=False)
        self.lists: list[_OpenList] = []
        self.marks: list[tuple[str, int, str]] = []  # open emphasis and links: (marker or "a", start, href)
        self.line_opened = -1  # len(parts) right after a list item's or heading's marker
        self.code_start: int | None = None  # where the text of an inline <code> being read starts
        self.fence_at: int | None = None  # the part opening the <pre> being read
        self.quotes: list[int] = []  # where each open <blockquote>'s text starts
        self.ended_list: tuple[int, str] | None = None  # where the last top-level list ended, its delimiter
        self.closed_emphasis: tuple[int, str, int] | None = None  # just closed: end, marker, opening marker
        self.closed_code: tuple[int, str] | None = None  # the inline code just closed: end, its code

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.math_stack or self.hidden_depth or local_name(tag) == "math" or tag in self._HIDDEN:
            super().handle_starttag(tag, attrs)
        elif self.pre_depth:
            self._inside_pre(tag, attrs)
        elif self.code_start is not None:
            return  # inline code is its text alone
        elif tag in self._EMPHASIS:
            self._open_emphasis(self._EMPHASIS[tag])
        elif tag == "a":
            self.marks.append(("a", len(self.parts), (dict(attrs).get("href") or "").strip()))
        elif tag == "code":
            self.code_start = len(self.parts)
            if self.closed_code is not None and self.closed_code[0] == len(self.parts):
                self.parts[-1] = self.closed_code[1]  # <code>a</code><code>b</code> is `ab`, not `a``b`
                self.code_start -= 1
        elif self.cell_depth or tag in ("table", "tr", "td", "th", "img", "sup"):
            super().handle_starttag(tag, attrs)
        else:
            self._block_start(tag, attrs)

    def _open_emphasis(self, marker: str) -> None:
        """Open ** or *: once when nested in its kind (<b><b>x</b></b>), and as the continuation of one
        that just closed (<b>a</b><b>b</b> is '**ab**': '**a****b**' shows asterisks)."""
        if self.closed_emphasis is not None and self.closed_emphasis[:2] == (len(self.parts), marker):
            self.parts.pop()  # the closing marker
            self.marks.append((marker, self.closed_emphasis[2], ""))
            return
        self.marks.append((marker, len(self.parts), ""))
        if [mark for mark, _, _ in self.marks].count(marker) == 1:
            self.parts.append(marker)

    def _inside_pre(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Inside <pre> only the code counts: its language from <code class="language-x">, <br> a newline."""
        if tag == "br":
            self.parts.append("\n")
        elif tag == "code" and self.fence_at is not None:
            classes = (dict(attrs).get("class") or "").split()
            language = next((name[9:] for name in classes if name.startswith("language-")), "")
            self.parts[self.fence_at] = f"\n\n```{language}\n"

    def _block_start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._trim_end()
            super().handle_starttag(tag, attrs)
            self.fence_at = len(self.parts) - 1
        elif tag == "br":
            self.parts.append(_HARD_BREAK)
        elif tag in ("ul", "ol"):
            self._open_list(tag == "ol", dict(attrs).get("start") or "1")
        elif tag == "li":
            self._list_item()
        elif tag in _HEADING_LEVELS:
            self._paragraph_break()
            self.parts.append("#" * _HEADING_LEVELS[tag] + " ")
            self.line_opened = len(self.parts)
        elif tag == "hr":
            self._paragraph_break()
            self.parts.append("---\n\n")
        elif tag == "blockquote":
            self._paragraph_break()
            self.quotes.append(len(self.parts))
        elif tag in self._BLOCKS:
            if len(self.parts) != self.line_opened:  # a paragraph right after an item's marker is its text
                self._paragraph_break()
        else:
            super().handle_starttag(tag, attrs)

    def _open_list(self, ordered: bool, start: str) -> None:
        """A list; one right after a list of its kind takes the other bullet or delimiter, as CommonMark
        would read the two as one list."""
        delimiter = "." if ordered else "-"
        if not self.lists:
            after = self.ended_list if self.ended_list and self.ended_list[0] == len(self.parts) else None
            if after is not None and after[1] in (delimiter, {".": ")", "-": "*"}[delimiter]):
                delimiter = {".": ")", ")": ".", "-": "*", "*": "-"}[after[1]]
            self._trim_end()
        number = int(start) if start.isdigit() else 1
        self.lists.append(_OpenList(ordered=ordered, number=number, delimiter=delimiter))

    def _list_item(self) -> None:
        if not self.lists:  # an <li> outside any list reads as an item of a bulleted one
            self.lists.append(_OpenList(ordered=False))
        current = self.lists[-1]
        self._trim_end()
        first_of_list = current.items == 0 and len(self.lists) == 1 and self.parts
        marker = current.marker()
        indent = "".join(" " * open_list.width for open_list in self.lists[:-1])
        self.parts.append(("\n\n" if first_of_list else "\n") + indent + marker)
        current.width, current.items, current.number = len(marker), current.items + 1, current.number + 1
        self.line_opened = len(self.parts)

    def _paragraph_break(self) -> None:
        """A blank line, indented to the open list item's text when inside one."""
        self._trim_end()
        if self.parts:
            self.parts.append("\n\n" + "".join(" " * open_list.width for open_list in self.lists))

    def _trim_end(self) -> None:
        """Take spaces, newlines and line breaks off the end: a block or item starts on a clean line (a
        line break ending a paragraph would show as a backslash)."""
        while self.parts:
            last = self.parts[-1]
            if last == _HARD_BREAK or not last.strip(" \n"):
                self.parts.pop()
                continue
            self.parts[-1] = last.rstrip(" \n")
            return

    def handle_endtag(self, tag: str) -> None:
        if self.math_stack or self.hidden_depth or tag in self._HIDDEN:
            super().handle_endtag(tag)
        elif self.pre_depth:
            if tag == "pre":
                self._close_fence()
        elif self.code_start is not None:
            if tag == "code":
                self._close_code()
        elif tag in self._EMPHASIS:
            self._close_emphasis(self._EMPHASIS[tag])
        elif tag == "a":
            self._close_link()
        elif self.cell_depth or tag in ("table", "td", "th"):
            super().handle_endtag(tag)
        elif tag in ("ul", "ol"):
            ended = self.lists.pop() if self.lists else None
            if not self.lists:
                self._paragraph_break()
                self.ended_list = (len(self.parts), ended.delimiter) if ended else None
        elif tag == "blockquote" and self.quotes:
            self._close_quote(self.quotes.pop())
        elif tag in _HEADING_LEVELS or (tag in self._BLOCKS and not self.lists):
            self._paragraph_break()

    def _close_fence(self) -> None:
        """The code block, fenced by more backticks than any run in the code (HTML drops the newline right
        after <pre>, and the code's last newline is the fence's)."""
        self.pre_depth = 0
        start = self.fence_at if self.fence_at is not None else len(self.parts)
        opening = self.parts[start] if start < len(self.parts) else "\n\n```\n"
        code = "".join(self.parts[start + 1 :]).removeprefix("\n").rstrip("\n")
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        self.parts[start:] = [opening.replace("```", fence, 1), code, f"\n{fence}\n\n"]
        self.fence_at = None

    def _close_quote(self, start: int) -> None:
        """Every line of the quote read since `start` marked '> ' ('>' alone on a blank line)."""
        self._trim_end()
        quoted = "".join(self.parts[start:]).strip("\n")
        self.parts[start:] = ["\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))]
        self._paragraph_break()

    def _close_code(self) -> None:
        start = self.code_start if self.code_start is not None else len(self.parts)
        self.code_start = None
        code = " ".join("".join(self.parts[start:]).split("\n"))
        if not code.strip():
            del self.parts[start:]
            return
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * (longest + 1)
        padding = " " if code.startswith("`") or code.endswith("`") else ""
        self.parts[start:] = [f"{fence}{padding}{code}{padding}{fence}"]
        self.closed_code = (len(self.parts), code)

    def _pop_mark(self, marker: str) -> tuple[int, str] | None:
        for position in range(len(self.marks) - 1, -1, -1):
            if self.marks[position][0] == marker:
                _, start, href = self.marks.pop(position)
                return start, href
        return None

    def _close_emphasis(self, marker: str) -> None:
        """Close ** or * around the text read since it opened, with the spaces at its edges outside
        (CommonMark reads '** bold **' as no emphasis); an empty one is left out."""
        found = self._pop_mark(marker)
        if found is None or any(mark == marker for mark, _, _ in self.marks):
            return  # not open, or inside another of its kind (written once, by the outer one)
        start = found[0]
        inner = "".join(self.parts[start + 1 :])
        text = inner.strip(" \n")
        lead = inner[: len(inner) - len(inner.lstrip(" \n"))]
        trail = re.search(r"(?:\\\n|[ \n])*$", inner)
        tail = trail.group(0) if trail else ""
        text = _escaped_edge_asterisks(inner[len(lead) : len(inner) - len(tail)]) if text else ""
        if start and self.parts[start - 1][-1:] in (" ", "\n"):
            lead = lead.lstrip(" ")  # the space is already there
        if text and not self._can_open(start, lead, text):
            kept = [lead + text + tail]  # CommonMark would show the markers: the text alone
        else:
            kept = [lead, marker, text, marker, tail] if text else [lead + tail]
        self.parts[start:] = [part for part in kept if part]
        if text and len(kept) > 1 and not tail:
            self.closed_emphasis = (len(self.parts), marker, start + bool(lead))

    def _unglue(self, following: str) -> None:
        """Take the markers off emphasis that just closed after punctuation when a letter follows it:
        CommonMark shows '**.**a' with its asterisks."""
        closed = self.closed_emphasis
        if (
            closed is None
            or closed[0] != len(self.parts)
            or following.isspace()
            or _is_punctuation(following)
        ):
            return
        opening, inner_end = closed[2], len(self.parts) - 2
        if inner_end > opening and _is_punctuation(self.parts[inner_end][-1:] or " "):
            del self.parts[inner_end + 1]
            del self.parts[opening]
            self.closed_emphasis = None

    def _can_open(self, start: int, lead: str, text: str) -> bool:
        """Whether CommonMark reads a marker before `text` as opening emphasis: punctuation right after it
        ('a**.**') needs a space or punctuation before it."""
        before = lead[-1:] or "".join(self.parts[:start])[-1:] or " "
        if before == "*":  # another marker right before: the two runs would read as one
            return not _is_punctuation(text[0])
        return not _is_punctuation(text[0]) or before.isspace() or _is_punctuation(before)

    def _close_link(self) -> None:
        """[text](href) for a link with text and a web or mail address; its text alone else."""
        found = self._pop_mark("a")
        if found is None:
            return
        start, href = found
        text = "".join(self.parts[start:]).strip()
        if not text or not href or href.lower().startswith(("javascript:", "#")):
            return
        target = f"<{href.replace('<', '%3C').replace('>', '%3E')}>" if re.search(r"[\s()<>]", href) else href
        self.parts[start:] = [f"[{text}]({target})"]

    def handle_data(self, data: str) -> None:
        if self.code_start is not None:
            self.parts.append(data)  # code as written; its newlines become spaces when it closes
            return
        if self.hidden_depth or self.math_stack or self.pre_depth:
            super().handle_data(data)
            return
        text = _SOURCE_WHITESPACE.sub(lambda match: "\n" if "\n" in match.group(0) else " ", data)
        at_line_start = self._at_line_start()
        if at_line_start or self.parts[-1][-1:] in (" ", "\n"):
            text = text.lstrip(" \n")
        if not text:
            return
        self._unglue(text[0])
        lines = text.split("\n")
        self.parts.append(
            "\n".join(
                markdown_literal(line, line_start=index > 0 or at_line_start)
                for index, line in enumerate(lines)
            )
        )

    def _at_line_start(self) -> bool:
        return not self.parts or self.parts[-1].endswith("\n") or len(self.parts) == self.line_opened

    def finish(self) -> str:
        """The Markdown read, without trailing line breaks or blank lines."""
        self.finish_math()
        self._trim_end()
        text = "".join(self.parts).replace("\xa0", " ")
        text = re.sub(r"(\[image(?::[^\]\n]*)?\]) {2,}", r"\1 ", text)
        text = re.sub(r"[ \t]+\n", "\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n ")


def _is_punctuation(char: str) -> bool:
    """CommonMark's punctuation: Unicode punctuation and symbols."""
    return unicodedata.category(char)[0] in "PS"


_CLOZE = re.compile(r"\{\{c\d+::((?:(?!\{\{c\d+::).)*?)\}\}", re.DOTALL)


def has_cloze(text: str) -> bool:
    """True when the text holds an Anki cloze deletion ({{c1::answer}} or {{c1::answer::hint}})."""
    return _CLOZE.search(text) is not None


def replace_clozes(markup: str, filled: bool) -> str:
    """Anki clozes filled in (hints dropped) or blanked out as _____ (with the hint), innermost first."""

    def replace(match: re.Match[str]) -> str:
        answer, _, hint = match.group(1).partition("::")
        if filled:
            return answer
        return f"_____ ({hint.strip()})" if hint.strip() else "_____"

    previous = None
    while previous != markup:
        previous, markup = markup, _CLOZE.sub(replace, markup)
    return markup


_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """Moodle auto-format text without tags as Moodle shows it: Moodle passes the text to the browser as
    HTML, so `&lt;b&gt;` (how a teacher writes a tag to be shown) reads '<b>' and `&auml;` 'ä', as in
    HTML text. Only references ending in ';' are decoded: 'R&D' or '&copy2024' are left as written."""
    decoded = _CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group(0)), text)
    return decoded.replace("\xa0", " ")


def html_to_text(markup: str, *, keep_newlines: bool = False) -> str:
    """Plain text of an HTML fragment (see _TextFromHtml); `keep_newlines` for Moodle's auto-format."""
    parser = _TextFromHtml(keep_newlines=keep_newlines)
    parser.feed(markup)
    parser.close()
    parser.finish_math()
    text = "".join(parser.parts).replace("\xa0", " ")
    text = re.sub(r"(\[image(?::[^\]\n]*)?\]) {2,}", r"\1 ", text)  # the space after an image marker
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _escaped_edge_asterisks(text: str) -> str:
    """Emphasised text with an asterisk at its edge escaped: markdown_literal leaves a lone '*' between
    spaces as it is (CommonMark shows it), but next to the marker it joins the marker's run ('**' + '* w'
    + '**' reads '*** w**', no bold and three asterisks shown)."""
    if text.startswith("*"):
        text = "\\" + text
    if text.endswith("*") and not text.endswith("\\*"):
        text = text[:-1] + "\\*"
    return text


def html_to_markdown(markup: str) -> str:
    """Markdown of an HTML fragment that keeps its emphasis, code, lists, links and line breaks, its text
    escaped to show as written (see _MarkdownFromHtml); pictures as "[image: alt]" as in html_to_text."""
    parser = _MarkdownFromHtml()
    parser.feed(markup)
    parser.close()
    return parser.finish()


def holds_markdown_markup(markup: str, tags: Collection[str] = MARKDOWN_TAGS) -> bool:
    """True when the HTML uses one of `tags`, elements plain text would lose (MARKDOWN_TAGS), outside
    <pre> (a code block reads as a fence either way)."""
    without_code_blocks = _PRE_BLOCK.sub("", markup)
    return any(match.group(1).lower() in tags for match in _START_TAG.finditer(without_code_blocks))


_PRE_BLOCK = re.compile(r"<pre\b.*?</pre\s*>", re.IGNORECASE | re.DOTALL)
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b")


def common_prefix(paths: Sequence[list[str]]) -> list[str]:
    """The leading parts every path shares (deck or category paths: ['Course', 'Week 1'] …)."""
    prefix = list(paths[0]) if paths else []
    for path in paths[1:]:
        length = 0
        while length < min(len(prefix), len(path)) and prefix[length] == path[length]:
            length += 1
        del prefix[length:]
    return prefix


def response_shares(correct: int, *, penalise_wrong: bool) -> tuple[float, float]:
    """(each correct choice's fraction, each wrong choice's) for a multiple response whose correct choices
    share the points equally; with `penalise_wrong` a wrong tick cancels one share, else it costs nothing."""
    share = round(1 / correct, 7)
    return share, -share if penalise_wrong else 0.0


def tidy_number(number: float) -> float:
    """3.1414999999999997 -> 3.1415: a number computed in binary floating point, read back as written."""
    return float(f"{number:.12g}")


_BOILERPLATE_OUTCOMES = frozenset(
    {
        "your answer is correct",
        "your answer is partially correct",
        "your answer is incorrect",
        "ditt svar är rätt",
        "ditt svar är delvis rätt",
        "ditt svar är fel",
        "die antwort ist richtig",
        "die antwort ist teilweise richtig",
        "die antwort ist falsch",
        "votre réponse est correcte",
        "votre réponse est partiellement correcte",
        "votre réponse est incorrecte",
        "respuesta correcta",
        "respuesta parcialmente correcta",
        "respuesta incorrecta",
    }
)
"""Moodle's default right/partly right/wrong feedback in its common languages: it says no more than
the score tenta's feedback opens with."""


def outcome_fields(
    general: str,
    *,
    correct: str = "",
    partial: str = "",
    incorrect: str = "",
    hints: Sequence[str] = (),
) -> dict[str, Any]:
    """A question's `outcome_feedback` and `hints` fields from what another tool shows for a right, partly
    right or wrong answer and before another try; only the ones with something to say (Moodle's default
    wordings, and a text that repeats the general feedback, are left out)."""
    seen = {general.strip()}

    def kept(raw: str) -> str:
        text = raw.strip()
        if not text or text in seen or text.rstrip(".!").casefold() in _BOILERPLATE_OUTCOMES:
            return ""
        return text

    fields: dict[str, Any] = {}
    outcome = {"correct": kept(correct), "partially_correct": kept(partial), "incorrect": kept(incorrect)}
    if any(outcome.values()):
        fields["outcome_feedback"] = outcome
    kept_hints = list(dict.fromkeys(text for hint in hints if (text := kept(hint))))
    if kept_hints:
        fields["hints"] = kept_hints
    return fields


_QUESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}")


def anki_note_id(guid: str, number: int) -> str:
    """A question id from an Anki note's guid (.apkg, or the guid column of a notes export in plain
    text), so a newer export of the deck names the same questions: the guid itself when it is a valid
    id, else a short stable hash of it (Anki guids use base91); `q<number>` without one."""
    if _QUESTION_ID.fullmatch(guid):
        return guid
    if not guid:
        return f"q{number}"
    return "anki-" + hashlib.sha1(guid.encode("utf-8")).hexdigest()[:12]
