"""Spreadsheet exports: one question per row, free text, or multiple choice when there are choice columns.

Header: `question,reference_answer[,key_points,max_points,topic,id,feedback]`, matched loosely: any case or
order, spaces/dashes/underscores alike, and the names other tools and Swedish teachers use (Fråga, Svar,
Front/Back, Term/Definition, Correct answer, Poäng, Nyckelpunkter, Ämne, Tags …). A file whose first row
names no known column is read in that column order (an Anki or Quizlet "front<TAB>back" export is question
and answer). Excel on Windows saves Windows-1252 or UTF-16, so those decode too; the delimiter (',', ';' from
Swedish Excel, tab or '|') is sniffed, or taken from an Excel `sep=;` line or an Anki `#separator:` header.
Key points are separated by ';', '|' or newlines and may carry a weight prefix ("2: mentions overfitting");
without them they are proposed from the reference answer. Columns empty in every row are ignored; any other
unknown column is an error, so nothing is dropped silently. Errors name the row's line and the column.

Anki's "Notes in Plain Text" export: its `#key:value` header (and any '#' comment after it) is read, the
deck column names the bank (the common deck) and each row's first topic (the deck below it), and a cloze
row is asked with its deletions blanked out and answered with them filled in (Back Extra as feedback). A
note of the stock 'Basic (type in the answer)' type (notetype column or '#notetype:'; its English name or
Anki's name for it in another language, e.g. 'Bas (skriv in svaret)') with a one-line Back is an exact
short answer, as the same note read from an .apkg.
Quizlet's unquoted 'term<TAB>definition' export continues a definition on lines without a tab. Its
export dialog's other separators are read when the file can be cut only one way: ' - ', ' = ' or a comma
between term and definition, a semicolon or a blank line between cards (not in a .csv/.tsv file, which its
delimiter splits); cut more than one way, the file is refused naming the ways.

Quiz templates (Kahoot, Quizizz, Blooket, hand-made): choice columns 'Answer 1' … / 'Option A' … make a row
multiple choice, its answer column naming the correct choices by position ('2', '1,3'), letter or text. The
header may sit below a title and instructions, carry hints ('Question - max 120 characters'), and have an
unnamed column numbering the rows; a time-limit column is read past. A question-type column (Quizizz) says
what each row is: Multiple Choice (one correct option), Checkbox (several), Fill-in-the-Blank (short_exact,
the filled options, else the answer, are the accepted answers), Open-Ended (free text, its reference the
answer column, else its only option); Poll and Draw rows are unsupported (no answer to grade), and a row of
column explanations right under the header (Quizizz's) is passed over. An image-link column's web address
is kept in the prompt as "[image: URL]" (tenta fetches nothing from the web).

Moodle's CSV question format plugin (qformat_csv): choices in columns A, B, C, D, the right one's letter
in 'Answer 1' and a second right one's in 'Answer 2' (each then worth half, a wrong tick costing nothing,
as in Moodle), questionname as id, defaultmark as points, correct/partially correct/incorrect feedback
as the question's outcome feedback; its answernumbering, penalty and hidden columns are read past.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from question_bank.errors import InputFileError
from question_bank.formats.common import (
    ImportProblems,
    QuestionDraft,
    anki_note_id,
    bank_languages,
    build_bank,
    common_prefix,
    has_cloze,
    html_to_text,
    outcome_fields,
    read_text,
    replace_clozes,
    response_shares,
    slugify,
    title_from_path,
)
from question_bank.formats.gift import looks_like_gift
from question_bank.formats.media_files import file_name_of_url, image_sources, name_images
from question_bank.keypoints import parse_weighted_point, read_marking_scheme
from question_bank.language import detect_bank_languages
from question_bank.models import Bank

COLUMN_ALIASES = {
    "question": (
        "question",
        "question_text",
        "questiontext",
        "prompt",
        "front",
        "term",
        "fråga",
        "fraga",
        "frågetext",
        "uppgift",
    ),
    "reference_answer": (
        "reference_answer",
        "reference",
        "answer",
        "correct_answer",
        "model_answer",
        "expected_answer",
        "sample_answer",
        "solution",
        "back",
        "definition",
        "svar",
        "referenssvar",
        "facit",
        "rätt_svar",
        "korrekt_svar",
        "modellsvar",
        "förväntat_svar",
        "exempelsvar",
        "lösning",
        "losning",
    ),
    "key_points": (
        "key_points",
        "keypoints",
        "key_point",
        "rubric",
        "criteria",
        "grading_criteria",
        "marking_scheme",
        "nyckelpunkter",
        "bedömningspunkter",
        "bedömningskriterier",
    ),
    "max_points": (
        "max_points",
        "points",
        "max_score",
        "score",
        "marks",
        "mark",
        "default_mark",
        "defaultmark",
        "poäng",
        "poang",
        "maxpoäng",
        "max_poäng",
    ),
    "topic": ("topic", "topics", "tags", "tag", "category", "ämne", "amne", "kategori", "taggar", "område"),
    "id": ("id", "question_id", "question_name", "questionname", "name", "title", "namn"),
    "feedback": (
        "feedback",
        "general_feedback",
        "explanation",
        "answer_explanation",
        "comment",
        "förklaring",
        "kommentar",
        "generalfeedback",
    ),
    "correct_feedback": ("correct_feedback", "correctfeedback"),
    "partial_feedback": ("partially_correct_feedback", "partiallycorrectfeedback", "partial_feedback"),
    "incorrect_feedback": ("incorrect_feedback", "incorrectfeedback", "wrong_feedback"),
    "deck": ("deck", "kortlek"),
    "time_limit": ("time_limit", "time", "time_in_seconds", "tidsgräns", "tid"),
    "answer_numbering": ("answernumbering", "answer_numbering", "penalty", "hidden"),
    "question_type": ("question_type", "type", "frågetyp"),
    "image": ("image_link", "image", "image_url", "picture", "bild"),
}
"""Known columns. A time limit per question (Kahoot, Quizizz) and the Moodle CSV plugin's numbering of
choices, penalty for another try and hidden flag have no use in tenta and are read past."""
_READ_PAST = frozenset({"time_limit", "answer_numbering"})
_QUESTION_TYPES = {
    "multiple_choice": "one",
    "single_choice": "one",
    "flerval": "one",
    "checkbox": "several",
    "checkboxes": "several",
    "multiple_answers": "several",
    "multiple_response": "several",
    "multiple_select": "several",
    "open_ended": "free_text",
    "free_text": "free_text",
    "essay": "free_text",
    "fritext": "free_text",
    "fill_in_the_blank": "short_exact",
    "fill_in_the_blanks": "short_exact",
    "short_answer": "short_exact",
    "short_exact": "short_exact",
}
"""A question-type cell (Quizizz's names, tenta's own, Canvas's) as how its row is read."""
_UNGRADABLE_TYPES = {
    "poll": "Poll questions have no correct answer, so tenta cannot grade them",
    "survey": "survey questions have no correct answer, so tenta cannot grade them",
    "draw": "Draw questions are answered with a drawing, which tenta cannot take",
}
_KNOWN_TYPES = "Multiple Choice, Checkbox, Open-Ended, Fill-in-the-Blank"
_CHOICE_COLUMN = re.compile(
    r"(?:answer|option|choice|alternative|alternativ|svarsalternativ)_?(?:\d{1,2}|[a-h])", re.IGNORECASE
)
"""'Answer 1', 'Option B', 'Alternativ 3': the choices of a multiple-choice row (Kahoot, Quizizz, Blooket)."""
_LETTER_COLUMN = re.compile(r"[a-h]")
"""'A', 'B', 'C', 'D': the choices as the Moodle CSV question format plugin (qformat_csv) names them; its
'Answer 1' and 'Answer 2' columns then hold the letters of the right choices."""
_ANSWER_KEY_COLUMN = re.compile(r"answer_?\d{1,2}", re.IGNORECASE)
HEADER_SEARCH_ROWS = 10
"""How far down a file or sheet the header row may sit (below a title line and instructions)."""
HeaderScore = Callable[[Sequence[str]], int]
"""How many cells of a candidate header row are recognised as columns."""
REQUIRED = ("question", "reference_answer")
POSITIONAL = ("question", "reference_answer", "key_points", "max_points", "topic")
DELIMITERS = ("\t", ";", ",", "|")
SNIFF_RECORDS = 50
_NAMED_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_EXCEL_SEPARATOR = re.compile(r"sep=(.)", re.IGNORECASE)
_ANKI_HEADER = re.compile(
    r"#(separator|html|tags column|columns|deck|notetype|guid column|notetype column|deck column|tags"
    r"|if matches):(.*)",
    re.IGNORECASE,
)
_ANKI_TYPE_IN_NOTETYPES = frozenset(
    name.lower()
    for name in (
        # Anki names its stock note types in the language it runs in when it creates them, and a text
        # export writes that name. notetypes-basic-type-answer-name in ankitects/anki-core-i18n,
        # core/<language>/notetypes.ftl:
        "Basic (type in the answer)",  # en (anki's ftl/core/notetypes.ftl)
        "Bas (skriv in svaret)",  # sv-SE
        "Einfach (Antwort eintippen)",  # de
        "Basique (saisissez la réponse)",  # fr
        "Básico (teclear la respuesta)",  # es
        "Básico (digite a resposta)",  # pt-BR, pt-PT
        "Basisch (typ het antwoord in)",  # nl
        "Basilare (digita la risposta)",  # it
        "Podstawowy (wpisywanie odpowiedzi)",  # pl
        "Basic (解答タイピング入力)",  # ja
        "问答题（输入答案）",  # zh-CN
        "基本型 (輸入答案)",  # zh-TW
    )
)
"""Anki's stock note type whose card asks to type the Back in ({{type:Back}}), by its English and its
localised names: an exact short answer, as the same note read from an .apkg (which goes by the card
template, whatever the note type is called)."""
_POINTS = re.compile(
    r"([+-]?(?:\d+(?:[.,]\d+)?|(?:\d+\s+)?\d+/[1-9]\d*))\s*(?:p|pts?|points?|poäng|marks?)?\.?", re.IGNORECASE
)
"""A points cell: '2', '1,5', '0.5 p', or a fraction as Excel's fraction formats show one ('1/3', '1 1/2')."""
_LIST_MARKER = re.compile(r"^(?:[-*•]|\d+[.)])\s+")


def _header_key(header: str) -> str:
    """A header as the column tables spell it: 'Answer 1' -> 'answer_1', '"Points (max)":' -> 'points'."""
    name = header.strip().strip("\"'*:").strip().lower()
    name = re.sub(r"\s+[-–—]\s+.*$", "", name)  # Kahoot's "Question - max 120 characters" -> "question"
    name = re.sub(r"\s*\([^)]*\)$", "", name)  # "Points (max)" -> "points"
    return re.sub(r"[\s\-_.]+", "_", name).strip("_")


def _canonical(header: str) -> str | None:
    name = _header_key(header)
    for canonical, aliases in COLUMN_ALIASES.items():
        if name in aliases:
            return canonical
    return "choice" if _CHOICE_COLUMN.fullmatch(name) or _LETTER_COLUMN.fullmatch(name) else None


_ANKI_EXPORT = "anki export"
"""Set by `_preamble` when the file has an Anki `#key:value` header (an Excel `sep=` line is none)."""


def _preamble(text: str) -> tuple[str, dict[str, str]]:
    """Excel `sep=;` and Anki `#key:value` lines before the data, blanked out so line numbers stay right."""
    lines = text.split("\n")
    options: dict[str, str] = {}
    for index, line in enumerate(lines):
        stripped = line.strip()
        excel = _EXCEL_SEPARATOR.fullmatch(stripped)
        anki = _ANKI_HEADER.fullmatch(stripped)
        if excel:
            options["separator"] = excel.group(1)
        elif anki:
            options[anki.group(1).lower()] = anki.group(2).strip()
            options[_ANKI_EXPORT] = "true"
        elif stripped.startswith("#") and options:
            pass  # Anki skips every '#' line of its header, comments included
        elif stripped:
            break
        lines[index] = ""
    return "\n".join(lines), options


def _sample(text: str, delimiter: str) -> list[list[str]]:
    """The first non-empty records split by `delimiter`, trailing empty cells dropped (for sniffing)."""
    records = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            trimmed = _without_trailing_empty(cells)
            if trimmed:
                records.append(trimmed)
            if len(records) >= SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return records


def _without_trailing_empty(cells: Sequence[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return list(cells[:end])


def recognised_columns(cells: Sequence[str]) -> int:
    """How many of `cells` name a known column (how much a row looks like this format's header)."""
    return sum(1 for cell in cells if _canonical(cell))


def header_first(rows: list[tuple[int, list[str]]], header_score: HeaderScore) -> list[tuple[int, list[str]]]:
    """`rows` from the header on. Above a recognised header only a title line (one cell) or, above a
    header of two or more known columns, sparser rows (a title, instructions, group labels merged over
    the columns they group) are dropped; anything else may be data, so the rows are kept as they are."""
    head = rows[:HEADER_SEARCH_ROWS]
    if not head:
        return rows
    best = max(range(len(head)), key=lambda index: header_score(head[index][1]))
    score, width = header_score(head[best][1]), _filled(head[best][1])
    droppable = 1 if score == 1 else width - 1
    if score and all(_filled(cells) <= droppable for _, cells in head[:best]):
        return rows[best:]
    return rows


def _filled(cells: Sequence[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def _header_delimiter(text: str) -> str | None:
    """The delimiter that splits a record near the top into the most recognised column names, if any."""
    best, best_count = None, 0
    for delimiter in DELIMITERS:
        head = _sample(text, delimiter)[:HEADER_SEARCH_ROWS]
        count = max((recognised_columns(record) for record in head), default=0)
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _table_delimiter(text: str, candidates: Sequence[str] = DELIMITERS) -> str | None:
    """For a file without a header: the delimiter giving most rows the same number (>= 2) of cells."""
    best, best_score = None, 0.5
    for delimiter in candidates:
        counts = [len(cells) for cells in _sample(text, delimiter)]
        if not counts:
            continue
        usual = max(set(counts), key=counts.count)
        score = counts.count(usual) / len(counts)
        if usual >= 2 and score > best_score:
            best, best_score = delimiter, score
    return best


def _explicit_delimiter(options: dict[str, str], path: Path) -> str | None:
    value = options.get("separator")
    if value is None:
        return None
    delimiter = _NAMED_SEPARATORS.get(value.lower(), value)
    if len(delimiter) != 1:
        raise InputFileError(path, f"unknown separator {value!r}", line=1, field="#separator")
    return delimiter


def looks_like_csv(text: str) -> bool:
    """A header naming question and answer columns, an Excel/Anki separator line, or a tab-separated table."""
    body, options = _preamble(text)
    if "separator" in options:
        return True
    delimiter = _header_delimiter(body)
    if delimiter is not None:
        names = {_canonical(cell) for cell in _sample(body, delimiter)[0]}
        return all(required in names for required in REQUIRED)
    return _tab_separated_cards(body) or (bool(_quizlet_layouts(body)) and not looks_like_gift(body))


def _tab_separated_cards(body: str) -> bool:
    """A table without a header whose records are split by tabs into the same number of cells (an Anki
    or Quizlet 'term<TAB>definition' export, a definition's extra lines aside)."""
    records = _sample(body, "\t")
    numbered = all(re.fullmatch(r"\d+[.):]?", cells[0].strip()) for cells in records)  # "1.<TAB>Vad …"
    split = [cells for cells in records if len(cells) >= 2]  # the rest: a Quizlet card's extra lines
    return (
        bool(records)
        and not numbered
        and len({len(cells) for cells in split}) == 1
        and len(records[0]) >= 2
        and len(split) * 2 >= len(records)
    )


_QUIZLET_TERM_SEPARATORS = {"\t": "Tab", ",": "Comma", " - ": "' - '", " = ": "' = '"}
_QUIZLET_CARD_SEPARATORS = {"\n": "New line", ";": "Semicolon", "\n\n": "a blank line"}
"""Between term and definition, and between cards, what Quizlet's export dialog offers (Tab or Comma, New
line or Semicolon) and the custom separators people type there most."""
_QUIZLET_CARD_PATTERNS = {
    "\n": re.compile(r"\n"),
    ";": re.compile(r";"),
    "\n\n": re.compile(r"\n[ \t]*\n\s*"),
}
_TAB_TABLE = (("\t", "\n"), ("\t", "\n\n"))
"""Tab between term and definition, cards on lines of their own: read as any tab-separated table."""


@dataclass(frozen=True)
class _QuizletLayout:
    """One way to cut a Quizlet export into cards: (line, term, definition) each."""

    term_separator: str
    card_separator: str
    cards: tuple[tuple[int, str, str], ...]

    def describe(self) -> str:
        return (
            f"{_QUIZLET_TERM_SEPARATORS[self.term_separator]} between term and definition, "
            f"{_QUIZLET_CARD_SEPARATORS[self.card_separator]} between cards"
        )


def _quizlet_layouts(body: str) -> list[_QuizletLayout]:
    """Every way Quizlet's separators cut the text into two or more cards, each with the term separator
    exactly once; ways giving the same cards count once. A tab-separated table is left to the table
    reader."""
    layouts: dict[tuple[tuple[str, str], ...], _QuizletLayout] = {}
    for card_separator in _QUIZLET_CARD_SEPARATORS:
        for term_separator in _QUIZLET_TERM_SEPARATORS:
            if (term_separator, card_separator) in _TAB_TABLE:
                continue
            cards = _quizlet_cards(body, term_separator, card_separator)
            if cards:
                key = tuple((term, definition) for _, term, definition in cards)
                layouts.setdefault(key, _QuizletLayout(term_separator, card_separator, cards))
    return list(layouts.values())


def _quizlet_cards(body: str, term_separator: str, card_separator: str) -> tuple[tuple[int, str, str], ...]:
    """The cards `body` holds cut this way, or () when a piece is no card (no term separator or more than
    one, a term or definition empty, a line break inside a card not separated by blank lines)."""
    cards = []
    start = 0
    for match in [*_QUIZLET_CARD_PATTERNS[card_separator].finditer(body), None]:
        end = match.start() if match else len(body)
        piece = body[start:end]
        line = body.count("\n", 0, start) + 1 + piece[: len(piece) - len(piece.lstrip())].count("\n")
        start = match.end() if match else start
        if not piece.strip():
            continue
        card = piece.strip()
        first_line = card.split("\n", 1)[0]
        if card.count(term_separator) != 1 or term_separator not in first_line:
            return ()
        if "\n" in card and card_separator != "\n\n":
            return ()
        term, definition = (part.strip() for part in card.split(term_separator))
        if not term or not definition:
            return ()
        cards.append((line, term, definition))
    return tuple(cards) if len(cards) >= 2 else ()


def _quizlet_rows(text: str, path: Path) -> list[tuple[int, list[str]]] | None:
    """A headerless Quizlet export with custom separators as (line, [term, definition]) rows; None when
    it is not one. Cut more than one way, it is refused rather than guessed."""
    if path.suffix.lower() in (".csv", ".tsv"):
        return None  # a CSV file is split by its delimiter
    layouts = _quizlet_layouts(text)
    if _tab_separated_cards(text):  # read as a table, unless its cards are cut by semicolons
        layouts = [layout for layout in layouts if layout.card_separator == ";"]
    if len(layouts) > 1:
        ways = "; ".join(layout.describe() for layout in layouts)
        raise InputFileError(
            path,
            f"reads as Quizlet cards in {len(layouts)} ways ({ways}): export the set again with Tab between "
            "term and definition and New line between cards",
            line=1,
        )
    return [(line, [term, definition]) for line, term, definition in layouts[0].cards] if layouts else None


def _number(text: str) -> float:
    match = _POINTS.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    raw = match.group(1)
    value = _fraction(raw) if "/" in raw else float(raw.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _fraction(text: str) -> float:
    """'1/3' or '-1 1/2' (a whole number and a fraction, as Excel's '# ?/?' format shows 1.5) as a number."""
    sign = -1 if text.startswith("-") else 1
    return sign * float(sum(Fraction(part) for part in text.lstrip("+-").split()))


def _key_points(cell: str) -> list[dict[str, Any]]:
    """Rubric dicts from a key_points cell; ValueError names the bad item."""
    items = [_LIST_MARKER.sub("", item.strip()) for item in re.split(r"[;|\n]", cell)]
    points = []
    for index, item in enumerate((item for item in items if item), start=1):
        weight, text = parse_weighted_point(item)
        points.append({"id": f"p{index}", "text": text, "weight": weight})
    return points


def _rows(text: str, delimiter: str, path: Path) -> list[tuple[int, list[str]]]:
    """(first line, cells) per non-empty record; csv errors become InputFileError at their line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = "a quoted cell starting here is never closed" if "end of data" in str(error) else str(error)
        raise InputFileError(path, f"CSV syntax: {reason}", line=start) from None
    return rows


ColumnLabel = Callable[[int], str]
"""How an error names a column by its 0-based index ("column 2" in a CSV file, "column B" in a sheet)."""


def _column_number(index: int) -> str:
    return f"column {index + 1}"


_FIELD_COLUMNS = {"general_feedback": "feedback"}
"""Question fields read from a column of another name (the prompt and reference answer are stored per
language, so their field paths name no column)."""


@dataclass
class _Columns:
    """Where each known column sits, and how to name it in an error."""

    positions: dict[str, int] = field(default_factory=dict)
    choices: list[int] = field(default_factory=list)  # the choice columns of multiple-choice rows, in order
    answer_keys: list[int] = field(default_factory=list)  # qformat_csv's 'Answer 1', 'Answer 2' (letters)
    width: int = 0
    html: bool = False
    topics_split_on_spaces: bool = False  # Anki's tags column: "cnn pooling"
    notetype: str = ""  # Anki's '#notetype:' header: every row's note type unless a column says
    label: ColumnLabel = _column_number

    def cell(self, cells: list[str], name: str) -> str:
        position = self.positions.get(name)
        if position is None or position >= len(cells):
            return ""
        value = _named_sounds(cells[position].strip())
        return html_to_text(name_images(value)).strip() if self.html else value

    def where(self, name: str) -> str:
        return f"{self.label(self.positions.get(name, 0))} ({name})"

    def column_of(self, field_path: str) -> str | None:
        """The column a question field came from, when one column holds it whole."""
        name = _FIELD_COLUMNS.get(field_path, field_path)
        return self.where(name) if name in self.positions else None


def _numbers_rows(rows: Sequence[tuple[int, list[str]]], index: int) -> bool:
    """True when column `index` holds nothing but whole numbers (a template's unnamed '1, 2, 3 …' column)."""
    values = [cells[index].strip() for _, cells in rows if index < len(cells) and cells[index].strip()]
    return all(re.fullmatch(r"\d{1,4}\.?", value) for value in values)


def _first_text_in_column(rows: Sequence[tuple[int, list[str]]], index: int) -> int | None:
    """The line of the first row with text in column `index`, or None when the column is empty."""
    return next((line for line, cells in rows if index < len(cells) and cells[index].strip()), None)


def _header_columns(
    header: list[str],
    line: int,
    data: Sequence[tuple[int, list[str]]],
    problems: ImportProblems,
    label: ColumnLabel = _column_number,
) -> _Columns:
    columns = _Columns(width=len(header), label=label)
    for index, name in enumerate(header):
        canonical = _canonical(name)
        if canonical == "choice":
            columns.choices.append(index)
        elif canonical in _READ_PAST:
            continue
        elif canonical is None:
            used_at = _first_text_in_column(data, index)
            if used_at is None or (not name.strip() and _numbers_rows(data, index)):
                continue  # an empty column (Excel pads rows with them) or one numbering the rows
            if name.strip():
                known = ", ".join([*COLUMN_ALIASES, "answer 1 … (choices)"])
                problems.add(f"unknown column {name!r} (known: {known})", line=line, field=label(index))
            else:
                problems.add(
                    f"column has no header but line {used_at} has text in it",
                    line=line,
                    field=label(index),
                )
        elif canonical in columns.positions:
            problems.add(f"column {name!r} appears twice", line=line, field=label(index))
        else:
            columns.positions[canonical] = index
    _letter_choices_and_answer_keys(header, columns)
    for required in REQUIRED:
        if required not in columns.positions:
            problems.add(f"missing required column {required!r}", line=line)
    return columns


def _letter_choices_and_answer_keys(header: list[str], columns: _Columns) -> None:
    """With choices named A, B, C … (qformat_csv) the 'Answer 1', 'Answer 2' columns are no choices but
    the letters of the right ones, read together as the row's answer."""
    names = {index: _header_key(header[index]) for index in columns.choices}
    if not any(_LETTER_COLUMN.fullmatch(name) for name in names.values()):
        return
    keys = [index for index, name in names.items() if _ANSWER_KEY_COLUMN.fullmatch(name)]
    if not keys or "reference_answer" in columns.positions:
        return
    columns.choices = [index for index in columns.choices if index not in keys]
    columns.answer_keys = keys
    columns.positions["reference_answer"] = keys[0]


def _positional_columns(
    options: dict[str, str],
    rows: Sequence[tuple[int, list[str]]],
    path: Path,
    label: ColumnLabel = _column_number,
) -> _Columns:
    """Columns of a header-less file in the documented order, minus Anki's metadata and tags columns.

    The usual row width bounds them, so an answer split by an unquoted comma is an error, not a key point.
    In an Anki notes export (a '#' header) only the first two note fields are tenta's: a note's further
    fields are no key points or points but its own (Add Reverse's 'y', an Extra field), and are read past,
    as the .apkg importer reads past them.
    """
    try:
        notetype = int(options["notetype column"]) - 1 if "notetype column" in options else None
        tags = int(options["tags column"]) - 1 if "tags column" in options else None
        deck = int(options["deck column"]) - 1 if "deck column" in options else None
        guid = int(options["guid column"]) - 1 if "guid column" in options else None
    except ValueError:
        raise InputFileError(path, "Anki column header is not a column number", line=1) from None
    widths = [len(_without_trailing_empty(cells)) for _, cells in rows]
    usual_width = max(set(widths), key=widths.count)
    anki_export = _ANKI_EXPORT in options
    names = iter(POSITIONAL[:2] if anki_export else (n for n in POSITIONAL if tags is None or n != "topic"))
    columns = _Columns(
        topics_split_on_spaces=tags is not None, label=label, notetype=options.get("notetype", "")
    )
    for index in range(max(usual_width, (tags or 0) + 1, (deck or 0) + 1)):
        if index == tags:
            columns.positions["topic"] = index
        elif index == deck:
            columns.positions["deck"] = index
        elif index == guid:
            columns.positions["guid"] = index
        elif index == notetype:
            columns.positions["notetype"] = index
        else:
            name = next(names, None)
            if name is None and not anki_export:
                break
            if name is not None:
                columns.positions[name] = index
        columns.width = index + 1
    return columns


def _row_data(
    number: int, line: int, cells: list[str], columns: _Columns, problems: ImportProblems
) -> dict[str, Any] | None:
    """One row as question fields (prompt/reference still plain strings), or None after reporting problems."""
    before = len(problems.errors)
    question, reference = columns.cell(cells, "question"), columns.cell(cells, "reference_answer")
    if columns.answer_keys:
        reference = ",".join(key for index in columns.answer_keys if (key := _at(cells, index)))
    extra = ""
    if has_cloze(question):  # an Anki cloze: asked blanked, answered filled in, its Back Extra as feedback
        extra, reference = reference, replace_clozes(question, filled=True)
        question = replace_clozes(question, filled=False)
    if not question:
        problems.add("question is empty", line=line, field=columns.where("question"))
    given_id, guid = columns.cell(cells, "id"), columns.cell(cells, "guid")
    data: dict[str, Any] = {
        "number": number,
        "id": slugify(given_id, f"q{number}") if given_id else anki_note_id(guid, number),
    }
    kind = _row_kind(cells, columns, line, problems)
    if kind is None:
        return None
    if kind == "free_text":
        reference = _free_text_reference(reference, cells, columns, line, problems)
    else:
        data.update(_graded_by_choice(reference, cells, columns, line, problems, kind=kind))
        reference = ""
    image = columns.cell(cells, "image")
    if image and question:
        question = f"{question}\n\n[image: {image}]"
    key_points, max_points = columns.cell(cells, "key_points"), columns.cell(cells, "max_points")
    if key_points:
        try:
            data["rubric"] = _key_points(key_points)
        except ValueError as error:
            problems.add(str(error), line=line, field=columns.where("key_points"))
    elif reference:  # a marking scheme written into the reference gives the rubric, else it is proposed
        scheme = read_marking_scheme(reference)
        reference = scheme.reference
        data["rubric"] = [point.model_dump() for point in scheme.points]
        if scheme.total and not max_points:
            data["max_points"] = scheme.total
    if max_points:
        try:
            data["max_points"] = _number(max_points)
        except ValueError:
            problems.add(f"{max_points!r} is not a number", line=line, field=columns.where("max_points"))
    topic_separators = r"[;|\s]+" if columns.topics_split_on_spaces else r"[;|]"
    topics = [topic for topic in re.split(topic_separators, columns.cell(cells, "topic")) if topic.strip()]
    if topics:
        data["topics"] = topics
    feedback = columns.cell(cells, "feedback") or extra
    if feedback:
        data["general_feedback"] = feedback
    data.update(
        outcome_fields(
            feedback,
            correct=columns.cell(cells, "correct_feedback"),
            partial=columns.cell(cells, "partial_feedback"),
            incorrect=columns.cell(cells, "incorrect_feedback"),
        )
    )
    if len(problems.errors) > before:
        return None
    data["prompt"], data["reference_answer"] = question, reference
    return data


def _free_text_reference(
    reference: str, cells: list[str], columns: _Columns, line: int, problems: ImportProblems
) -> str:
    """A free-text row's reference answer: its answer column, else its only filled option (Open-Ended)."""
    filled = [text for text in _choice_texts(cells, columns) if text]
    reference = reference or (filled[0] if len(filled) == 1 else "")
    if not reference:
        problems.add(
            "free-text question needs a reference answer", line=line, field=columns.where("reference_answer")
        )
    return reference


def _graded_by_choice(
    key: str, cells: list[str], columns: _Columns, line: int, problems: ImportProblems, *, kind: str
) -> dict[str, Any]:
    """The type and choices of a multiple-choice or fill-in-the-blank row."""
    if kind == "short_exact":
        return _accepted_answers(key, cells, columns, line, problems)
    # the answer column names the correct choices
    return _choice_fields(key, cells, columns, line, problems, single=kind == "one")


def _type_key(cell: str) -> str:
    return re.sub(r"[\s\-_]+", "_", cell.strip().lower()).strip("_")


def _row_kind(cells: list[str], columns: _Columns, line: int, problems: ImportProblems) -> str | None:
    """How a row is read: by its question-type cell, else as multiple choice when the file has choice
    columns ('choice'), else free text; None after reporting a type tenta cannot take."""
    written = columns.cell(cells, "question_type")
    key = _type_key(written)
    if not key and _is_typed_in(cells, columns):
        return "short_exact"
    if not key:
        return "choice" if columns.choices else "free_text"
    where = columns.where("question_type")
    if key in _UNGRADABLE_TYPES:
        problems.unsupported(_UNGRADABLE_TYPES[key], line=line, field=where)
        return None
    kind = _QUESTION_TYPES.get(key)
    if kind is None:
        problems.add(f"unknown question type {written!r} (known: {_KNOWN_TYPES})", line=line, field=where)
    elif kind in ("one", "several") and not columns.choices:
        problems.add(f"a {written} question needs option columns (Option 1, Option 2 …)", line=line)
        return None
    return kind


def _is_typed_in(cells: list[str], columns: _Columns) -> bool:
    """An Anki note of the stock 'Basic (type in the answer)' type (its notetype column, else the file's
    '#notetype:') whose one-line Back is what the student types."""
    notetype = columns.cell(cells, "notetype") or columns.notetype
    answer = columns.cell(cells, "reference_answer")
    return notetype.strip().lower() in _ANKI_TYPE_IN_NOTETYPES and bool(answer) and "\n" not in answer


def _is_explanation_row(cells: list[str], columns: _Columns) -> bool:
    """Quizizz's template explains its columns in the row under the header: its type cell is no type but
    text naming one ('Question Type (default is Multiple Choice)')."""
    key = _type_key(columns.cell(cells, "question_type"))
    return (
        key not in _QUESTION_TYPES
        and key not in _UNGRADABLE_TYPES
        and any(known in key for known in _QUESTION_TYPES)
    )


def _at(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _choice_texts(cells: list[str], columns: _Columns) -> list[str]:
    return [_at(cells, index) for index in columns.choices]


def _accepted_answers(
    key: str, cells: list[str], columns: _Columns, line: int, problems: ImportProblems
) -> dict[str, Any]:
    """A fill-in-the-blank row: its filled options are the accepted answers (Quizizz), else its answer."""
    accepted = [text for text in _choice_texts(cells, columns) if text] or ([key] if key else [])
    if not accepted:
        problems.add(
            "fill-in-the-blank question needs its accepted answers in the option or answer columns",
            line=line,
            field=columns.where("reference_answer"),
        )
        return {}
    return {"type": "short_exact", "choices": [{"text": text, "fraction": 1.0} for text in accepted]}


def _choice_fields(
    key: str, cells: list[str], columns: _Columns, line: int, problems: ImportProblems, *, single: bool
) -> dict[str, Any]:
    """A multiple-choice row: the filled choice columns, and the correct ones named in the answer column
    by number ('2', '1,3' as Kahoot writes them), letter ('B', 'A;C') or the choice's own text. Several
    correct choices share the points and a wrong one costs as much, as Canvas grades multiple answers;
    a `single` row (Quizizz's Multiple Choice) must name exactly one."""
    texts = _choice_texts(cells, columns)
    where = columns.where("reference_answer")
    if not key:
        problems.add(
            "multiple-choice row needs its correct choice (a number, letter or text)", line=line, field=where
        )
        return {}
    correct = _correct_choices(key, texts)
    if correct is None:
        last = len(texts)
        problems.add(
            f"correct answer {key!r} names no filled choice; expected numbers 1-{last}, "
            f"letters A-{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[last - 1]} or a choice's text",
            line=line,
            field=where,
        )
        return {}
    if single and len(correct) > 1:
        problems.add(
            f"a Multiple Choice question has one correct option but {len(correct)} are named; "
            "make it a Checkbox",
            line=line,
            field=where,
        )
        return {}
    # qformat_csv's rows are Moodle multiple-choice questions: a wrong tick costs nothing there
    share, wrong = response_shares(len(correct), penalise_wrong=len(correct) > 1 and not columns.answer_keys)
    choices = [
        {"text": text, "fraction": share if index in correct else wrong}
        for index, text in enumerate(texts)
        if text
    ]
    if len(choices) < 2:
        problems.add("multiple-choice row needs at least two filled choices", line=line)
        return {}
    return {"type": "multiple_choice", "choices": choices}


def _correct_choices(key: str, texts: Sequence[str]) -> set[int] | None:
    """The indices of the filled choices `key` names, or None when it names none (or an empty one).
    Positions come first, as templates mean them: with choices 2, 3, 4, 5 the key '2' is the second."""
    by_text = {index for index, text in enumerate(texts) if text and text.casefold() == key.casefold()}
    named = _named_positions(key, len(texts))
    if named is not None and all(texts[index] for index in named):
        return named
    return by_text or None


def _named_positions(key: str, count: int) -> set[int] | None:
    """'2', '1,3' or 'A; C' as choice indices, or None when `key` is not such a list."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:count]
    named: set[int] = set()
    for written in re.split(r"[,;\s]+", key.strip()):
        token = written.rstrip(".)")
        if token.isdigit() and 1 <= int(token) <= count:
            named.add(int(token) - 1)
        elif len(token) == 1 and token.upper() in letters:
            named.add(letters.index(token.upper()))
        else:
            return None
    return named or None


def _joined_continuation_lines(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Quizlet exports 'term<TAB>definition' lines without quoting, so a definition written over several
    lines continues on lines without a tab: those lines belong to the card above."""
    joined: list[tuple[int, list[str]]] = []
    for line, cells in rows:
        if len(cells) == 1 and joined and len(joined[-1][1]) >= 2:
            previous = joined[-1][1]
            previous[-1] = f"{previous[-1]}\n{cells[0]}"
        else:
            joined.append((line, list(cells)))
    return joined


def _table(
    text: str, options: dict[str, str], path: Path, problems: ImportProblems
) -> tuple[_Columns, list[tuple[int, list[str]]]]:
    """The columns and the data rows, whether the file has a header row, an Anki #columns line, or neither."""
    explicit = _explicit_delimiter(options, path)
    if not options and _header_delimiter(text) is None and (cards := _quizlet_rows(text, path)) is not None:
        return _header_or_positional_columns(cards, options, path, problems)
    delimiter = explicit or _header_delimiter(text) or _table_delimiter(text)
    if delimiter is None:
        raise InputFileError(
            path,
            "no header row naming the question and reference_answer columns, "
            "and the rows are not split into columns by ',', ';' or tabs",
            line=1,
        )
    rows = _rows(text, delimiter, path)
    if not rows:
        raise InputFileError(path, "file is empty: expected a header row question,reference_answer,…")
    anki_columns = next(csv.reader([options.get("columns", "")], delimiter=delimiter), [])
    if recognised_columns(anki_columns):
        columns, data = _header_columns(anki_columns, 1, rows, problems), rows
    else:
        if delimiter == "\t" and not options and not recognised_columns(rows[0][1]):
            rows = _joined_continuation_lines(rows)
        columns, data = _header_or_positional_columns(rows, options, path, problems)
    columns.html = options.get("html", "").lower() == "true"
    return columns, data


def _header_or_positional_columns(
    rows: list[tuple[int, list[str]]],
    options: dict[str, str],
    path: Path,
    problems: ImportProblems,
    label: ColumnLabel = _column_number,
) -> tuple[_Columns, list[tuple[int, list[str]]]]:
    """The header row's column names when there is one (at the top or below a title), else the
    documented column order."""
    rows = header_first(rows, recognised_columns)
    if recognised_columns(rows[0][1]):
        return _header_columns(rows[0][1], rows[0][0], rows[1:], problems, label), rows[1:]
    return _positional_columns(options, rows, path, label), rows


_ANKI_SOUND = re.compile(r"\[sound:([^\]]*)\]")


def _named_sounds(cell: str) -> str:
    """Anki's `[sound:uttal.mp3]` as '[sound: uttal.mp3]', as its package importer shows a sound: a text
    export carries no media, so the name is what tells the teacher which recording the card played
    (pictures likewise keep their file name as '[image: karta.jpg]', not a bare '[image]')."""
    return _ANKI_SOUND.sub(lambda match: f"[sound: {match.group(1).strip()}]", cell)


def _deck_path(deck: str) -> list[str]:
    """An Anki deck name 'Course::Week 1' as ['Course', 'Week 1']."""
    return [part.strip() for part in deck.split("::") if part.strip()]


def import_csv(
    path: Path, *, skipped: list[InputFileError] | None = None, notes: list[str] | None = None
) -> Bank:
    """A bank of free-text questions from a CSV file; all rows are checked before anything is returned.

    With a `skipped` list, rows of types tenta cannot grade (polls) are recorded there and left out; a
    `notes` list gets the pictures and sound an HTML cell shows (Anki's notes exports), which a text file
    cannot carry."""
    text, options = _preamble(read_text(path, windows_encodings=True))
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    columns, rows = _table(text, options, path, problems)
    bank = _bank_from_rows(path, columns, rows, options, problems)
    _note_media_left_behind(rows, problems, html=columns.html)
    return bank


_SOUND = re.compile(r"\[sound:([^\]\n]+)\]")


def _note_media_left_behind(
    rows: Sequence[tuple[int, list[str]]], problems: ImportProblems, *, html: bool
) -> None:
    """A note per picture (<img src> in HTML cells) and sound ([sound:…]) a row names: a text export holds
    no media files, so the question says '[image: …]' where it was and the file stays in Anki."""
    for line, cells in rows:
        for cell in cells:
            sources = image_sources(cell) if html else ()
            pictures = [("picture", file_name_of_url(source.strip())) for source in sources]
            sounds = [("sound", name.strip()) for name in _SOUND.findall(cell)]
            for kind, name in [*pictures, *sounds]:
                problems.note(
                    f"{kind} {name!r} is not in the file: a text export holds no media (export the deck "
                    "as an .apkg package to keep it); left out (the text still names it)",
                    line=line,
                )


def import_rows(
    path: Path,
    rows: list[tuple[int, list[str]]],
    *,
    column_label: ColumnLabel = _column_number,
    skipped: list[InputFileError] | None = None,
) -> Bank:
    """A bank from rows already split into cells (a spreadsheet's sheet), read as a CSV file's rows are:
    a header row naming the columns, or the documented column order. Rows are (line, cells)."""
    if not rows:
        raise InputFileError(path, "no rows: expected a header row question, reference_answer, …")
    problems = ImportProblems(path, skipped=skipped)
    columns, data = _header_or_positional_columns(rows, {}, path, problems, column_label)
    return _bank_from_rows(path, columns, data, {}, problems)


def _bank_from_rows(
    path: Path,
    columns: _Columns,
    rows: list[tuple[int, list[str]]],
    options: dict[str, str],
    problems: ImportProblems,
) -> Bank:
    """Every row checked (all problems reported together), then the bank; nothing half-imported."""
    problems.raise_if_any()
    if rows and _is_explanation_row(rows[0][1], columns):
        rows = rows[1:]
    parsed: list[tuple[int, dict[str, Any]]] = []
    decks: list[list[str]] = []
    for number, (line, cells) in enumerate(rows, start=1):
        filled = len(_without_trailing_empty(cells))
        if filled > columns.width:
            problems.add(f"row has {filled} cells but the file has {columns.width} columns", line=line)
            continue
        data = _row_data(number, line, cells, columns, problems)
        if data is not None:
            parsed.append((line, data))
            decks.append(_deck_path(columns.cell(cells, "deck") or options.get("deck", "")))
    root = common_prefix(decks)
    for (_, data), deck in zip(parsed, decks, strict=True):
        if deck[len(root) :]:  # the deck below the file's common deck is the question's first topic
            data["topics"] = ["::".join(deck[len(root) :]), *data.get("topics", [])]
    prompt_language, answer_language = detect_bank_languages(
        (data["prompt"] for _, data in parsed), (data["reference_answer"] for _, data in parsed)
    )
    drafts = []
    seen_ids: dict[str, int] = {}
    for line, data in parsed:
        if data["id"] in seen_ids:
            problems.add(
                f"duplicate question id {data['id']!r} (first at line {seen_ids[data['id']]})",
                line=line,
                field=columns.where("id"),
            )
            continue
        seen_ids[data["id"]] = line
        data["prompt"] = {prompt_language: data["prompt"]}
        data["text_format"] = "plain"  # a spreadsheet cell is text: '2*3*4' is no Markdown emphasis
        reference = data.pop("reference_answer")
        if reference:  # multiple-choice rows have none
            data["reference_answer"] = {answer_language: reference}
        drafts.append(
            QuestionDraft(line=line, data=data, label=f"row {data['number']}", column_of=columns.column_of)
        )
    languages = bank_languages(prompt_language, answer_language)
    title = root[-1] if root else title_from_path(path)
    bank_fields = {"id": slugify(title), "title": title, "languages": languages}
    return build_bank(path, drafts, bank_fields=bank_fields, problems=problems)
