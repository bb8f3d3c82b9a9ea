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
