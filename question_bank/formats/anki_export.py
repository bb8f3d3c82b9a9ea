"""Anki packages (.apkg) of a bank, so students who review with Anki can take the questions along.

Written with genanki as an Anki 2.1 package (`collection.anki2` plus the numbered media members and their
`media` map), which Anki desktop >= 2.1, AnkiDroid and AnkiMobile import. Every question is one note of the
note type "tenta question" in a deck named after the bank; its topics are tags (spaces as "_"). The note
type id and the deck id are derived from the bank id and the note guids from bank id + question id, so
importing an updated export updates the notes (keeping their review history) instead of adding copies.

Front: the prompt in the bank's first language with the other language smaller below it, the code as
<pre>, the choices of a multiple-choice or true/false question as a lettered list. Back: the correct
choices or accepted values, the reference answer (both languages), the key points with their weights and
points, the general feedback, then the feedback for a right, partly right and wrong answer and the hints,
each under its label. Anki cards are self-graded, so the rubric is shown, not used to grade.

A Markdown question that uses its formatting (bold, code, lists …: formats/markdown_text.uses_markdown)
has its prompt, choices, reference answer and feedback rendered as the HTML Anki shows; a plain one, and
a Markdown one of paragraphs alone, is written escaped with its line breaks (a Markdown one's backslash
escapes taken off, as tenta shows its text).

Pictures and sound the question lists go into the package; the prompt's "[image: name]" markers become
<img src="name"> and "[sound: name]" / "[video: name]" become Anki's [sound:name]; a listed file no
marker places is shown after the prompt. tenta's own importer (formats/anki.py) reads the package back:
Prompt is the prompt, Answer the reference answer, Extra the general feedback, the deck the bank title.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Collection, Iterator, Mapping
from contextlib import closing
from pathlib import Path

import genanki

from question_bank.formats.exporting import IMAGE_NAME, MEDIA_MARKER, MediaPlacement, letter, write_atomically
from question_bank.formats.markdown_text import (
    markdown_html,
    markdown_inline_html,
    unformatted_text,
    uses_markdown,
)
from question_bank.formats.media_files import bank_media_names
from question_bank.models import Bank, Question, QuestionType

NOTE_TYPE_VERSION = 1
"""Part of the note type id: raise it when the fields or templates change, so Anki sees a new note type
instead of fitting new fields into the old one."""
FIELDS = ("Prompt", "OtherPrompt", "Code", "Choices", "Answer", "OtherAnswer", "KeyPoints", "Extra", "Id")
_SHOWN_CHOICES = frozenset({QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE})

_FRONT = """\
<div class="prompt">{{Prompt}}</div>
{{#OtherPrompt}}<div class="other">{{OtherPrompt}}</div>{{/OtherPrompt}}
{{#Code}}<div class="code">{{Code}}</div>{{/Code}}
{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}"""
_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#OtherAnswer}}<div class="other">{{OtherAnswer}}</div>{{/OtherAnswer}}
{{#KeyPoints}}<div class="keypoints"><div class="label">Key points</div>{{KeyPoints}}</div>{{/KeyPoints}}
{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}"""
_CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background: white; }
.other { font-size: 15px; color: #666; margin-top: 0.6em; }
.code pre { font-size: 15px; background: #f4f4f4; padding: 0.5em; overflow-x: auto; }
.correct { font-weight: bold; }
.keypoints { margin-top: 1em; font-size: 17px; }
.keypoints .label, .extra { color: #555; }
.weight { color: #888; font-size: 14px; }
.extra { margin-top: 1em; font-size: 16px; }
.nightMode .other, .nightMode .keypoints .label, .nightMode .extra, .nightMode .weight { color: #aaa; }
.nightMode .code pre { background: #333; }"""


def _stable_id(kind: str, bank_id: str) -> int:
    """An Anki id in genanki's recommended range [2**30, 2**31), the same for every export of a bank."""
    digest = hashlib.sha256(f"tenta-anki-{kind}:{bank_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def note_type_id(bank: Bank) -> int:
    return _stable_id(f"note-type-v{NOTE_TYPE_VERSION}", bank.id)


def deck_id(bank: Bank) -> int:
    return _stable_id("deck", bank.id)


def note_guid(bank: Bank, question: Question) -> str:
    """The note's guid: Anki updates the note with this guid when a newer export is imported."""
    return str(genanki.guid_for(bank.id, question.id))


def _note_type(bank: Bank) -> genanki.Model:
    return genanki.Model(
        note_type_id(bank),
        f"tenta question ({bank.id})",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Question", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )


def _escaped(text: str) -> str:
    """Plain text as HTML that shows the same characters and line breaks."""
    return html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def _played(name: str) -> str:
    return f"[sound:{name}]"


def _shown(name: str) -> str:
    return f'<img src="{html.escape(name)}">'


class _MediaPlacer(MediaPlacement):
    """Turns a question's "[image: name]" / "[sound: name]" markers into the markup Anki shows."""

    def __init__(self, question: Question, packed: Collection[str]) -> None:
        super().__init__(question, packed)
        self.question = question
        self.markdown = uses_markdown(question)

    def html(self, text: str, *, show_media: bool = True, inline: bool = False) -> str:
        """One of the question's texts as HTML; without `show_media` the markers of the question's files
        are left out (the same picture is already shown with the main language). Markdown that uses
        formatting is rendered (bold, code, lists …), on one line when `inline` (a choice)."""
        if self.markdown:
            rendered = markdown_inline_html(text) if inline else markdown_html(text)
            return MEDIA_MARKER.sub(lambda match: self._rendered_marker(match, show_media), rendered).strip()
        text = unformatted_text(self.question, text)
        parts: list[str] = []
        end = 0
        for match in MEDIA_MARKER.finditer(text):
            parts.append(_escaped(text[end : match.start()]))
            parts.append(self._markup(match) if show_media else self._dropped(match))
            end = match.end()
        parts.append(_escaped(text[end:]))
        return "".join(parts).strip()

    def _markup(self, match: re.Match[str]) -> str:
        kind, label = match.groups()
        name = self.place(kind, label)
        if name is None:
            return _escaped(match.group(0))
        return _shown(name) if kind == "image" else _played(name)

    def _rendered_marker(self, match: re.Match[str], show_media: bool) -> str:
        """A marker in rendered Markdown (its name HTML-escaped there) as the markup Anki shows."""
        kind, label = match.group(1), html.unescape(match.group(2))
        if not show_media:
            return "" if label in self.names else match.group(0)
        name = self.place(kind, label)
        if name is None:
            return match.group(0)
        return _shown(name) if kind == "image" else _played(name)

    def _dropped(self, match: re.Match[str]) -> str:
        return "" if match.group(2) in self.names else _escaped(match.group(0))

    def unplaced_markup(self) -> str:
        """The markup of the question's files no marker placed, shown after the prompt."""
        return " ".join(
            _shown(name) if IMAGE_NAME.search(name) else _played(name) for name in self.unplaced()
        )


def _number(value: float) -> str:
    return f"{value:.12g}"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.3g}%"


def _choices(question: Question, media: _MediaPlacer) -> str:
    if question.type not in _SHOWN_CHOICES or not question.choices:
        return ""
    items = "".join(f"<li>{media.html(choice.text, inline=True)}</li>" for choice in question.choices)
    return f'<ol type="A">{items}</ol>'


def _correct(question: Question, media: _MediaPlacer) -> str:
    """What a right answer picks or says, for the types tenta grades exactly ('' for free text)."""
    if question.type in _SHOWN_CHOICES:
        lines = [
            f"{letter(index)}. {media.html(choice.text, show_media=False, inline=True)}"
            + (f" ({_percent(choice.fraction)})" if choice.fraction < 1 else "")
            for index, choice in enumerate(question.choices)
            if choice.fraction > 0
        ]
        label = "Correct (all of them)" if question.all_or_nothing else "Correct"
    elif question.type is QuestionType.SHORT_EXACT:
        lines = [
            html.escape(choice.text) + (f" ({_percent(choice.fraction)})" if choice.fraction < 1 else "")
            for choice in question.choices
            if choice.fraction > 0
        ]
        label = "Accepted (case sensitive)" if question.case_sensitive else "Accepted"
    elif question.type is QuestionType.NUMERICAL:
        unit = f" {html.escape(question.units.units[0].name)}" if question.units else ""
        lines = [
            _number(answer.value)
            + (f" ± {_number(answer.tolerance)}" if answer.tolerance else "")
            + unit
            + (f" ({_percent(answer.fraction)})" if answer.fraction < 1 else "")
            for answer in question.numerical
        ]
        label = "Accepted"
    else:
        return ""
    separator = "<br>" if len(lines) > 1 else " "
    return f'<div class="correct">{label}:{separator}{"<br>".join(lines)}</div>'


def _key_points(question: Question) -> str:
    if not question.rubric:
        return ""
    items = "".join(
        f'<li>{_escaped(point.text)} <span class="weight">({_percent(point.weight)}, '
        f"{_number(round(point.weight * question.max_points, 3))} p)</span></li>"
        for point in question.rubric
    )
    return f"<ul>{items}</ul>"


def _extra(question: Question) -> str:
    """The general feedback, then the outcome feedback and hints under their labels: a self-graded card
    shows them all at once on its back."""
    outcome = question.outcome_feedback
    labelled = [
        ("If right", outcome.correct if outcome else ""),
        ("If partly right", outcome.partially_correct if outcome else ""),
        ("If wrong", outcome.incorrect if outcome else ""),
        *((f"Hint {number}", hint) for number, hint in enumerate(question.hints, start=1)),
    ]
    parts = [question.general_feedback.strip()] + [f"{label}: {text.strip()}" for label, text in labelled]
    return "\n\n".join(part for part in parts if part and not part.endswith(": "))


def _in_two_languages(texts: Mapping[str, str], main: str) -> tuple[str, str]:
    """The text in `main` (else the first one written) and the text in another language ('' if none)."""
    shown = main if main in texts else next(iter(texts), "")
    other = next((text for language, text in texts.items() if language != shown), "")
    return texts.get(shown, ""), other


def _text_html(question: Question, text: str) -> str:
    """A text of the question that shows no media (reference answer, feedback) as HTML: Markdown
    rendered, plain text escaped with its line breaks."""
    if uses_markdown(question) and text.strip():
        return markdown_html(text)
    return _escaped(unformatted_text(question, text))


def _fields(bank: Bank, question: Question, packed: Collection[str]) -> list[str]:
    main = bank.languages[0]
    media = _MediaPlacer(question, packed)
    main_prompt, other_prompt = _in_two_languages(question.prompt, main)
    prompt = media.html(main_prompt)
    choices = _choices(question, media)
    unplaced = media.unplaced_markup()
    if unplaced:
        prompt = f"{prompt}<br>{unplaced}"
    reference, other_reference = _in_two_languages(question.reference_answer, main)
    answer = "".join(part for part in (_correct(question, media), _text_html(question, reference)) if part)
    code = ""
    if question.code is not None:
        language = html.escape(question.code.language)
        code = f'<pre><code class="language-{language}">{html.escape(question.code.source)}</code></pre>'
    return [
        prompt,
        media.html(other_prompt, show_media=False),
        code,
        choices,
        answer,
        _text_html(question, other_reference),
        _key_points(question),
        _text_html(question, _extra(question)),
        html.escape(question.id),
    ]


def anki_tag(topic: str) -> str:
    """A topic as an Anki tag: tags are separated by spaces, so spaces become '_'."""
    return re.sub(r"\s+", "_", topic.strip())


def anki_deck(bank: Bank, packed: Collection[str] = ()) -> genanki.Deck:
    """The bank as a genanki deck: one note per question, showing the media files named in `packed`
    (a marker of a file the package lacks stays as text)."""
    deck = genanki.Deck(deck_id(bank), bank.title.strip(), description=_escaped(bank.description))
    note_type = _note_type(bank)
    for question in bank.questions:
        tags = list(dict.fromkeys(tag for topic in question.topics if (tag := anki_tag(topic))))
        deck.add_note(
            genanki.Note(
                model=note_type,
                fields=_fields(bank, question, packed),
                tags=tags,
                guid=note_guid(bank, question),
            )
        )
    return deck


def _package_media(bank: Bank, media_files: Mapping[str, Path]) -> Iterator[tuple[str, Path]]:
    """(name, file) of every media file a question lists and the bank's media folder has, once each."""
    for name in bank_media_names(bank):
        if name in media_files:
            yield name, media_files[name]


def _write_package(bank: Bank, target: Path, media_files: Mapping[str, Path], folder: Path) -> None:
    """Package as genanki.Package.write_to_file does, but with the collection in our own temporary
    folder (genanki leaves its temporary file behind) and the media under their bank names."""
    database = folder / "collection.anki2"
    timestamp = time.time()
    media = list(_package_media(bank, media_files))
    with closing(sqlite3.connect(database)) as connection:
        ids = iter(range(int(timestamp * 1000), 2**63))
        deck = anki_deck(bank, {name for name, _ in media})
        genanki.Package(deck).write_to_db(connection.cursor(), timestamp, ids)
        connection.commit()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(database, "collection.anki2")
        archive.writestr("media", json.dumps({str(index): name for index, (name, _) in enumerate(media)}))
        for index, (_, file) in enumerate(media):
            archive.write(file, str(index))


def write_anki_package(bank: Bank, out: Path, media_files: Mapping[str, Path] | None = None) -> list[str]:
    """Write `bank` to `out` as an .apkg, atomically (a failure leaves the old file or none, never half
    of one); `media_files` are the bank's media files by name. Returns the names of the media packed."""
    media_files = media_files or {}

    def write(temporary: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="tenta-apkg-") as folder:
            _write_package(bank, temporary, media_files, Path(folder))

    write_atomically(Path(out), write)
    return [packed for packed, _ in _package_media(bank, media_files)]
