"""Proposing a weighted rubric from a reference answer, so an imported exam is gradable at once.

The proposal is a starting point a teacher edits: 2-6 informative sentences or list items, chosen
greedily for the content words they add that earlier picks did not cover, weighted 1-3 by that novelty.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from question_bank.language import ENGLISH_WORDS, SWEDISH_WORDS
from question_bank.models import MAX_RUBRIC_POINTS, RubricPoint

MIN_PROPOSED = 2
MAX_PROPOSED = 6
CONTENT_WORDS_PER_POINT = 12
MAX_POINT_CHARS = 240
MIN_GAIN = 3.0

_STOPWORDS = (
    ENGLISH_WORDS
    | SWEDISH_WORDS
    | frozenset(
        [
            "about",
            "above",
            "after",
            "again",
            "all",
            "allow",
            "allows",
            "also",
            "another",
            "any",
            "at",
            "because",
            "been",
            "before",
            "being",
            "below",
            "blir",
            "both",
            "but",
            "could",
            "denna",
            "did",
            "done",
            "during",
            "either",
            "else",
            "every",
            "further",
            "ger",
            "had",
            "he",
            "help",
            "helps",
            "her",
            "here",
            "his",
            "i",
            "if",
            "just",
            "least",
            "less",
            "make",
            "makes",
            "making",
            "may",
            "me",
            "might",
            "more",
            "most",
            "must",
            "my",
            "neither",
            "no",
            "nor",
            "once",
            "one",
            "only",
            "onto",
            "other",
            "our",
            "over",
            "own",
            "same",
            "shall",
            "she",
            "sin",
            "sina",
            "sitt",
            "so",
            "some",
            "such",
            "than",
            "them",
            "then",
            "there",
            "they",
            "through",
            "two",
            "under",
            "us",
            "use",
            "uses",
            "using",
            "var",
            "vara",
            "very",
            "we",
            "where",
            "while",
            "who",
            "whom",
            "whose",
            "you",
            "your",
        ]
    )
)
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_ABBREVIATIONS = re.compile(
    r"\b(e\.g|i\.e|etc|vs|t\.ex|bl\.a|d\.v\.s|dvs|s\.k|m\.m|o\.s\.v|ca|approx|Fig|fig)\."
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(`*]*[A-ZÅÄÖ0-9])")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(.*)$")
_BOLD_LABEL = re.compile(r"^\*\*(.+?)\*\*\s*:?\s*(.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ANAPHORIC = re.compile(
    r"^(this|these|it|they|here|such|thus|overall|in summary|to summarize|in conclusion|in short|"
    r"denna|detta|dessa|det|sammanfattningsvis|således)\b",
    re.IGNORECASE,
)
_PRONOUN_VERB = re.compile(r"^(?:these|they|this|it)\s+(?=[a-z])", re.IGNORECASE)
_WEIGHT_PREFIX = re.compile(r"^\s*([0-9][0-9.,]*|[.,][0-9][0-9.,]*|-[0-9.,]+)\s*:\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class _Unit:
    position: int
    text: str
    words: frozenset[str]


def split_sentences(text: str) -> list[str]:
    """Sentences of a prose paragraph, keeping abbreviations like 'e.g.' and 't.ex.' intact."""
    protected = _ABBREVIATIONS.sub(lambda match: match.group(0).replace(".", "\u2024"), text)
    pieces = _SENTENCE_END.split(protected)
    return [piece.replace("\u2024", ".").strip() for piece in pieces if piece.strip()]


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words that carry meaning (no stopwords, no one- or two-letter words)."""
    words = (word.lower() for word in _WORD.findall(text))
    return frozenset(word for word in words if len(word) > 2 and word not in _STOPWORDS)


