"""Markdown to HTML and plain text to Markdown, for the exchange formats that hold HTML (QTI, Anki).

A Markdown question written to such a format is rendered as the HTML its tool shows (bold, italics,
inline code, code blocks, lists, paragraphs, links): written as text, its '**vikt**' was shown with its
asterisks there and came back as plain text. The renderer is markdown-it-py (CommonMark, which textual
and rich already bring), with raw HTML off: a tag typed in a question is shown as typed, and the output
is well-formed XHTML a QTI item can hold. Media markers ("[image: name]") pass through as text for each
exporter to place.

The way back is common.html_to_markdown (the HTML reader every importer shares); `markdown_literal`
escapes the text it reads so that '2*3*4' or a line starting '1.' show as written, escaping only what
CommonMark would otherwise read as markup, so ordinary text ('snake_case', 'x[1]') comes back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from question_bank.models import Question, QuestionType

_RENDERER = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True})

_EMPHASIS_RUN = re.compile(r"[*_]+")
_ALWAYS = re.compile(r"([`])")
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~]|$)")
_LINK_CLOSE = re.compile(r"\](?=[(\[:])")
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_STRIKE = re.compile(r"~(?=~)|(?<=~)~")
_SPECIAL = re.compile(r"[\\*_`\]<&~]")
_LINE_START_SPECIAL = frozenset("#>-+*=_0123456789")
_LINE_MARKERS = (
    (re.compile(r"^(#{1,6})(?=\s|$)"), r"\\\1"),
    (re.compile(r"^>"), r"\\>"),
    (re.compile(r"^([-+*])(?=\s|$)"), r"\\\1"),
    (re.compile(r"^([*_])(?=(?:\s*\1){2,}\s*$)"), r"\\\1"),
    (re.compile(r"^(\d{1,9})([.)])(?=\s|$)"), r"\1\\\2"),
    (re.compile(r"^([-=])(?=[-=\s]*$)"), r"\\\1"),
)
"""What makes a line a heading, quote, list item, rule or heading underline: escaped at a line's start."""


_PLAIN_TOKENS = frozenset({"paragraph_open", "paragraph_close", "inline", "text", "softbreak"})
"""What a Markdown text without formatting parses to: paragraphs of text."""


def uses_markdown(question: Question) -> bool:
    """Whether a question is written in Markdown and any of its texts uses its formatting (emphasis, code,
    lists, links, headings, line breaks …): such a question is rendered as HTML by the exporters. A
    Markdown question of paragraphs alone is written as text, as before, and comes back as written."""
    return question.text_format == "markdown" and any(_formats(text) for text in _texts(question) if text)


@lru_cache(maxsize=4096)
def _formats(text: str) -> bool:
    """Whether a Markdown text parses to more than paragraphs of text (asked once per text: an export
    asks it for each text it writes)."""
    return any(_formatted(token) for token in _RENDERER.parse(text))


def _formatted(token: Token) -> bool:
    return token.type not in _PLAIN_TOKENS or any(_formatted(child) for child in token.children or ())


def _texts(question: Question) -> Iterator[str]:
    """Every text of a question a student or grader reads (not the accepted short answers: values)."""
    yield from question.prompt.values()
    yield from question.reference_answer.values()
    yield question.general_feedback
    if question.outcome_feedback is not None:
        yield from question.outcome_feedback.model_dump().values()
    yield from question.hints
    for choice in question.choices:
        if question.type is not QuestionType.SHORT_EXACT:
            yield choice.text
        yield choice.feedback
    for answer in question.numerical:
        yield answer.feedback


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unformatted_text(question: Question, text: str) -> str:
    """What a text of a question written as text (not uses_markdown) shows: a Markdown question's
    backslash escapes taken off as Markdown shows them ('Beräkna 2\\*3' reads 'Beräkna 2*3', not with its
    backslash, in the other tool), a plain question's text as written."""
    return _ESCAPED.sub(r"\1", text) if question.text_format == "markdown" else text


def markdown_html(text: str) -> str:
    """The HTML (XHTML) a Markdown text shows: paragraphs, lists, code blocks, emphasis, links."""
    return str(_RENDERER.render(text)).strip()


def markdown_inline_html(text: str) -> str:
    """The HTML of a one-line Markdown text (a choice, inline feedback): emphasis, code and links, no
    paragraph around it."""
    return str(_RENDERER.renderInline(text.strip()))


def markdown_literal(text: str, *, line_start: bool) -> str:
    """`text` (one line, no newline) as Markdown that shows it as written; `line_start`: it begins a line,
    where '# ', '> ', '- ', '1. ' would start a block."""
    if not _SPECIAL.search(text) and not (line_start and text[:1] in _LINE_START_SPECIAL):
        return text  # most lines: nothing CommonMark could read as markup
    escaped = _BACKSLASH.sub(r"\\\\", text)
    escaped = _EMPHASIS_RUN.sub(lambda match: _emphasis_run(match, line_start=line_start), escaped)
    for pattern in (_ALWAYS, _LINK_CLOSE, _TAG_OPEN, _ENTITY, _STRIKE):
        escaped = pattern.sub(lambda match: "\\" + match.group(0), escaped)
    if line_start:
        for pattern, replacement in _LINE_MARKERS:
            escaped = pattern.sub(replacement, escaped, count=1)
    return escaped


def _emphasis_run(match: re.Match[str], *, line_start: bool) -> str:
    """A run of '*' or '_' escaped unless CommonMark could not read it as emphasis: an underscore inside a
    word ('snake_case'), or a run with spaces on both sides ('2 * 3', a gap '_____'; a line's start counts
    as a space, the text's end does not: more may follow it)."""
    text, run = match.string, match.group(0)
    before = text[match.start() - 1] if match.start() else (" " if line_start else "")
    after = text[match.end()] if match.end() < len(text) else ""
    if run[0] == "_" and set(run) == {"_"} and before.isalnum() and after.isalnum():
        return run
    if before.isspace() and after.isspace():
        return run
    return "".join("\\" + char for char in run)