def _plain(text: str) -> str:
    text = re.sub(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _shorten(text: str) -> str:
    if len(text) <= MAX_POINT_CHARS:
        return text
    cut = text[:MAX_POINT_CHARS]
    boundary = max(cut.rfind(", "), cut.rfind("; "))
    if boundary < MAX_POINT_CHARS // 2:
        boundary = cut.rfind(" ")
    return cut[: max(boundary, 1)].rstrip(" ,;") + "…"


def _units(reference: str) -> list[str]:
    """Candidate statements: list items (with their group label) and prose sentences, no code or headings."""
    units: list[str] = []
    group = ""
    paragraph: list[str] = []
    in_code = False

    def flush() -> None:
        if paragraph:
            units.extend(split_sentences(" ".join(paragraph)))
            paragraph.clear()

    for line in reference.split("\n"):
        if _FENCE.match(line):
            flush()
            in_code = not in_code
            continue
        if in_code:
            continue
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            group = re.sub(r"^\d{1,2}[.)]\s*", "", _plain(heading.group(1))).rstrip(":")
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            body = bullet.group(1).strip()
            label = _BOLD_LABEL.match(body)
            if label and not label.group(2).strip():
                group = _plain(label.group(1)).rstrip(":")
                continue
            if label:
                name = _plain(label.group(1)).rstrip(":")
                context = f"{group} – {name}" if group else name
                units.extend(_labelled(context, sentence) for sentence in split_sentences(label.group(2)))
            else:
                units.extend(split_sentences(body))
            continue
        if not paragraph:
            group = ""
        paragraph.append(line.strip())
    flush()
    return [_plain(unit) for unit in units]


def _labelled(label: str, sentence: str) -> str:
    """'Parameters' + 'These are internal variables…' -> 'Parameters are internal variables…'."""
    pronoun = _PRONOUN_VERB.match(sentence)
    if pronoun:
        return f"{label} {sentence[pronoun.end() :]}"
    return f"{label}: {sentence}"


def proposable_statements(reference: str) -> list[str]:
    """Every text `propose_key_points` could make a key point of, as it would word it: how a grader
    tells a proposed rubric (which adds nothing beyond the reference) from one a teacher wrote."""
    statements = [_shorten(text) for text in _units(reference)]
    return [*statements, _shorten(_plain(re.sub(r"```[^\n]*", "", reference)))]


def propose_key_points(reference: str, *, max_points: int = MAX_PROPOSED) -> tuple[RubricPoint, ...]:
    """2-6 weighted rubric points drawn from the reference answer's most informative statements."""
    candidates = [
        _Unit(position, text, content_words(text))
        for position, text in enumerate(_units(reference))
        if len(text.split()) >= 3 and len(content_words(text)) >= 2
    ]
    if not candidates:
        fallback = _shorten(_plain(re.sub(r"```[^\n]*", "", reference))) or reference.strip()
        return (RubricPoint(id="p1", text=fallback or "matches the reference answer", weight=1.0),)
    all_words = content_words(re.sub(r"```.*?```", " ", reference, flags=re.DOTALL))
    target = max(MIN_PROPOSED, math.ceil(len(all_words) / CONTENT_WORDS_PER_POINT))
    target = min(target, max_points, MAX_RUBRIC_POINTS, len(candidates))
    covered: set[str] = set()
    chosen: list[tuple[_Unit, int]] = []
    remaining = list(candidates)
    while remaining and len(chosen) < target:
        best = max(remaining, key=lambda unit: _gain(unit, covered))
        novelty = len(best.words - covered)
        if _gain(best, covered) < MIN_GAIN and len(chosen) >= MIN_PROPOSED:
            break
        chosen.append((best, novelty))
        covered |= best.words
        remaining.remove(best)
    chosen.sort(key=lambda pair: pair[0].position)
    return tuple(
        RubricPoint(id=f"p{index}", text=_shorten(unit.text), weight=float(_weight_for(novelty)))
        for index, (unit, novelty) in enumerate(chosen, start=1)
    )


def _gain(unit: _Unit, covered: set[str]) -> float:
    """New content words, favouring short and early statements, disfavouring ones that lean on context."""
    novel = len(unit.words - covered)
    brevity = 0.5 + 0.5 * min(1.0, 14 / max(len(unit.text.split()), 1))
    bonus = {0: 4, 1: 1}.get(unit.position, 0)
    damping = 0.4 if _ANAPHORIC.match(unit.text) else 1.0
    return novel * brevity * damping + bonus


def _weight_for(novelty: int) -> int:
    return 1 + (novelty >= 6) + (novelty >= 11)


def parse_weighted_point(text: str) -> tuple[float, str]:
    """'2: point text' -> (2.0, 'point text'); no prefix -> weight 1. Raises ValueError for a bad weight."""
    match = _WEIGHT_PREFIX.match(text)
    if not match:
        return 1.0, text.strip()
    raw, body = match.group(1), match.group(2).strip()
    normalised = raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw
    try:
        weight = float(normalised)
    except ValueError:
        raise ValueError(f"weight {raw!r} is not a number") from None
    if not math.isfinite(weight) or weight <= 0:
        raise ValueError(f"weight {raw!r} must be a positive number")
    if not body:
        raise ValueError(f"key point with weight {raw!r} has no text")
    return weight, body


# ---- marking schemes ----------------------------------------------------------------------------------

_POINTS = r"(\d+(?:[.,]\d+)?)\s*(?:p|pt|pts|points?|poäng|poang|marks?)\b\.?"
_BRACKETED_POINTS = re.compile(rf"[\[(]\s*{_POINTS}\s*[\])]", re.IGNORECASE)
_LEADING_POINTS = re.compile(rf"^\s*[\[(]?\s*{_POINTS}\s*[\])]?\s*[:–—-]?\s*", re.IGNORECASE)
_TRAILING_POINTS = re.compile(
    rf"\s*[:–—,-]?\s*[\[(]\s*{_POINTS}\s*[\])]\s*[.;]?\s*$|\s+[–—-]?\s*{_POINTS}\s*[.;]?\s*$", re.IGNORECASE
)
_ANY_POINTS = re.compile(rf"{_BRACKETED_POINTS.pattern}|^\s*{_POINTS}|{_POINTS}\s*[.;]?\s*$", re.IGNORECASE)
_CRITERIA_WORDS = (
    r"(?:marking(?:\s+(?:scheme|guide|criteria))?|mark\s+scheme|rubric|criteria|grading(?:\s+criteria)?|"
    r"scoring|assessment(?:\s+criteria)?|bedömning(?:skriterier)?|bedömningsmall|rättningsmall|rättning|"
    r"poängsättning|poängfördelning|kriterier)"
)
_CRITERIA_LABEL = re.compile(
    rf"^\s*(?:#{{1,6}}\s*)?(?:\*\*|__)?{_CRITERIA_WORDS}\b[^:\n]{{0,40}}?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*",
    re.IGNORECASE,
)
"""'Marking:', 'Marking scheme (4 p):', '**Bedömning:**' … the label a criteria list starts with."""
_CRITERIA_LABEL_INLINE = re.compile(
    rf"(?<=[.!?])\s+(?=(?:\*\*|__)?{_CRITERIA_WORDS}\b[^:\n]{{0,40}}?:)", re.IGNORECASE
)
_MODEL_WORDS = (
    r"(?:(?:model|sample|example|reference|expected|suggested)\s+(?:answer|solution)|answer|"
    r"modellsvar|exempelsvar|svarsförslag|förslag\s+på\s+svar|facit|lösningsförslag|referenssvar)"
)
_MODEL_LABEL = re.compile(
    rf"^\s*(?:#{{1,6}}\s*)?(?:\*\*|__)?{_MODEL_WORDS}\b[^:\n]{{0,30}}?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*",
    re.IGNORECASE,
)
"""'Model answer:', '**Modellsvar:**' … the label of the model-answer part."""
_TOTAL_LINE = re.compile(r"^\s*(?:\*\*)?(?:total|totalt|sum|summa|max(?:imum)?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MarkingScheme:
    """An essay's grader information read as a teacher writes it: the model answer, and the criteria
    with their points when the text has a recognisable list of them."""

    reference: str
    points: tuple[RubricPoint, ...]
    total: float | None
    """The criteria's points added up, when every criterion gave its points."""
    from_criteria: bool
    """False when no criteria list was found: the points are proposed from the reference (as before)."""


def read_marking_scheme(text: str) -> MarkingScheme:
    """Split grader information into a model answer and rubric criteria (weights from their points).

    Criteria are list items (bullets or numbers) or a '(1 p) …; (1 p) …' run after a label such as
    'Marking:' / 'Bedömning:', or, without a label, a list or run where most items give points ('(1 p)',
    '1p', '[2 marks]', '1 poäng'). Text without criteria is a model answer with proposed key points.
    """
    lines = _CRITERIA_LABEL_INLINE.sub("\n", text.strip()).split("\n")
    label_at = next((index for index, line in enumerate(lines) if _CRITERIA_LABEL.match(line)), None)
    if label_at is None:
        items, answer = _unlabelled_criteria(lines)
    else:
        items, after = _labelled_criteria(
            [_CRITERIA_LABEL.sub("", lines[label_at], count=1), *lines[label_at + 1 :]]
        )
        answer = [*lines[:label_at], *after]
    criteria = [(body, points) for body, points in map(_criterion, items) if body and points != 0.0]
    if not MIN_PROPOSED <= len(criteria) <= MAX_RUBRIC_POINTS:
        return MarkingScheme(text.strip(), propose_key_points(text), None, from_criteria=False)
    reference = _model_answer(answer) or " ".join(_sentence(body) for body, _ in criteria)
    given = [points for _, points in criteria if points is not None]
    rubric = tuple(
        RubricPoint(id=f"p{index}", text=_shorten(body), weight=points if points is not None else 1.0)
        for index, (body, points) in enumerate(criteria, start=1)
    )
    return MarkingScheme(
        reference, rubric, sum(given) if len(given) == len(criteria) else None, from_criteria=True
    )


def _labelled_criteria(section: list[str]) -> tuple[list[str], list[str]]:
    """(criteria, model-answer lines) of the text after a criteria label: its list items, else its text
    split into items at ';' or before each '(1 p)'; a model-answer label ends the section."""
    items: list[str] = []
    loose: list[str] = []
    for position, line in enumerate(section):
        if position and _MODEL_LABEL.match(line):
            return _items_or_run(items, loose), section[position:]
        bullet = _BULLET.match(line)
        if bullet:
            items.append(bullet.group(1).strip())
        elif items and line.strip() and line[:1].isspace():
            items[-1] += " " + line.strip()  # an item's continuation line
        elif line.strip() and not _TOTAL_LINE.match(line):
            loose.append(line.strip())
    return _items_or_run(items, loose), []


def _items_or_run(items: list[str], loose: list[str]) -> list[str]:
    return items or _inline_items(" ".join(loose))


def _unlabelled_criteria(lines: list[str]) -> tuple[list[str], list[str]]:
    """(criteria, other lines) when most list items, or the items of one line's run, give points; else
    no criteria (a model answer written as a list stays a model answer)."""
    items = [bullet.group(1).strip() for line in lines if (bullet := _BULLET.match(line))]
    if items and sum(_ANY_POINTS.search(item) is not None for item in items) * 2 > len(items):
        rest = [line for line in lines if not _BULLET.match(line) and not _TOTAL_LINE.match(line)]
        return items, rest
    for position, line in enumerate(lines):
        run = _inline_items(line)
        if len(run) >= 2 and sum(_ANY_POINTS.search(item) is not None for item in run) * 2 > len(run):
            return run, lines[:position] + lines[position + 1 :]
    return [], lines


def _inline_items(text: str) -> list[str]:
    """'(1 p) mentions X; (1 p) explains Y' -> the two criteria (split at ';', else before each marker)."""
    parts = [part.strip() for part in re.split(r";\s*", text) if part.strip()]
    if len(parts) >= 2:
        return parts
    starts = [match.start() for match in _BRACKETED_POINTS.finditer(text)]
    if len(starts) < 2 or text[: starts[0]].strip():
        return parts
    return [text[start:end].strip(" ,.") for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]


def _criterion(item: str) -> tuple[str, float | None]:
    """A criterion's statement and its points, wherever they were written (before or after the text)."""
    points = None
    for pattern in (_LEADING_POINTS, _TRAILING_POINTS):
        match = pattern.search(item)
        number = next((group for group in match.groups() if group), None) if match else None
        if match and number:
            item, points = item[: match.start()] + " " + item[match.end() :], float(number.replace(",", "."))
            break
    body = _plain(item).strip(" ;,.:–-")
    statement = _CRITERION_VERB.sub("", body, count=1)
    return (statement[:1].upper() + statement[1:] if statement else body), points


_CRITERION_VERB = re.compile(
    r"^(?:(?:the\s+)?(?:student|answer)\s+)?(?:(?:mentions|states|notes|says|explains|recogni[sz]es|"
    r"realises|realizes|points\s+out|shows)\s+that|mentions|names)\s+|"
    r"^(?:(?:studenten|svaret)\s+)?(?:(?:nämner|anger|förklarar|säger|påpekar|konstaterar|visar)\s+att|"
    r"nämner|namnger)\s+",
    re.IGNORECASE,
)
"""'mentions that X' / 'nämner att X' -> 'X': the statement an answer has to make, as the grader
compares key points with the answer's own sentences."""


_TITLE_LINE = re.compile(
    r"^(?:#{1,6}\s+.*|(?:\*\*|__)[^*_]+(?:\*\*|__):?"
    r"|(?:question|fråga|uppgift|task|problem|part|del)\s*\d+[a-z]?\b[^.!?]{0,60}"
    r"|[^.!?]{0,60}\b(?:notes?|guidelines?|guide|instructions?|anvisningar|instruktioner)\s*:?)$",
    re.IGNORECASE,
)
"""A heading above a marking scheme ('Grading notes', '## Question 3', '**Uppgift 2**'): no model answer."""


def _model_answer(lines: list[str]) -> str:
    """The model answer: the given lines without their label ('Model answer:', 'Modellsvar:'), totals and
    the headings over the scheme (a scheme under a title alone has no model answer)."""
    kept = [line for line in lines if not _TOTAL_LINE.match(line) and not _TITLE_LINE.match(line.strip())]
    text = "\n".join(kept).strip()
    return _MODEL_LABEL.sub("", text, count=1).strip()


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."
