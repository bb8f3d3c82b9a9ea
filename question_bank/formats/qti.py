"""IMS QTI: the exchange format of digital exam systems (Inspera, ONYX, TAO, Canvas, Blackboard).

Two generations are read, each as a single XML file or as a content package (a .zip whose
imsmanifest.xml lists the question files, or the folder it was unpacked into, or that imsmanifest.xml):

- QTI 2.1/2.2 (and 3.0, whose kebab-case names are mapped onto 2.x's) `<assessmentItem>` files, as
  Inspera, ONYX, TAO and Canvas New Quizzes write them. `choiceInteraction` -> multiple_choice (several
  answers when maxChoices allows; a True/False or Sant/Falskt pair -> true_false), `textEntryInteraction`
  -> short_exact, or numerical when the response's baseType is float/integer (each accepted value's
  tolerance from the `<equal tolerance…>` comparing the response with it, a relative one as that
  percentage of the value, or from a `<gte>`/`<lte>` range around it, as Moodle's QTI 2 export writes
  it), `extendedTextInteraction` -> free_text whose reference answer is the scorer's
  `<rubricBlock>` (a 'Max score: 4' line there is the points, '[2] criterion' lines weighted criteria),
  else a `<correctResponse>` value, else the `<modalFeedback>`. `matchInteraction` -> one multiple-choice
  question per choice of its first match set among the second set's (formats/matching.py), each worth its
  right pairs' mapped values (equal shares under match_correct; a row with several right answers shares
  its credit, wrong pairs cost what the mapping says, or its negative default); `gapMatchInteraction` ->
  one such question per gap, the text shown with that gap as _____ and the others as […], choosing among
  the gap texts; a cloze text of several `textEntryInteraction`s and `inlineChoiceInteraction`s (TAO,
  ONYX) -> one question per blank shown the same way (an inline choice as multiple choice), each worth
  its mapping's most or what its rule adds to SCORE, scaled to MAXSCORE; `associateInteraction` like
  matching when its right pairs match one set of its choices to another one to one (the first end
  written is the item to match, the other ends and the choices no
  pair names the answers), else refused. Choice shares follow the response
  processing: map_response (template or inline `<mapResponse>`) by the `<mapping>` weights (defaultValue
  for unlisted choices, upperBound capping), match_correct (template in any QTI version, or inline
  `<match>` of the response with its correct value setting SCORE) by the `<correctResponse>` alone: a
  multiple response is then all_or_nothing (full points for exactly the correct set, else none), its
  correct choices an equal share each and the others 0.
  Points: MAXSCORE's default value, else SCORE's normalMaximum, else the scorer rubric's stated maximum,
  else the rubric's criteria, else the most the mapping can give, else the largest SCORE inline rules set.
  An `assessmentTest` sets the order and its sections' titles become topics, as do Inspera's manifest labels;
  an item reference's `<weight>` multiplies the item's points (1 when it states none).
- QTI 1.2 `<questestinterop>` files, as Canvas Classic Quizzes (`question_type` metadata, a quiz folder
  with assessment_meta.xml in the export zip) and Blackboard (`bbmd_questiontype`, `.dat` files) write
  them: `<response_lid>` choices scored by `<varequal>`/`<setvar>` conditions (a multiple-answer item's
  wrong choices cost 1/n, as Canvas grades; all_or_nothing when one condition requires exactly the
  correct set, as Blackboard grades without partial credit), short answers from the accepted `<varequal>`
  strings, numerical answers from exact values and `<vargte>`/`<varlte>` ranges, essays whose reference
  answer is the Blackboard "solution", Brightspace's `<answer_key>` or Canvas's general feedback.
  `points_possible` / `qmd_absolutescore_max` / `qmd_weighting` (Brightspace, in `qti_metadatafield`s) /
  `qmd_maximumscore` give the points, section (question group) titles the topics, `<itemfeedback>` the
  feedback: a choice's own when the condition testing that choice (or alternatives under `<or>`) shows it
  (Brightspace's `…_IF<n>` for answer `…_A<n>` also when no condition shows it), the general feedback when
  no condition shows it (as Brightspace writes it). Respondus's items (`respondusapi_qpoints` the points)
  show QUE_<n>_ALL (general), _C and _IC (right and wrong answer) from every answer's condition; a
  Respondus question worth 0 has its right answer where the score is set rather than added to, as
  Canvas reads it, and is imported worth 1 point with a note (as is a Canvas question worth 0).
  MathML inside HTML text (Brightspace, MathType) becomes the same one-line text as below. A Canvas
  course export (.imscc) is read once per question: Canvas's own copy of each quiz (not its Common
  Cartridge copy), and the question-bank questions no quiz copies; a New Quizzes stimulus leads the
  prompts of the questions that name it. Canvas's multiple dropdowns and fill in multiple blanks become
  one question per blank, its matching (and Blackboard's, whose textless labels stand for the
  RIGHT_MATCH_BLOCK's answers by position) one question per item to match (formats/matching.py); question
  groups give their points_per_item and are named in the notes when the quiz draws fewer questions than
  they hold.
  Ids come from the item `ident`; items sharing one (Brightspace library copies) are named by their
  `label` instead when it is a valid id unique in the file.

QTI 3 shared stimuli (`<qti-assessment-stimulus-ref>`, a reading passage in its own file) are put before
the question text; MathML becomes one line of text (E = mc^2, (−b±√(b^2−4ac))/(2a)) and Canvas equation
images their LaTeX; an <object>'s fallback content is kept, since tenta's text cannot show the file. Blank
answer rows without credit (Canvas keeps the ones a teacher left empty) are dropped. HTML written as text
straight in a QTI 2 itemBody or modalFeedback, where QTI allows no text (ANGEL's CDATA), is read as HTML.
A package whose test names an item file the package lacks is an error rather than a quiz with questions
missing.

Items tenta has no type for (QTI 2 associate that is no one-to-one matching, ordering, hotspot, upload,
several interactions of different kinds in one item, essays without a model answer …) are unsupported:
an error, or left out with `skipped`.
A Blackboard 6 pool (`<POOL>`, not QTI) inside a package is read by formats/blackboard_pool.py, after the
package's QTI questions.
Items with no interaction (texts shown between questions; Canvas's text-only and Brightspace's Text
Information and Image items) are left out, each named in the notes. Files
are parsed with defusedxml and errors name the file (the member inside a zip) and the line of the item.
A package is read without extracting it: only XML members listed in the manifest, each bounded in size.

Media: the pictures, sounds and videos a student meets in an item (`<img src>`, `<object data>`,
`<audio>`/`<video>` and their `<source>`s, also inside a media interaction; QTI 1.2 `<matimage>`,
`<mataudio>`, `<matvideo>` and images in HTML texts), relative to the item file and URL-decoded (Canvas's
$IMS-CC-FILEBASE$ is its web_resources folder; Blackboard's '@X@EmbeddedFile.requestUrlStub@X@…/xid-1217_1'
is the export's csfiles/home_dir/<name>__xid-1217_1.<ext>, its '@X@EmbeddedFile.location@X@<name>' a file
beside the .dat or in its res00001/ folder, also for a Blackboard 6 pool's pictures), become the question's
media under bank-wide plain names;
the text says "[image: name]" / "[sound: name]" / "[video: name]" where they were. `read_qti_media` reads
them from the package in place (each bounded), or from beside a single .xml file (inside its folder). A
file the package or folder lacks, or a path leading out of it, is left out with a note naming item and
reference: the question itself is complete. Web addresses are not fetched. Feedback and scorer media are
not attached (they would give the answer away), nor a shared stimulus's.

A short answer is case sensitive when every accepted answer says so (QTI 2 `caseSensitive="true"` on its
map entries, QTI 1.2 `<varequal case="Yes">`) or when, none saying otherwise, two of them differ only in
case; otherwise any case is accepted.
Feedback for a right, partly right or wrong answer (modalFeedback shown by the response processing's test of
the answer, or named CORRECT / INCORRECT …; Canvas's correct_fb and general_incorrect_fb, Blackboard's
correct and incorrect itemfeedback, QTI 1.2 feedback shown for any `<other/>` answer, QTI 2 feedbackBlock
and feedbackInline in the item body outside the choices; feedback hidden for a right answer is a wrong
answer's and the other way round) becomes the question's outcome feedback, hint feedback (QTI 2 HINT, QTI
1.2 `<hint>`'s hintmaterials, Brightspace's <hint>) its hints, and a QTI 1.2 `<solution>` its general
feedback (an essay's model answer). A QTI 2 text entry's modalFeedback switched on by a condition comparing
the response with one answer (tenta's export: ANSWER_FEEDBACK = ANSWER_1) is that answer's (a short
answer the item does not accept is added, worth nothing; the else of such comparisons is a catch-all '*').
Feedback hidden for one choice of a one-answer item is the other choices' feedback; hidden for anything
else it has no place and is named in the notes.
A QTI 2 item whose texts use formatting plain text loses (<strong>/<b>, <em>/<i>, <code>, lists, links,
headings: Inspera's and Canvas's editors, tenta's export of a Markdown question) is read as Markdown
(common.html_to_markdown: its text escaped to show as written, a <pre><code class="language-x"> a fence
naming x) and marked text_format markdown; other items are plain text as before.
Lost on the way: shuffling, custom response processing
beyond the templates (the correct response is what counts).
"""

from __future__ import annotations

import base64
import contextlib
import html
import math
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass, field, replace
from functools import partial
from html import escape
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from question_bank.errors import InputFileError
from question_bank.formats import matching
from question_bank.formats.blackboard_pool import looks_like_blackboard_pool, pool_questions
from question_bank.formats.common import (
    MARKDOWN_TAGS,
    ImportProblems,
    holds_markdown_markup,
    html_to_markdown,
    html_to_text,
    outcome_fields,
    read_text,
    repair_member_names,
    response_shares,
    starts_like_zip,
    tidy_number,
    title_from_path,
    unreadable_zip,
)
from question_bank.formats.gift import HTML_TAG, MoodleQuestion, is_question_id, moodle_bank
from question_bank.formats.mathml import math_text
from question_bank.formats.media_files import MAX_MEDIA_FILE_BYTES, UniqueNames, plain_media_name
from question_bank.formats.xml_source import LineRecordingBuilder, parse_with_lines
from question_bank.models import Bank, QuestionType

MAX_MEMBER_BYTES = 50 * 2**20
MAX_PACKAGE_BYTES = 500 * 2**20
MAX_DOCUMENTS = 20_000
_XML_SUFFIXES = (".xml", ".qti", ".dat")
_QTI_ROOTS = ("questestinterop", "assessmentItem", "assessmentTest")
_FIRST_ELEMENT = re.compile(
    r"\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*<([\w.:-]+)", re.DOTALL
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_MISSING_REFERENCE = (
    "essay has no model answer: give it a scorer rubric block, a correct response or general feedback "
    "(Canvas: grading notes or the general comments; Blackboard: the sample answer) and export again"
)


class _QtiError(ValueError):
    """A problem inside one item; becomes an InputFileError at that item's line."""


class _QtiUnsupported(ValueError):
    """A well-formed item of a kind tenta has no type for."""


# ---- reading XML ---------------------------------------------------------------------------------------


def _camel_case(kebab: str) -> str:
    head, *rest = kebab.split("-")
    return head + "".join(part.capitalize() for part in rest)


def _local_name(name: str) -> str:
    """'{http://www.imsglobal.org/xsd/imsqti_v2p1}choiceInteraction' -> 'choiceInteraction'; QTI 3's
    'qti-choice-interaction' -> 'choiceInteraction', so one reader serves 2.x and 3.0."""
    local = name.rsplit("}", 1)[-1]
    return _camel_case(local[4:]) if local.startswith("qti-") else local


def _attribute_name(name: str, qti3: bool) -> str:
    """An attribute's name without namespace ('xml:base' -> 'base'); QTI 3's 'max-choices' -> 'maxChoices'."""
    local = name.rsplit("}", 1)[-1]
    return _camel_case(local) if qti3 else local


class _NamespaceDroppingBuilder(LineRecordingBuilder):
    """Reads QTI 2.x and 3.0 alike: namespaces dropped, QTI 3.0's kebab-case names as 2.x's camelCase."""

    def renamed(self, tag: str, attrs: dict[str, str]) -> tuple[str, dict[str, str]]:
        qti3 = tag.rsplit("}", 1)[-1].startswith("qti-")
        return _local_name(tag), {_attribute_name(key, qti3): value for key, value in attrs.items()}

    def renamed_end(self, tag: str) -> str:
        return _local_name(tag)


@dataclass
class _Document:
    """One parsed XML file; `path` names it in messages (for a zip member: 'export.zip/folder/item.xml')."""

    path: Path
    root: Element
    lines: dict[Element, int]
    name: str = ""
    """The member name inside a package ('' for a file read directly)."""
    stimuli: list[str] = field(default_factory=list)
    """The texts of the shared stimuli (reading passages) the item refers to, in order."""
    weight: float | None = None
    """The <weight> the assessmentTest gives the item: its score counts that many times."""

    def line(self, element: Element) -> int | None:
        return self.lines.get(element)


def _parse(text: str, path: Path, name: str = "") -> _Document:
    root, lines = parse_with_lines(text, path, _NamespaceDroppingBuilder())
    return _Document(path, root, lines, name)


def _root_element_name(text: str) -> str | None:
    """The local name of an XML text's first element, read without parsing ('assessmentItem')."""
    match = _FIRST_ELEMENT.match(text.lstrip("\ufeff"))
    return _local_name(match.group(1).rsplit(":", 1)[-1]) if match else None


def looks_like_qti(text: str) -> bool:
    """True when the text is XML whose root is a QTI 1.2 or 2.x/3.0 document."""
    return _root_element_name(text[:20_000]) in _QTI_ROOTS


MANIFEST_NAME = "imsmanifest.xml"


def looks_like_manifest(text: str) -> bool:
    """True when the text is a content package's manifest (its imsmanifest.xml, read unpacked)."""
    return _root_element_name(text[:20_000]) == "manifest"


def unpacked_manifest(path: Path) -> Path | None:
    """The manifest of a package unpacked into a folder, when `path` is that folder or its manifest (macOS
    Safari unpacks a downloaded .zip by itself, leaving the teacher a folder); None otherwise."""
    if path.is_dir():
        return manifest if (manifest := path / MANIFEST_NAME).is_file() else None
    return path if path.name.lower() == MANIFEST_NAME and path.is_file() else None


# ---- text ------------------------------------------------------------------------------------------------

_INLINE_INTERACTIONS = frozenset({"textEntryInteraction", "inlineChoiceInteraction"})
_HIDDEN = frozenset(
    {
        "feedbackBlock",
        "feedbackInline",
        "modalFeedback",
        "templateBlock",
        "templateInline",
        "printedVariable",
        "stylesheet",
        "responseDeclaration",
        "outcomeDeclaration",
    }
)
_SCORER_VIEWS = frozenset({"scorer", "tutor", "author", "proctor", "testconstructor"})
_VOID = frozenset({"br", "hr", "img", "wbr", "col"})
_IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$", re.IGNORECASE)
_SOUND_FILE = re.compile(r"\.(mp3|m4a|oga|ogg|opus|wav|aac|flac|weba)$", re.IGNORECASE)
_VIDEO_FILE = re.compile(r"\.(mp4|m4v|webm|ogv|mov)$", re.IGNORECASE)
MediaKind = Literal["image", "sound", "video"]
_BLACKBOARD_PLACEHOLDER = re.compile(r"^@X@[^@]*@X@")
"""Where Blackboard's HTML names the server the file is on ('@X@EmbeddedFile.location@X@')."""


def _file_name(reference: str) -> str:
    """The file's name as the text shows it: Blackboard's '@X@EmbeddedFile.location@X@karta.png' is
    'karta.png'."""
    path = _BLACKBOARD_PLACEHOLDER.sub("", reference.strip()).replace("\\", "/")
    return unquote(path.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0])


def _media_kind(mime_type: str, reference: str) -> MediaKind | None:
    """Whether an <object>'s data (by its type, else its file name) is a picture, sound or video."""
    mime_type, name = mime_type.strip().lower(), _file_name(reference)
    if mime_type.startswith("image/") or (not mime_type and _IMAGE_FILE.search(name)):
        return "image"
    if mime_type.startswith("audio/") or (not mime_type and _SOUND_FILE.search(name)):
        return "sound"
    if mime_type.startswith("video/") or (not mime_type and _VIDEO_FILE.search(name)):
        return "video"
    return None


def _played(kind: MediaKind, source: str) -> str:
    """Sound or video as '[sound: name]', as the Anki importer marks it."""
    return escape(f" [{kind}: {_file_name(source)}] ")


def _media_sources(element: Element) -> list[str]:
    """An <audio>/<video> element's files: its src, else its <source> alternatives in order."""
    own = element.get("src", "").strip()
    return (
        [own] if own else [src for source in element.iter("source") if (src := source.get("src", "").strip())]
    )


def _image(alt: str, source: str) -> str:
    """An <img> whose alt says which picture it was (its file name when the file gave no alt text)."""
    label = alt.strip() or _file_name(source)
    return f'<img alt="{escape(label)}">'


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMG_ATTRIBUTE = re.compile(
    r"""\b(alt|src|class|data-equation-content)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE
)


_SCRIPT = re.compile(r"<(sup|sub)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)


def _html_string(markup: str) -> str:
    """An HTML string (Canvas/Blackboard mattext) with images named by file when they lack alt text,
    Canvas equation images as their LaTeX, and super/subscripts kept as ^ and _ (10<sup>-3</sup> ->
    10^-3), which html_to_text would flatten."""

    def named(match: re.Match[str]) -> str:
        attributes = {key.lower(): a or b for key, a, b in _IMG_ATTRIBUTE.findall(match.group(0))}
        equation = attributes.get("data-equation-content", "")
        if not equation.strip() and "equation_image" in attributes.get("class", "").split():
            equation = attributes.get("alt", "")  # Canvas's equation editor: the alt text is its LaTeX
        if equation.strip():
            return escape(html.unescape(equation))
        return _image(attributes.get("alt", ""), attributes.get("src", ""))

    scripted = _SCRIPT.sub(
        lambda match: ("^" if match.group(1).lower() == "sup" else "_") + match.group(2), markup
    )
    return _IMG_TAG.sub(named, scripted)


def _is_scorer_rubric(element: Element) -> bool:
    return element.tag == "rubricBlock" and bool(set(element.get("view", "").split()) & _SCORER_VIEWS)


def _inner_markup(element: Element) -> str:
    """The HTML inside a QTI 2 element, interactions replaced by their prompt (or a blank when inline),
    feedback, templates and scorer-only rubrics left out."""
    source = _is_html_source(element)
    parts = [_text_markup(element.text or "", element.tag, html_source=source)]
    for child in element:
        parts.append(_element_markup(child))
        parts.append(_text_markup(child.tail or "", element.tag, html_source=source))
    return "".join(parts)


def _is_html_source(element: Element) -> bool:
    """`<div class="html">`: Canvas's converter writes HTML it kept as source text so (its weird_html
    fixture's 'viva la mol&amp;eacute;' is 'viva la molé')."""
    return element.tag == "div" and "html" in element.get("class", "").split()


_BLOCK_HOLDERS = frozenset({"itemBody", "modalFeedback"})
"""Where QTI 2 allows only elements, never bare text: ANGEL writes its HTML there as text (CDATA)."""


def _text_markup(text: str, parent_tag: str, *, html_source: bool = False) -> str:
    """A text of the item as HTML: escaped, unless it is nothing but HTML written as text where QTI 2
    allows no text (ANGEL's CDATA item bodies and feedback), which is read as the markup it is, or its
    element says it holds HTML source (`html_source`). A tag shown as text anywhere else ('<b>' as a
    choice, in a paragraph or <pre>) stays text."""
    stripped = text.strip()
    is_markup = stripped.startswith("<") and stripped.endswith(">") and HTML_TAG.search(stripped)
    return text if html_source or (is_markup and parent_tag in _BLOCK_HOLDERS) else escape(text)


def _element_markup(element: Element) -> str:
    tag = element.tag
    if tag in _HIDDEN or _is_scorer_rubric(element):
        return ""
    if tag in _INLINE_INTERACTIONS:
        return _BLANK
    if tag == "endAttemptInteraction":  # a button (OpenOLAT's 'Hint'), not something to fill in
        return ""
    if tag == "math":
        return escape(math_text(element))
    if tag == "mediaInteraction":  # a player: the sound or video is shown like any other
        return "".join(_element_markup(child) for child in element)
    if tag.endswith("Interaction"):
        prompt = element.find("prompt")
        return f"<p>{_inner_markup(prompt)}</p>" if prompt is not None else ""
    if tag == "img":
        equation = element.get("data-equation-content", "")
        return (
            escape(equation) if equation.strip() else _image(element.get("alt", ""), element.get("src", ""))
        )
    if tag == "object":
        data = element.get("data", "")
        fallback = _inner_markup(element)
        kind = _media_kind(element.get("type", ""), data)
        # the content inside is what a reader gets when the file cannot be shown, as in tenta's text
        if kind == "image":
            return _image(element.get("label", ""), data) + fallback
        return (_played(kind, data) if kind else "") + fallback
    if tag in ("audio", "video"):
        sources = _media_sources(element)
        return _played("sound" if tag == "audio" else "video", sources[0]) if sources else ""
    if tag in ("sup", "sub"):
        return ("^" if tag == "sup" else "_") + _inner_markup(element)
    if tag in _VOID:
        return f"<{tag}>"
    kept = {name: element.get(name, "") for name in _KEPT_ATTRIBUTES.get(tag, ()) if element.get(name)}
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in kept.items())
    return f"<{tag}{attributes}>{_inner_markup(element)}</{tag}>"


_KEPT_ATTRIBUTES = {"a": ("href",), "code": ("class",), "ol": ("start",)}
"""What the Markdown reading needs of an element: a link's address, a code block's language, an ordered
list's first number."""


_BLANK = "_____"
_GLUED_BLANK = re.compile(r"(?<=[^\W_])(?=_____)|(?<=_____)(?=[^\W_])")
"""A blank written against a word ('adipisicing..._____and'), which gets a space on that side."""


def _readable(element: Element | None, *, markdown: bool = False) -> str:
    """The text of an element: plain, or Markdown keeping its emphasis, code, lists and links."""
    if element is None:
        return ""
    read = html_to_markdown if markdown else html_to_text
    return _GLUED_BLANK.sub(" ", read(_inner_markup(element)))


_INLINE_MARKUP = MARKDOWN_TAGS - {"ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}


def _written_in_markdown(item: Element) -> bool:
    """Whether an item's texts use formatting plain text would lose (<strong>, <em>, <code>, lists, links:
    Inspera's and Canvas's editors, tenta's export of a Markdown question): then they are read as
    Markdown, else as plain text as before. The scorer rubric counts by its emphasis, code and links only
    (tenta writes its key points as a list and its labels as headings)."""
    body = item.find("itemBody")
    texts = [
        _inner_markup(element) for element in (body, *item.findall("modalFeedback")) if element is not None
    ]
    if any(holds_markdown_markup(text) for text in texts):
        return True
    rubrics = [_inner_markup(rubric) for rubric in item.iter("rubricBlock") if _is_scorer_rubric(rubric)]
    return any(holds_markdown_markup(text, _INLINE_MARKUP) for text in rubrics)


# ---- QTI 2.x items ---------------------------------------------------------------------------------------

_UNSUPPORTED_INTERACTIONS = {
    "matchInteraction": "matching",
    "associateInteraction": "associate (pairing, not one to one)",
    "orderInteraction": "ordering",
    "gapMatchInteraction": "drag words into gaps",
    "inlineChoiceInteraction": "inline choice (drop-down in text)",
    "hottextInteraction": "hot text",
    "hotspotInteraction": "hotspot",
    "graphicOrderInteraction": "graphic ordering",
    "graphicAssociateInteraction": "graphic associate",
    "graphicGapMatchInteraction": "drag onto image",
    "selectPointInteraction": "select point",
    "positionObjectInteraction": "position object",
    "sliderInteraction": "slider",
    "drawingInteraction": "drawing",
    "uploadInteraction": "file upload",
    "mediaInteraction": "media",
    "customInteraction": "custom",
    "portableCustomInteraction": "portable custom (PCI)",
    "endAttemptInteraction": "end attempt",
}
_CONDITIONAL_FEEDBACK = re.compile(r"correct|wrong|partial|unanswered|right|fail|pass|true|false", re.I)
_TRAILING_BLANK = re.compile(r"\n+(?:_____|(?:\\_){5})$")
"""A text entry on its own line after the question: the blank says nothing the quiz does not show (read
as Markdown it is escaped, as a line of underscores would be a rule)."""
_TRUE_FALSE_PAIRS = frozenset({("true", "false"), ("sant", "falskt"), ("sann", "falsk")})


def _interactions(body: Element) -> list[Element]:
    """What a candidate answers. A mediaInteraction only plays its file (its play count is nothing to
    grade), so next to another interaction it is part of the question text; an endAttemptInteraction is
    a button (OpenOLAT's hint request), nothing answered."""
    found = [
        element
        for element in body.iter()
        if element.tag.endswith("Interaction") and element.tag != "endAttemptInteraction"
    ]
    return [element for element in found if element.tag != "mediaInteraction"] or found


def _number(raw: str | None, what: str) -> float:
    text = (raw or "").strip().replace(",", ".").replace("−", "-")
    try:
        value = float(text)
    except ValueError:
        raise _QtiError(f"{what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise _QtiError(f"{what} {text!r} is not a finite number")
    return value


def _share(value: float, total: float) -> float:
    return round(max(-1.0, min(1.0, value / total)), 7)


def _values(declaration: Element | None) -> list[str]:
    if declaration is None:
        return []
    return [(value.text or "").strip() for value in declaration.findall("correctResponse/value")]


def _mapping(declaration: Element | None) -> list[tuple[str, float]]:
    if declaration is None:
        return []
    return [
        (entry.get("mapKey", "").strip(), _number(entry.get("mappedValue"), "mappedValue"))
        for entry in declaration.findall("mapping/mapEntry")
    ]


def _mapping_default(declaration: Element | None) -> float:
    """What the mapping gives a value it does not list (its defaultValue, 0 when absent)."""
    mapping = declaration.find("mapping") if declaration is not None else None
    raw = mapping.get("defaultValue", "") if mapping is not None else ""
    return _number(raw, "mapping defaultValue") if raw.strip() else 0.0


def _mapping_maximum(declaration: Element | None, multiple: bool) -> float | None:
    """The most the mapping can give: every positive value summed (one for a single answer), capped by
    its upperBound; None without positive values."""
    positive = [value for _, value in _mapping(declaration) if value > 0]
    if not positive or declaration is None:
        return None
    total = sum(positive) if multiple else max(positive)
    mapping = declaration.find("mapping")
    upper = mapping.get("upperBound", "") if mapping is not None else ""
    bound = _number(upper, "mapping upperBound") if upper.strip() else math.inf
    return bound if 0 < bound < total else total


_Scoring = Literal["match_correct", "map_response", "custom"]


def _template_scoring(template: str) -> _Scoring:
    """The standard templates by name, in every spelling: QTI 2.x '.../rptemplates/match_correct',
    QTI 3 '.../match_correct.xml', Common Cartridge's 'CC2_match' and 'CC2_match_basic'."""
    name = _file_name(template).lower().removesuffix(".xml")
    if "map_response" in name:
        return "map_response"
    return "match_correct" if "match" in name else "custom"


def _branches_setting_score(processing: Element) -> Iterator[Element]:
    """The responseIf / responseElseIf branches of the processing that set SCORE themselves."""
    for branch in processing.iter():
        if branch.tag in ("responseIf", "responseElseIf") and any(
            rule.tag == "setOutcomeValue" and rule.get("identifier", "").upper() == "SCORE" for rule in branch
        ):
            yield branch


def _is_match_correct(condition: Element, response: str) -> bool:
    """`<match><variable identifier=R/><correct identifier=R/></match>`, in either order."""
    operands = sorted((child.tag, child.get("identifier", "")) for child in condition)
    return condition.tag == "match" and operands == [("correct", response), ("variable", response)]


def _scoring(item: Element, response: str) -> _Scoring:
    """How the item scores `response`: by the all-or-nothing match_correct template (or inline rules that
    set SCORE when the response matches the correct one), by map_response's mapped values (template or
    inline <mapResponse>), or by something else ('custom', also when the item has no processing)."""
    processing = item.find("responseProcessing")
    if processing is None:
        return "custom"
    template = processing.get("template") or processing.get("templateLocation") or ""
    if template.strip():
        return _template_scoring(template)
    for rule in processing.iter("setOutcomeValue"):
        if rule.get("identifier", "").upper() == "SCORE" and any(
            mapped.get("identifier") == response for mapped in rule.iter("mapResponse")
        ):
            return "map_response"
    for branch in _branches_setting_score(processing):
        if len(branch) and _is_match_correct(branch[0], response):
            return "match_correct"
    return "custom"


def _constant_score(item: Element) -> float | None:
    """The largest number inline response processing sets SCORE to (`<setOutcomeValue identifier="SCORE">
    <baseValue>3</baseValue>`): the item's maximum when nothing declares one."""
    processing = item.find("responseProcessing")
    if processing is None:
        return None
    values = [
        _number(rule[0].text, "score")
        for branch in _branches_setting_score(processing)
        for rule in branch
        if rule.tag == "setOutcomeValue"
        and rule.get("identifier", "").upper() == "SCORE"
        and len(rule) == 1
        and rule[0].tag == "baseValue"
    ]
    return max(values, default=0.0) or None


def _outcome_value(item: Element, identifier: str) -> str | None:
    for outcome in item.findall("outcomeDeclaration"):
        if outcome.get("identifier", "").upper() == identifier:
            value = outcome.find("defaultValue/value")
            return value.text if value is not None else None
    return None


def _declared_points(item: Element) -> float | None:
    """Points the item declares: MAXSCORE's default value, else SCORE's normalMaximum (ONYX, TAO,
    Inspera, Canvas New Quizzes); a zero or blank declaration declares nothing."""
    score = next(
        (o for o in item.findall("outcomeDeclaration") if o.get("identifier", "").upper() == "SCORE"), None
    )
    declared = [_outcome_value(item, "MAXSCORE"), score.get("normalMaximum") if score is not None else None]
    for raw in declared:
        if raw is not None and raw.strip() and (points := _number(raw, "maximum score")) > 0:
            return points
    return None


def _item_points(
    item: Element, body: Element, interaction: Element, declaration: Element | None
) -> float | None:
    """The item's points, most explicit first: declared (MAXSCORE, normalMaximum), stated in the scorer
    rubric ('Max score: 4'), the most the mapping can give (map_response), the largest constant SCORE
    inline rules set. None leaves it to the rubric's criteria or tenta's default of 1 (match_correct's
    SCORE of 1)."""
    declared = _declared_points(item) or _stated_points(_scorer_rubrics(body))
    if declared is not None or interaction.tag == "extendedTextInteraction":
        return declared  # an essay's criteria give its points next, in moodle_bank
    if _scoring(item, interaction.get("responseIdentifier", "")) != "match_correct":
        mapped = _mapping_maximum(declaration, _is_multiple(interaction, declaration))
        if mapped is not None:
            return mapped
    return _constant_score(item)


_POINT_UNIT = r"(?:p|pts?|points?|poäng|poang|marks?|punkte?)"
_STATED_MAXIMUM = re.compile(
    rf"^\(?(?:(?:max(?:imum|imal)?\.?|total)\s*(?:score|points?|poäng|marks?|punkte|punktzahl)?|score|points?"
    rf"|poäng|maxpoäng|marks?|punktzahl)\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*{_POINT_UNIT}?\.?\)?$",
    re.IGNORECASE,
)
"""A scorer-rubric line that only states the item's maximum: 'Max score: 4', 'Points: 2', 'Max 3 p'."""
_BRACKETED_CRITERION = re.compile(rf"^\[(\d+(?:[.,]\d+)?)\s*{_POINT_UNIT}?\]\s*(\S.*)$", re.IGNORECASE)
"""'[2] Explains the reasoning': a criterion with its points in front (QTI 3 scoring tools)."""


def _scorer_rubrics(body: Element, *, markdown: bool = False) -> list[str]:
    """The texts of the rubric blocks only scorers see, line by line as read, without their headings
    (a block's '<h1>Scoring Guidelines</h1>' titles it: it is neither model answer nor criterion)."""
    return [
        text
        for rubric in body.iter("rubricBlock")
        if _is_scorer_rubric(rubric)
        if (text := _readable(_without_headings(rubric), markdown=markdown))
    ]


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _without_headings(element: Element) -> Element:
    copy = deepcopy(element)
    for parent in copy.iter():
        for child in [child for child in parent if child.tag in _HEADINGS]:
            parent.remove(child)
    return copy


def _stated_points(rubrics: Sequence[str]) -> float | None:
    for line in "\n".join(rubrics).split("\n"):
        stated = _STATED_MAXIMUM.match(line.strip())
        if stated and (points := _number(stated.group(1), "maximum score")) > 0:
            return points
    return None


def _marking_text(rubrics: Sequence[str]) -> str:
    """Scorer rubrics as the grader information tenta reads: the line stating the maximum left out (it is
    the item's points, not part of the answer) and '[2] criterion' written as '- criterion (2 p)'."""
    lines = []
    for line in "\n\n".join(rubrics).split("\n"):
        if _STATED_MAXIMUM.match(line.strip()):
            continue
        criterion = _BRACKETED_CRITERION.match(line.strip())
        lines.append(f"- {criterion.group(2)} ({criterion.group(1)} p)" if criterion else line)
    return "\n".join(lines).strip()


@dataclass
class _ModalFeedback:
    by_choice: dict[str, str] = field(default_factory=dict)
    general: str = ""
    """The feedback shown whatever the answer."""
    outcome: dict[str, Any] = field(default_factory=dict)
    """The question's outcome_feedback and hints fields (common.outcome_fields)."""


def _modal_feedback(
    item: Element, choice_ids: set[str], *, one_answer: bool = False, markdown: bool = False
) -> _ModalFeedback:
    """Per-choice modal feedback, the unconditional rest, and the feedback for a right, partly right or
    wrong answer and for a hint request, told apart by the response processing that switches it on
    (OpenOLAT's 'Feedback261171147' set after matching its FEEDBACKBASIC 'correct') or by its identifier
    (CORRECT, INCORRECT, HINT in the IMS examples). Where one choice is the answer (`one_answer`),
    feedback hidden for a choice is every other choice's."""
    feedback = _ModalFeedback()
    hidden_for: dict[str, list[str]] = {}
    general: list[str] = []
    outcomes: dict[str, list[str]] = {"correct": [], "partial": [], "incorrect": [], "hint": []}
    switched_on = _switched_on_by_correctness(item)
    flags = _flags_set_by_correctness(item)
    for modal in [*item.findall("modalFeedback"), *_body_feedback(item)]:
        text = _readable(modal, markdown=markdown)
        identifier = modal.get("identifier", "")
        if not text:
            continue
        if modal.get("showHide", "show") == "hide":  # shown when the outcome is anything else
            if opposite := _hidden_outcome(identifier, switched_on):
                outcomes[opposite].append(text)
            elif one_answer and identifier in choice_ids:
                for other in choice_ids - {identifier}:
                    hidden_for.setdefault(other, []).append(text)
            continue
        if identifier in choice_ids:
            feedback.by_choice[identifier] = text
        elif (flag := flags.get(modal.get("outcomeIdentifier", ""))) is not None and identifier == "true":
            if flag:
                outcomes[flag].append(text)
        elif identifier in switched_on or _CONDITIONAL_FEEDBACK.search(identifier):
            outcome = switched_on.get(identifier) or _outcome_named(identifier)
            if outcome:
                outcomes[outcome].append(text)
        elif _HINT.search(identifier):
            outcomes["hint"].append(text)
        else:
            general.append(text)
    for other, texts in hidden_for.items():
        feedback.by_choice[other] = "\n\n".join(filter(None, [feedback.by_choice.get(other, ""), *texts]))
    feedback.general = "\n\n".join(dict.fromkeys(general))
    feedback.outcome = outcome_fields(
        feedback.general,
        correct="\n\n".join(outcomes["correct"]),
        partial="\n\n".join(outcomes["partial"]),
        incorrect="\n\n".join(outcomes["incorrect"]),
        hints=outcomes["hint"],
    )
    return feedback


_UNPLACED_FEEDBACK = (
    'feedback shown for every answer but one that is not right or wrong (showHide="hide") has no place in '
    "tenta; left out"
)


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _hidden_outcome(identifier: str, switched_on: dict[str, str]) -> str:
    """Which answers see feedback hidden for `identifier` (showHide="hide"): the wrong ones when it is
    hidden for a right answer and the other way round, else '' (tenta has no place for it)."""
    return _OPPOSITE.get(switched_on.get(identifier) or _outcome_named(identifier), "")


def unplaced_feedback(item: Element) -> list[str]:
    """The texts of an item's feedback shown for every outcome but one that is not a right or wrong
    answer (showHide="hide" on a choice or a score band): tenta has no place for it, so the import
    names it."""
    switched_on = _switched_on_by_correctness(item)
    placed = _one_answer_choices(item)
    return [
        text
        for feedback in [*item.findall("modalFeedback"), *_body_feedback(item)]
        if feedback.get("showHide", "show") == "hide"
        and (text := _readable(feedback))
        and not _hidden_outcome(feedback.get("identifier", ""), switched_on)
        and feedback.get("identifier", "") not in placed
    ]


def _one_answer_choices(item: Element) -> set[str]:
    """The choices of an item's one choice interaction when one of them is the answer (their feedback
    hidden for one choice is the others'), else none."""
    interactions = list(item.iter("choiceInteraction"))
    if len(interactions) != 1:
        return set()
    interaction = interactions[0]
    response = interaction.get("responseIdentifier", "")
    declaration = next(
        (found for found in item.iter("responseDeclaration") if found.get("identifier") == response), None
    )
    if _is_multiple(interaction, declaration):
        return set()
    return {choice.get("identifier", "") for choice in interaction.iter("simpleChoice")}


_CHOICE_TAGS = frozenset({"simpleChoice", "inlineChoice", "simpleAssociableChoice", "gapText", "hottext"})
"""Choices of an interaction, whose feedbackInline is that choice's feedback."""


def _body_feedback(item: Element) -> list[Element]:
    """The feedbackBlock and feedbackInline elements of the item body outside its choices (those are the
    choice's own feedback): shown in place by an outcome, as modalFeedback is after the attempt."""
    body = item.find("itemBody")
    if body is None:
        return []
    in_choices = {
        id(part)
        for choice in body.iter()
        if choice.tag in _CHOICE_TAGS
        for part in choice.iter()
        if part is not choice
    }
    return [
        element
        for element in body.iter()
        if element.tag in ("feedbackBlock", "feedbackInline") and id(element) not in in_choices
    ]


_OUTCOME_WORDS = frozenset({"correct", "incorrect", "wrong", "right", "partial", "partiallycorrect"})
_HINT = re.compile(r"hint", re.I)
_WRONG = re.compile(r"incorrect|wrong|fail|false", re.I)
_RIGHT = re.compile(r"correct|right|pass|true", re.I)
_OPPOSITE = {"correct": "incorrect", "incorrect": "correct"}
_BRANCHES = ("responseIf", "responseElseIf", "responseElse")


def _outcome_named(identifier: str) -> str:
    """'correct', 'partial' or 'incorrect' from a feedback identifier (CORRECT, feedback_wrong), else ''."""
    if _WRONG.search(identifier):
        return "incorrect"
    if "partial" in identifier.lower():
        return "partial"
    return "correct" if _RIGHT.search(identifier) else ""


def _tests_correctness(condition: Element) -> bool:
    """Whether a response condition asks if the answer is right: compares with the correct response, the
    score, or an outcome set to 'correct'/'incorrect'."""
    return any(
        node.tag == "correct"
        or (node.tag == "variable" and node.get("identifier", "").upper() == "SCORE")
        or (node.tag == "baseValue" and (node.text or "").strip().lower() in _OUTCOME_WORDS)
        for node in condition.iter()
    )


def _condition_outcome(condition: Element) -> str:
    """What a passed condition says of the answer: 'correct' when it matches the correct response or an
    outcome 'correct', 'incorrect' for an outcome 'incorrect', turned round by <not>; '' for score tests."""
    words = {(node.text or "").strip().lower() for node in condition.iter("baseValue")}
    if condition.find(".//correct") is not None or words & {"correct", "right"}:
        outcome = "correct"
    elif words & {"incorrect", "wrong"}:
        outcome = "incorrect"
    else:
        return "partial" if words & {"partial", "partiallycorrect"} else ""
    return _OPPOSITE[outcome] if condition.tag == "not" else outcome


def _switched_on_by_correctness(item: Element) -> dict[str, str]:
    """The identifiers response processing sets an outcome to in a responseCondition that tests whether
    the answer is right (feedback for right or wrong answers), each with what its branch says of the
    answer ('correct', 'incorrect', 'partial' or '' when the test does not tell)."""
    processing = item.find("responseProcessing")
    if processing is None:
        return {}
    switched: dict[str, str] = {}
    for rule in processing.iter("responseCondition"):
        branches = [branch for branch in rule if branch.tag in _BRANCHES]
        tested = [branch for branch in branches if branch.tag != "responseElse" and len(branch)]
        if not any(_tests_correctness(branch[0]) for branch in tested):
            continue
        first = _condition_outcome(tested[0][0]) if tested else ""
        for branch in branches:
            outcome = (
                _OPPOSITE.get(first, "") if branch.tag == "responseElse" else _condition_outcome(branch[0])
            )
            for setter in branch.iter("setOutcomeValue"):
                for value in setter.iter("baseValue"):
                    if value.get("baseType") == "identifier":
                        switched.setdefault((value.text or "").strip(), outcome)
    return switched


def _flags_set_by_correctness(item: Element) -> dict[str, str]:
    """Boolean outcomes that response processing sets, outside any condition, to whether the answer is
    right or wrong, each with what it says ('correct', 'incorrect', 'partial', or '' when the test does
    not tell): ONYX 3 sets FEEDBACK_1666978 to match(FEEDBACKBASIC, 'correct') and shows the modalFeedback
    of that outcome whose identifier is 'true'."""
    processing = item.find("responseProcessing")
    return {
        setter.get("identifier", ""): _condition_outcome(setter[0])
        for setter in (processing.findall("setOutcomeValue") if processing is not None else ())
        if len(setter) and _tests_correctness(setter[0])
    }


def _is_true_false(texts: Sequence[str]) -> bool:
    words = tuple(text.strip(" .!").casefold() for text in texts)
    return len(words) == 2 and (words in _TRUE_FALSE_PAIRS or words[::-1] in _TRUE_FALSE_PAIRS)


def _keep_choice(text: str, fraction: float, label: str) -> bool:
    """False for a blank choice that gives no credit: the empty answer rows Canvas and other editors
    keep when the author leaves them unfilled (Moodle drops them too). A blank correct choice is an error."""
    if text:
        return True
    if fraction > 0:
        raise _QtiError(f"{label} is empty but marked correct")
    return False


def _choice_fractions(
    declaration: Element | None,
    identifiers: Sequence[str],
    multiple: bool,
    scoring: _Scoring,
    matched: Sequence[str] = (),
) -> dict[str, float]:
    """Each choice's share of the points: from the mapping weights (shares of what the mapping can give at
    most), else from the correct response. Under match_correct the mapping does not count: several
    correct choices each earn an equal share and the others nothing, the shares of an all-or-nothing
    question (`_is_all_or_nothing`), whose grading looks only at which choices are correct. `matched` is
    the correct set the response processing writes out when the declaration has none."""
    known = set(identifiers)
    mapping = _mapping(declaration)
    correct = _values(declaration) or list(matched)
    for key in [key for key, _ in mapping] + correct:
        if key not in known:
            raise _QtiError(f"the scoring names choice {key!r}, which the item does not have")
    total = _mapping_maximum(declaration, multiple) if scoring != "match_correct" else None
    if total is not None:
        unmapped = _mapping_default(declaration)
        mapped = dict(mapping)
        return {key: _share(mapped.get(key, unmapped), total) for key in identifiers}
    if not correct:
        raise _QtiError("no correct answer: the response has neither a correctResponse nor a mapping")
    if not multiple:
        return dict.fromkeys(correct, 1.0)
    share, wrong = response_shares(len(set(correct)), penalise_wrong=scoring != "match_correct")
    return {key: share if key in correct else wrong for key in identifiers}


def _matched_answers(item: Element, response: str) -> list[list[str]]:
    """The answer sets response processing compares the response with literally, one per branch that
    gives points (`<match><variable identifier="R"/><multiple><baseValue>C01</baseValue>…</multiple>
    </match>`): items without a correctResponse write their key so."""
    processing = item.find("responseProcessing")
    if processing is None:
        return []
    sets = []
    for branch in _branches_setting_score(processing):
        condition = branch[0] if len(branch) else None
        if condition is None or condition.tag != "match":
            continue
        compares = any(o.tag == "variable" and o.get("identifier") == response for o in condition)
        literals = [operand for operand in condition if operand.tag != "variable"]
        scores = [
            _number(rule[0].text, "score")
            for rule in branch
            if rule.tag == "setOutcomeValue"
            and rule.get("identifier", "").upper() == "SCORE"
            and len(rule) == 1
            and rule[0].tag == "baseValue"
        ]
        if compares and len(literals) == 1 and all(score > 0 for score in scores):
            values = [(value.text or "").strip() for value in literals[0].iter("baseValue")]
            if values:
                sets.append(values)
    return sets


def _is_all_or_nothing(multiple: bool, scoring: _Scoring) -> bool:
    """A multiple response scored by match_correct earns its points only for exactly the correct set."""
    return multiple and scoring == "match_correct"


def _is_multiple(interaction: Element, declaration: Element | None) -> bool:
    """Whether several choices may be ticked (maxChoices other than 1, or a multiple response)."""
    cardinality = declaration.get("cardinality", "single") if declaration is not None else "single"
    return interaction.get("maxChoices", "1").strip() != "1" or cardinality == "multiple"


def _choice_item(
    item: Element, interaction: Element, declaration: Element | None, *, markdown: bool = False
) -> tuple[dict[str, Any], _ModalFeedback]:
    choices = [choice for choice in interaction.iter() if choice.tag in ("simpleChoice", "inlineChoice")]
    if len(choices) < 2:
        raise _QtiError("a choice interaction needs at least two choices")
    identifiers = [choice.get("identifier", "") for choice in choices]
    multiple = _is_multiple(interaction, declaration)
    modal = _modal_feedback(item, set(identifiers), one_answer=not multiple, markdown=markdown)
    response = interaction.get("responseIdentifier", "")
    scoring = _scoring(item, response)
    matched = [] if _values(declaration) or _mapping(declaration) else _matched_answers(item, response)
    if len(matched) > 1:
        raise _QtiUnsupported(
            f"items accepting {len(matched)} different sets of answers are not supported by tenta; "
            "remove or convert it"
        )
    if matched:
        scoring = "match_correct"  # the response must be exactly the set written out
    fractions = _choice_fractions(declaration, identifiers, multiple, scoring, matched[0] if matched else ())
    data: list[dict[str, Any]] = []
    for identifier, choice in zip(identifiers, choices, strict=True):
        text = _readable(choice, markdown=markdown)
        if not _keep_choice(text, fractions.get(identifier, 0.0), f"choice {identifier!r}"):
            continue
        inline = " ".join(
            _readable(part, markdown=markdown)
            for part in choice.iter()
            if part.tag in ("feedbackInline", "feedbackBlock")
        ).strip()
        feedback = inline or modal.by_choice.get(identifier, "")
        data.append({"text": text, "fraction": fractions.get(identifier, 0.0), "feedback": feedback})
    if len(data) < 2:
        raise _QtiError("a choice interaction needs at least two choices with text")
    kind = QuestionType.MULTIPLE_CHOICE
    if not multiple and _is_true_false([choice["text"] for choice in data]):
        kind = QuestionType.TRUE_FALSE
    shape = {"type": kind.value, "choices": data, "all_or_nothing": _is_all_or_nothing(multiple, scoring)}
    return shape, modal


def _range_bounds(processing: Element, response: str) -> list[float]:
    """The numbers a response is compared with by <gte>/<lte>/<gt>/<lt> (either operand order): Moodle's
    QTI 2 export writes a numerical answer's tolerance so, `<gte><baseValue>4.5</baseValue><variable/>`."""
    bounds = []
    for comparison in processing.iter():
        if comparison.tag not in ("gte", "lte", "gt", "lt"):
            continue
        compares_response = any(
            operand.tag == "variable" and operand.get("identifier") == response for operand in comparison
        )
        if compares_response:
            bounds += [_number(operand.text, "bound") for operand in comparison if operand.tag == "baseValue"]
    return bounds


def _tolerance(item: Element, value: float, response: str) -> float:
    """Tolerance of one accepted value of a numerical response: that of the condition comparing the
    response with this value (an `<equal>` naming it, or a `<gte>`/`<lte>` range around it: tenta's own
    export and Moodle's write one condition per value, each with its own tolerance), else of a comparison
    with no value of its own (with `<correct>`), else any other; `<equalRounded>` last (0 when exact)."""
    processing = item.find("responseProcessing")
    if processing is None:
        return 0.0
    for branch in processing.iter():
        if branch.tag in ("responseIf", "responseElseIf") and len(branch):
            own = _own_tolerance(branch[0], value, response)
            if own is not None:
                return own
    own = _own_tolerance(processing, value, response)
    if own is not None:
        return own
    equals = list(processing.iter("equal"))
    for equal in [equal for equal in equals if not _compared_values(equal)] + equals:
        tolerance = _equal_tolerance(equal, value)
        if tolerance is not None:
            return tolerance
    for rounded in processing.iter("equalRounded"):
        return _rounding_tolerance(rounded, value)
    return 0.0


def _rounding_tolerance(rounded: Element, value: float) -> float:
    """`<equalRounded>` accepts what rounds to the value: half a unit of the last kept decimal place, or of
    the last significant figure of this value (3 figures of 9.81 → ±0.005, of 1230 → ±5)."""
    figures = int(_number(rounded.get("figures"), "figures"))
    if rounded.get("roundingMode", "significantFigures") == "decimalPlaces":
        return tidy_number(0.5 * 10.0**-figures)
    if value == 0 or figures < 1:
        return 0.0
    return tidy_number(0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - figures + 1))


def _own_tolerance(expression: Element, value: float, response: str) -> float | None:
    """The tolerance `expression` (one branch's test) gives `value`, or None when it tests another value."""
    bounds = _range_bounds(expression, response)
    if len(bounds) >= 2 and min(bounds) <= value <= max(bounds):
        return tidy_number(max(value - min(bounds), max(bounds) - value))
    for equal in expression.iter("equal"):
        if any(math.isclose(compared, value, rel_tol=1e-12) for compared in _compared_values(equal)):
            return _equal_tolerance(equal, value) or 0.0
    return None


def _compared_values(equal: Element) -> list[float]:
    return [_number(operand.text, "compared value") for operand in equal if operand.tag == "baseValue"]


def _equal_tolerance(equal: Element, value: float) -> float | None:
    """An `<equal>`'s tolerance as an absolute one (a relative tolerance is a percentage of the value);
    None when it compares exactly."""
    bounds = [_number(part, "tolerance") for part in equal.get("tolerance", "0").split()]
    widest = max((abs(bound) for bound in bounds), default=0.0)
    mode = equal.get("toleranceMode", "exact")
    if mode == "absolute":
        return widest
    if mode == "relative":
        return tidy_number(abs(value) * widest / 100)
    return None


def _text_entry_item(item: Element, declaration: Element | None, scoring: _Scoring) -> dict[str, Any]:
    """Accepted answers: the correct response, and unless match_correct scores the item (which ignores
    the mapping) the mapped alternatives with their shares; without either, the texts response
    processing compares the response with to give points (Respondus)."""
    accepted = [(value, 1.0) for value in _values(declaration)]
    mapping = _mapping(declaration) if scoring != "match_correct" else []
    best = max((value for _, value in mapping), default=0.0)
    accepted += [(key, _share(value, best)) for key, value in mapping if value > 0]
    response = declaration.get("identifier", "") if declaration is not None else ""
    compared = [] if accepted else _compared_texts(item, response)
    if compared:
        return {
            "type": QuestionType.SHORT_EXACT.value,
            "choices": [{"text": text, "fraction": 1.0} for text in dict.fromkeys(t for t, _ in compared)],
            "case_sensitive": all(case for _, case in compared),
        }
    if not accepted:
        raise _QtiError("no correct answer: the response has neither a correctResponse nor a mapping")
    base_type = declaration.get("baseType", "string") if declaration is not None else "string"
    response = declaration.get("identifier", "") if declaration is not None else ""
    if base_type in ("float", "integer"):
        numbers: dict[float, dict[str, Any]] = {}
        for raw, fraction in accepted:
            value = _number(raw, "correct response")
            if value not in numbers or numbers[value]["fraction"] < fraction:
                tolerance = _tolerance(item, value, response)
                numbers[value] = {"value": value, "tolerance": tolerance, "fraction": fraction}
        return {"type": QuestionType.NUMERICAL.value, "numerical": list(numbers.values())}
    strings: dict[str, float] = {}
    for text, fraction in accepted:
        if text:
            strings[text] = max(fraction, strings.get(text, -1.0))
    if not strings:
        raise _QtiError("the correct response is empty")
    choices = [{"text": text, "fraction": fraction} for text, fraction in strings.items()]
    entries = declaration.findall("mapping/mapEntry") if declaration is not None and mapping else []
    return {
        "type": QuestionType.SHORT_EXACT.value,
        "choices": choices,
        "case_sensitive": _case_sensitive(entries, list(strings)),
    }


def _answers_with_feedback(item: Element, response: str, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The answers (entries of `data`'s choices or numerical values) that have feedback of their own, by
    the identifier of the modalFeedback showing it: a branch of the response processing that compares
    the response with the answer (stringMatch/match with its text, equal with its number) sets the
    feedback's outcome to that identifier, as tenta's QTI export writes it (ANSWER_FEEDBACK = ANSWER_1).
    A short answer compared so that the item does not accept is added to `data` worth nothing (Moodle's
    feedback on a common wrong answer), the else of such comparisons as a catch-all '*'. Feedback that
    several answers switch on, or that is named or set as right/wrong or hint feedback (a tool setting
    FEEDBACK to CORRECT in each accepted answer's branch), stays what it was."""
    shown = {
        (modal.get("outcomeIdentifier", ""), modal.get("identifier", ""))
        for modal in item.iter("modalFeedback")
    }
    processing = item.find("responseProcessing")
    found: dict[str, list[str]] = {}
    for condition in processing.iter("responseCondition") if processing is not None else ():
        compares = False
        for branch in condition:
            literal = _branch_literal(branch, response, compares)
            compares = compares or literal is not None
            for rule in branch.findall("setOutcomeValue"):
                value = rule.find("baseValue")
                identifier = (value.text or "").strip() if value is not None else ""
                if literal and (rule.get("identifier", ""), identifier) in shown:
                    found.setdefault(identifier, []).append(literal)
    outcomes = _switched_on_by_correctness(item)
    answers = {}
    for identifier, literals in found.items():
        if len(literals) > 1 or identifier in outcomes or _CONDITIONAL_FEEDBACK.search(identifier):
            continue
        if _HINT.search(identifier):
            continue
        answer = _accepted_answer(data, literals[0])
        if answer is None and data["type"] == QuestionType.SHORT_EXACT.value:
            answer = {"text": literals[0], "fraction": 0.0}
            data["choices"].append(answer)
        if answer is not None:
            answers[identifier] = answer
    return answers


def _branch_literal(branch: Element, response: str, after_comparisons: bool) -> str | None:
    """The answer a branch of a response condition stands for: the value its test compares the
    response with, or '*' (any other answer) for the else of a condition whose branches compare it."""
    if branch.tag in ("responseIf", "responseElseIf") and len(branch):
        return _compared_literal(branch[0], response)
    return "*" if branch.tag == "responseElse" and after_comparisons else None


def _compared_literal(condition: Element, response: str) -> str | None:
    """The value a condition compares the response with (stringMatch, match, equal), else None."""
    operands = list(condition)
    if condition.tag not in ("stringMatch", "match", "equal") or len(operands) != 2:
        return None
    if not any(o.tag == "variable" and o.get("identifier") == response for o in operands):
        return None
    literal = next((operand for operand in operands if operand.tag == "baseValue"), None)
    return (literal.text or "").strip() if literal is not None else None


def _accepted_answer(data: dict[str, Any], literal: str) -> dict[str, Any] | None:
    """The accepted short answer with this text (its case counting when the question's does) or the
    accepted number with this value."""
    if data["type"] == QuestionType.NUMERICAL.value:
        try:
            value = float(literal)
        except ValueError:
            return None
        return next((n for n in data["numerical"] if math.isclose(n["value"], value, rel_tol=1e-9)), None)
    if data.get("case_sensitive"):
        return next((choice for choice in data["choices"] if choice["text"] == literal), None)
    return next(
        (choice for choice in data["choices"] if choice["text"].casefold() == literal.casefold()), None
    )


def _compared_texts(item: Element, response: str) -> list[tuple[str, bool]]:
    """The texts a response is compared with in branches that give points, each with whether case counts:
    Respondus's fill in the blank converted to QTI 2 has neither correctResponse nor mapping but
    `<stringMatch caseSensitive="false"><variable identifier="R"/><baseValue>two</baseValue></stringMatch>`
    adding 100 to QUE_SCORE, one branch per accepted answer."""
    processing = item.find("responseProcessing")
    compared = []
    for branch in processing.iter() if processing is not None else ():
        if branch.tag not in ("responseIf", "responseElseIf") or not len(branch):
            continue
        condition, operands = branch[0], list(branch[0])
        if condition.tag not in ("stringMatch", "match") or len(operands) != 2:
            continue
        literal = next((operand for operand in operands if operand.tag == "baseValue"), None)
        compares = any(o.tag == "variable" and o.get("identifier") == response for o in operands)
        if compares and literal is not None and (literal.text or "").strip() and _adds_points(branch):
            case = condition.get("caseSensitive", "true").strip().lower() != "false"
            compared.append(((literal.text or "").strip(), case))
    return compared


def _adds_points(branch: Element) -> bool:
    """Whether a branch sets a score outcome (SCORE, Respondus's QUE_SCORE) to, or adds to it, a positive
    constant."""
    return any(
        rule.get("identifier", "").upper().endswith("SCORE")
        and any(_number(value.text, "score") > 0 for value in rule.iter("baseValue"))
        for rule in branch
        if rule.tag == "setOutcomeValue"
    )


def _case_sensitive(entries: Sequence[Element], accepted: Sequence[str]) -> bool:
    """Whether a text entry tells case apart: every map entry says caseSensitive="true", or, none saying
    "false", two accepted answers differ only in case (the 1EdTech example's 'York' 1 and 'york' 0.5).
    tenta has one setting per question; without a word on it any case is accepted."""
    said = [entry.get("caseSensitive", "").strip().lower() for entry in entries]
    if "false" in said:
        return False
    every_entry_says_so = bool(said) and all(value == "true" for value in said)
    folded = [text.casefold() for text in accepted]
    return every_entry_says_so or len(set(folded)) < len(folded)


def _essay_reference(
    item: Element, body: Element, declaration: Element | None, *, markdown: bool = False
) -> tuple[str, bool]:
    """The model answer of an extended-text item, and whether it was taken from the modal feedback."""
    reference = _marking_text(_scorer_rubrics(body, markdown=markdown))
    if reference:
        return reference, False
    values = [html_to_text(value) if HTML_TAG.search(value) else value for value in _values(declaration)]
    if any(values):
        return "\n\n".join(value for value in values if value), False
    solutions = [
        text
        for modal in item.findall("modalFeedback")
        if modal.get("outcomeIdentifier", "").upper() == "SOLUTIONMODAL"
        and (text := _readable(modal, markdown=markdown))
    ]  # OpenOLAT writes an essay's "correct solution" so
    if solutions:
        return "\n\n".join(solutions), True
    return _modal_feedback(item, set(), markdown=markdown).general, True


def _typed_answers_only(item: Element, body: Element, declaration: Element | None) -> bool:
    """An extended-text box that is a short answer: no model answer (scorer rubric, correct response)
    but texts response processing gives points for (Respondus writes its fill in the blank so)."""
    response = declaration.get("identifier", "") if declaration is not None else ""
    has_model_answer = bool(_scorer_rubrics(body) or _values(declaration) or _mapping(declaration))
    return not has_model_answer and bool(_compared_texts(item, response))


def _canvas_unsupported_type(item: Element) -> str | None:
    """Canvas's QTI 2 items name their question type (`<instructureField name="question_type">`): a formula
    question is written as a bare text box whose answers live in Canvas's own extension, so it is named
    as what it is rather than read as an essay without a model answer."""
    for field_element in item.iter("instructureField"):
        if field_element.get("name") == "question_type":
            kind = field_element.get("value", "").strip().lower()
            if kind in _UNSUPPORTED_TYPES:
                return f"{_UNSUPPORTED_TYPES[kind]} questions (type {kind!r}) are not supported by tenta"
    return None


def _unsupported_interactions(interactions: Sequence[Element]) -> str | None:
    tags = [interaction.tag for interaction in interactions]
    if len(tags) > 1:
        return f"items with several interactions ({', '.join(tags)}) are not supported by tenta"
    if tags[0] not in ("choiceInteraction", "textEntryInteraction", "extendedTextInteraction"):
        label = _UNSUPPORTED_INTERACTIONS.get(tags[0], tags[0])
        return f"{label} items ({tags[0]}) are not supported by tenta"
    return None


def _qti2_question(document: _Document, item: Element, topics: list[str]) -> MoodleQuestion | None:
    body = item.find("itemBody")
    if body is None:
        raise _QtiError("the item has no <itemBody>")
    interactions = _interactions(body)
    if not interactions:
        return None  # an information page between questions
    unsupported = _canvas_unsupported_type(item) or _unsupported_interactions(interactions)
    if unsupported:
        raise _QtiUnsupported(f"{unsupported}; remove or convert this item")
    interaction = interactions[0]
    declarations = {decl.get("identifier"): decl for decl in item.findall("responseDeclaration")}
    declaration = declarations.get(interaction.get("responseIdentifier"))
    reference = ""
    markdown = _written_in_markdown(item)
    if interaction.tag == "choiceInteraction":
        data, modal = _choice_item(item, interaction, declaration, markdown=markdown)
    elif interaction.tag == "textEntryInteraction" or _typed_answers_only(item, body, declaration):
        response = interaction.get("responseIdentifier", "")
        data = _text_entry_item(item, declaration, _scoring(item, response))
        answers = _answers_with_feedback(item, response, data)
        modal = _modal_feedback(item, set(answers), markdown=markdown)
        for identifier, answer in answers.items():
            answer["feedback"] = modal.by_choice.get(identifier, "")
    else:
        data = {"type": QuestionType.FREE_TEXT.value}
        reference, from_feedback = _essay_reference(item, body, declaration, markdown=markdown)
        modal = _ModalFeedback() if from_feedback else _modal_feedback(item, set(), markdown=markdown)
        if not reference:
            raise _QtiUnsupported(_MISSING_REFERENCE)
    return _question(
        document,
        item,
        identifier=item.get("identifier", ""),
        prompt="\n\n".join([*document.stimuli, _TRAILING_BLANK.sub("", _readable(body, markdown=markdown))]),
        markdown=markdown,
        data={**data, **modal.outcome},
        topics=topics,
        general_feedback=modal.general,
        reference=reference,
        points=_weighted(_item_points(item, body, interaction, declaration), document.weight),
    )


_ASSOCIATING = frozenset({"matchInteraction", "gapMatchInteraction"})


def _match_interaction(item: Element) -> Element | None:
    """The item's one match or gap match interaction (QTI 2/3), or associate interaction whose right
    pairs match one set of its choices to another one to one, when that is all it asks."""
    body = item.find("itemBody") if item.tag == "assessmentItem" else None
    interactions = _interactions(body) if body is not None else []
    if len(interactions) != 1:
        return None
    interaction = interactions[0]
    if interaction.tag in _ASSOCIATING:
        return interaction
    if interaction.tag == "associateInteraction" and _associate_sides(item, interaction) is not None:
        return interaction
    return None


def _declaration_of(item: Element, interaction: Element) -> Element | None:
    return next(
        (
            declared
            for declared in item.findall("responseDeclaration")
            if declared.get("identifier") == interaction.get("responseIdentifier")
        ),
        None,
    )


def _associate_sides(item: Element, interaction: Element) -> tuple[dict[str, str], dict[str, str]] | None:
    """An associate interaction's choices split into items to match (the first end of each right pair,
    in the file's order) and answers (the other ends, then the choices no pair names, as distractors);
    None unless the right pairs are one to one (no choice in two of them) and every pair that scores
    joins an item to an answer. QTI pairs are unordered: the first end written is the item."""
    choices = {
        choice.get("identifier", ""): _readable(choice)
        for choice in interaction.iter("simpleAssociableChoice")
    }
    pairs = _scored_pairs(item, _declaration_of(item, interaction))
    right = [(first, second) for first, second, worth in pairs if worth > 0]
    ends = [end for pair in right for end in pair]
    if not right or len(set(ends)) != len(ends) or not set(ends) <= choices.keys():
        return None
    rows = {first for first, _ in right}
    if any((first in rows) == (second in rows) for first, second, _ in pairs):
        return None  # a scored pair of two items or of two answers
    items = {identifier: text for identifier, text in choices.items() if identifier in rows}
    answers = {identifier: text for identifier, text in choices.items() if identifier not in rows}
    return items, answers


def _scored_pairs(item: Element, declaration: Element | None) -> list[tuple[str, str, float]]:
    """The pairs that score, as (one end, other end, worth): the mapping's values unless match_correct
    scores the item (a wrong pair the mapping makes cost comes with its negative value), else each pair
    of the correct response worth 1."""
    response = declaration.get("identifier", "") if declaration is not None else ""
    mapped = _mapping(declaration) if _scoring(item, response) != "match_correct" else []
    listed = mapped or [(value, 1.0) for value in _values(declaration)]
    pairs = []
    for key, worth in listed:
        ends = key.split()
        if len(ends) != 2:
            raise _QtiError(f"matching pair {key!r} does not name two choices")
        pairs.append((ends[0], ends[1], worth))
    return pairs


def _row_pairs(
    item: Element, declaration: Element | None, rows: dict[str, str], answers: dict[str, str]
) -> list[matching.Pair]:
    """Every answer (distractors too), then each scoring pair as a row (an item to match, a gap) with its
    answer, rows in the file's order; either end may come first in the file's pairs. With a negative
    mapping default (1EdTech's gap_match: -1) every other answer of a scored row costs that much."""
    found: dict[str, dict[str, float]] = {row: {} for row in rows}
    for first, second, worth in _scored_pairs(item, declaration):
        row, answer = (second, first) if first in answers and second in rows else (first, second)
        if row not in rows or answer not in answers:
            raise _QtiError(f"matching pair '{first} {second}' names a choice the interaction does not have")
        found[row][answer] = worth
    default = _mapping_default(declaration) if _mapping(declaration) else 0.0
    pairs = [matching.Pair("", text) for text in answers.values()]
    for row, scored in found.items():
        costs = (
            {answer: default for answer in answers if answer not in scored} if scored and default < 0 else {}
        )
        pairs += [
            matching.Pair(rows[row], answers[answer], weight=worth, row=row)
            for answer, worth in {**scored, **costs}.items()
        ]
    return pairs


def _association_parts(item: Element, interaction: Element) -> tuple[dict[str, str], dict[str, str]]:
    """The rows to ask and the answers to choose among: a match interaction's first and second sets, a
    gap match interaction's gaps (by id) and its gap texts (images by their label), an associate
    interaction's choices split by its right pairs."""
    if interaction.tag == "associateInteraction":
        sides = _associate_sides(item, interaction)
        if sides is None:
            raise _QtiError("the associate interaction's right pairs are not one to one")
        return sides
    if interaction.tag == "gapMatchInteraction":
        gaps = {gap.get("identifier", ""): gap.get("identifier", "") for gap in interaction.iter("gap")}
        texts = {
            choice.get("identifier", ""): _readable(choice)
            for choice in interaction
            if choice.tag in ("gapText", "gapImg")
        }
        return gaps, texts
    sets = interaction.findall("simpleMatchSet")
    if len(sets) != 2:
        raise _QtiError(f"a match interaction needs two simpleMatchSets, not {len(sets)}")
    sources, targets = (
        {
            choice.get("identifier", ""): _readable(choice)
            for choice in match_set.findall("simpleAssociableChoice")
        }
        for match_set in sets
    )
    return sources, targets


def _gap_shown(body: Element, interaction: Element, asked: str) -> str:
    """The item's text with the asked gap as _____ and the other gaps as […], the gap texts (the
    answers to choose among) left out."""
    copy = deepcopy(body)
    position = list(body.iter()).index(interaction)
    shown = list(copy.iter())[position]
    for choice in [child for child in shown if child.tag in ("gapText", "gapImg")]:
        shown.remove(choice)
    for prompt in shown.findall("prompt"):
        prompt.tag = "p"
    shown.tag = "div"
    for gap in shown.iter("gap"):
        identifier = gap.get("identifier", "")
        gap.tag, gap.text = "span", _BLANK if identifier == asked else "[…]"
        gap.attrib.clear()
    return _readable(copy)


def _qti2_matching_questions(
    document: _Document, item: Element, interaction: Element, topics: list[str]
) -> list[MoodleQuestion]:
    """A QTI 2/3 match interaction (one question per choice of its first set, asked as '<choice> → _____'
    among the second set's) or gap match interaction (one question per gap, the text shown with that gap
    as _____, among the gap texts), in the file's order (formats/matching.py). Each is worth the mapped
    values of its right pairs (equal shares under match_correct); a row with no right pair (a match
    table's row left empty) is not asked."""
    rows, answers = _association_parts(item, interaction)
    declaration = _declaration_of(item, interaction)
    pairs = _row_pairs(item, declaration, rows, answers)
    points = _declared_points(item) or _mapping_maximum(declaration, True) or 1.0
    try:
        asked = matching.asked_items(pairs, _weighted(points, document.weight) or points)
    except matching.MatchingError as error:
        raise _QtiError(str(error)) from None
    body = item.find("itemBody")
    if body is None:
        raise _QtiError("the item has no <itemBody>")
    asked_rows = list(dict.fromkeys(pair.row for pair in pairs if pair.row and pair.item and pair.weight > 0))
    gaps = interaction.tag == "gapMatchInteraction"
    modal = _modal_feedback(item, set())
    identifier, title = item.get("identifier", ""), (item.get("title") or "").strip()
    questions = []
    for index, (row, part) in enumerate(zip(asked_rows, asked, strict=True), start=1):
        several = len(asked) > 1
        text = _gap_shown(body, interaction, row) if gaps else _readable(body) + part.asking
        question = _question(
            document,
            item,
            identifier=f"{identifier}-{index}" if several else identifier,
            prompt="\n\n".join([*document.stimuli, text]),
            data={**part.data, **modal.outcome},
            topics=topics,
            general_feedback=modal.general,
            reference="",
            points=part.points,
        )
        questions.append(
            replace(question, title=f"{title} ({index})" if title and several else question.title)
        )
    return questions


def _inline_blanks(item: Element) -> list[Element] | None:
    """The blanks of a cloze item (QTI 2/3): its inline interactions (text entries, inline choices) when
    it asks nothing else and has several of them or a drop-down; None for any other item, a lone text
    entry being an ordinary short answer."""
    body = item.find("itemBody") if item.tag == "assessmentItem" else None
    interactions = _interactions(body) if body is not None else []
    if not interactions or any(interaction.tag not in _INLINE_INTERACTIONS for interaction in interactions):
        return None
    if len(interactions) == 1 and interactions[0].tag == "textEntryInteraction":
        return None
    return interactions


def _compares_blanks(item: Element, blanks: Sequence[Element]) -> bool:
    """Whether the response processing compares one blank's answer with another's (a test whose operands
    are two of the blanks): the blanks are then not graded each on its own."""
    responses = {blank.get("responseIdentifier", "") for blank in blanks}
    processing = item.find("responseProcessing")
    if processing is None:
        return False
    for test in processing.iter():
        named = [
            operand.get("identifier", "")
            for operand in test
            if operand.tag == "variable" and operand.get("identifier", "") in responses
        ]
        if len(set(named)) > 1:
            return True
    return False


def _cloze_text(body: Element, blanks: Sequence[Element], asked: Element) -> str:
    """The item's text with the asked blank as _____ and the other blanks as […]."""
    copy = deepcopy(body)
    for original, shown in zip(list(body.iter()), list(copy.iter()), strict=True):
        if any(original is blank for blank in blanks):
            shown.tag, shown.text = "span", _BLANK if original is asked else "[…]"
            shown.attrib.clear()
            for child in list(shown):
                shown.remove(child)
    return _readable(copy)


def _added_score(item: Element, response: str) -> float | None:
    """What inline response processing adds to SCORE when `response` is right (`<match><variable R/>
    <correct R/></match>` then SCORE = SCORE + 1, as TAO writes a cloze item)."""
    processing = item.find("responseProcessing")
    if processing is None:
        return None
    added = [
        _number(value.text, "score")
        for branch in _branches_setting_score(processing)
        if len(branch) and _is_match_correct(branch[0], response)
        for rule in branch
        if rule.tag == "setOutcomeValue" and rule.get("identifier", "").upper() == "SCORE"
        for value in rule.iter("baseValue")
    ]
    return max(added, default=0.0) or None


def _blank_points(item: Element, blank: Element, declaration: Element | None) -> float | None:
    response = blank.get("responseIdentifier", "")
    if _scoring(item, response) == "map_response":
        mapped = _mapping_maximum(declaration, False)
        if mapped is not None:
            return mapped
    return _added_score(item, response)


def _qti2_blank_questions(
    document: _Document, item: Element, blanks: Sequence[Element], topics: list[str]
) -> list[MoodleQuestion]:
    """A cloze item (QTI 2/3 text entries and inline choices in one text): one question per blank, the
    text shown with that blank as _____ and the others as […], a text entry read as a short or numerical
    answer and an inline choice as multiple choice. Each blank is worth what its own scoring gives (its
    mapping's most, or what its rule adds to SCORE), scaled to the points the item declares; an equal
    share of them (of 1 when it declares none) when a blank says nothing. A test's weight multiplies them."""
    body = item.find("itemBody")
    if body is None:
        raise _QtiError("the item has no <itemBody>")
    if _compares_blanks(item, blanks):
        raise _QtiUnsupported(
            "blanks whose answers are compared with each other (each of several accepted answers used "
            "once, OpenOLAT's 'no duplicates') are not supported by tenta; remove or convert this item"
        )
    declarations = [_declaration_of(item, blank) for blank in blanks]
    own = [_blank_points(item, blank, declared) for blank, declared in zip(blanks, declarations, strict=True)]
    declared = _declared_points(item)
    if all(own):
        shares = [worth or 0.0 for worth in own]
        total = declared or sum(shares)
    else:
        shares = [1.0] * len(blanks)
        total = declared or 1.0
    points = [_weighted(tidy_number(total * share / sum(shares)), document.weight) for share in shares]
    modal = _modal_feedback(item, set())
    identifier, title = item.get("identifier", ""), (item.get("title") or "").strip()
    questions = []
    for index, (blank, declaration, worth) in enumerate(
        zip(blanks, declarations, points, strict=True), start=1
    ):
        if blank.tag == "inlineChoiceInteraction":
            data, _ = _choice_item(item, blank, declaration)
        else:
            data = _text_entry_item(item, declaration, _scoring(item, blank.get("responseIdentifier", "")))
        question = _question(
            document,
            item,
            identifier=f"{identifier}-{index}" if len(blanks) > 1 else identifier,
            prompt="\n\n".join([*document.stimuli, _cloze_text(body, blanks, blank)]),
            data={**data, **modal.outcome},
            topics=topics,
            general_feedback=modal.general,
            reference="",
            points=worth,
        )
        questions.append(
            replace(question, title=f"{title} ({index})" if title and len(blanks) > 1 else question.title)
        )
    return questions


def _weighted(points: float | None, weight: float | None) -> float | None:
    """An item's points in the test: its own points (1 when it states none) times the test's weight."""
    if weight is None:
        return points
    return tidy_number((1.0 if points is None else points) * weight)


def _question(
    document: _Document,
    item: Element,
    *,
    identifier: str,
    prompt: str,
    data: dict[str, Any],
    topics: list[str],
    general_feedback: str,
    reference: str,
    points: float | None,
    markdown: bool = False,
) -> MoodleQuestion:
    """The question record moodle_bank turns into a draft (ids from the item identifier); `markdown`: its
    texts were read as Markdown (see _written_in_markdown)."""
    if not prompt:
        raise _QtiError("the question text is empty")
    return MoodleQuestion(
        line=document.line(item) or 0,
        title=(item.get("title") or "").strip() or identifier,
        moodle_id=identifier.strip(),
        prompt=prompt,
        data=data,
        general_feedback=general_feedback,
        reference=reference,
        topics=list(dict.fromkeys(topic for topic in topics if topic.strip())),
        max_points=points,
        markdown=markdown,
    )


# ---- QTI 1.2 items ---------------------------------------------------------------------------------------

_CANVAS_TYPES = {
    "multiple_choice_question": "choice",
    "true_false_question": "true_false",
    "multiple_answers_question": "multiple",
    "short_answer_question": "short",
    "numerical_question": "numerical",
    "essay_question": "essay",
    "text_only_question": "text",
    # Blackboard's bbmd_questiontype
    "multiple choice": "choice",
    "either/or": "choice",
    "true/false": "true_false",
    "multiple answer": "multiple",
    "fill in the blank": "short",
    "numeric": "numerical",
    "essay": "essay",
    "short response": "essay",
    # Brightspace's qmd_questiontype (its other names are Blackboard's too)
    "multi-select": "multiple",
    "long answer": "essay",
    "short answer": "short",
    "text information": "text",
    "image": "text",
    # IMS Common Cartridge profiles
    "cc.multiple_choice.v0p1": "choice",
    "cc.true_false.v0p1": "true_false",
    "cc.multiple_response.v0p1": "multiple",
    "cc.fib.v0p1": "short",
    "cc.essay.v0p1": "essay",
}
_UNSUPPORTED_TYPES = {
    "calculated_question": "formula (calculated)",
    "file_upload_question": "file upload",
    "categorization_question": "categorization",
    "ordering_question": "ordering",
    "hot_spot_question": "hot spot",
    "formula_question": "formula",
    "matching": "matching",
    "ordering": "ordering",
    "hot spot": "hot spot",
    "jumbled sentence": "jumbled sentence",
    "quiz bowl": "quiz bowl",
    "fill in the blank plus": "fill in multiple blanks",
    "calculated": "calculated",
    "file upload": "file upload",
    "opinion scale": "opinion scale (Likert)",
    "multi-short answer": "multi-short answer",
    "fill in the blanks": "fill in the blanks",
    "arithmetic": "arithmetic (calculated)",
    "significant figures": "significant figures (calculated)",
    "likert": "Likert (survey)",
}
_INFORMATION_LEFT_OUT = (
    "an item with nothing to answer (text shown between questions) is not a question; left out"
)
_UNSUPPORTED_RENDERINGS = {"render_hotspot": "hot spot (click on a picture)", "render_slider": "slider"}
"""Choices answered by pointing at a picture or moving a slider: the choice has no text to show."""
_MODEL_ANSWERS = frozenset({"solution", "answer_key"})
_RESPONSES = frozenset({"response_lid", "response_str", "response_num", "response_xy", "response_grp"})
_TEXT_HOLDERS = frozenset({"mattext", "mat_formattedtext", "matemtext"})


def _metadata(item: Element) -> dict[str, str]:
    """Canvas's qtimetadata fields (Brightspace spells them qti_metadatafield) and Blackboard's bbmd_/qmd_
    elements, by lower-case name."""
    fields: dict[str, str] = {}
    metadata = item.find("itemmetadata")
    if metadata is None:
        return fields
    for entry in (e for e in metadata.iter() if e.tag in ("qtimetadatafield", "qti_metadatafield")):
        label = (entry.findtext("fieldlabel") or "").strip().lower()
        if label:
            fields[label] = (entry.findtext("fieldentry") or "").strip()
    for child in metadata:
        if child.tag.startswith(("bbmd_", "qmd_")):
            fields[child.tag.lower()] = (child.text or "").strip()
    return fields


def _holds_html(text_holder: Element) -> bool:
    """Whether a <mattext> (or the like) holds HTML: by its declared type, else by its content."""
    kind = (text_holder.get("texttype") or text_holder.get("type") or "").lower()
    return (
        "html" in kind
        or kind == "smart_text"
        or (kind in ("", "text/richtext") and bool(HTML_TAG.search(text_holder.text or "")))
    )


_SYMBOL_FONT = str.maketrans(
    "abgdezhqiklmnxoprstufcywjvABGDEZHQIKLMNXOPRSTUFCYWJ",
    "αβγδεζηθικλμνξοπρστυφχψωϕϖΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩϑ",
)
"""Latin letters of the Symbol font as the Greek letters they show: QTI 1.2 marks such text
charset="greek" (the IMS examples write π as <mattext charset="greek">p</mattext>)."""


def _holder_markup(node: Element) -> str:
    """One text holder as HTML: its HTML as is (also when written as XML elements rather than escaped,
    as in Instructure's examples), plain text escaped with its line breaks kept."""
    if len(node) and _holds_html(node):
        return _inner_markup(node)
    text = node.text or ""
    if (node.get("charset") or "").lower() == "greek":
        text = text.translate(_SYMBOL_FONT)
    return _html_string(text) if _holds_html(node) else escape(text).replace("\n", "<br>")


def _media_markup(node: Element) -> str:
    if node.tag == "matimage":
        return _image(node.get("label", ""), node.get("uri", ""))
    if node.tag in ("mataudio", "matvideo") and node.get("uri", "").strip():
        return _played("sound" if node.tag == "mataudio" else "video", node.get("uri", ""))
    return ""


def _material_markup(element: Element, skip: frozenset[str] = frozenset()) -> str:
    """The HTML of every text in a QTI 1.2 material tree (plain texts escaped), skipping `skip` subtrees.
    The pieces of one <material> run on as one paragraph (QTI 1.2 splits a sentence over several
    <mattext>s, `<matbreak/>` breaking the line), each material its own paragraph."""
    parts: list[str] = []

    def visit(node: Element) -> None:
        if node.tag in skip:
            return
        pieces = [n for n in node.iter() if n.tag in _TEXT_HOLDERS or n.tag == "matbreak"]
        if node.tag == "material" and len(pieces) > 1:
            run = [
                "<br>"
                if n.tag == "matbreak"
                else _holder_markup(n)
                if n.tag in _TEXT_HOLDERS
                else _media_markup(n)
                for n in node.iter()
            ]
            parts.append(f"<div>{''.join(run)}</div>")
            return
        if node.tag in _TEXT_HOLDERS:
            markup = _holder_markup(node)
            parts.append(f"<div>{markup}</div>" if _holds_html(node) else f"<p>{markup}</p>")
        else:
            parts.append(_media_markup(node))
        for child in node:
            visit(child)

    visit(element)
    return "".join(parts)


def _material_text(element: Element | None, skip: frozenset[str] = frozenset()) -> str:
    return html_to_text(_material_markup(element, skip)) if element is not None else ""


@dataclass
class _Scored:
    """One scoring condition: the response values it requires and the share of the points it gives."""

    condition: Element
    fraction: float
    links: list[str] = field(default_factory=list)
    """The itemfeedback idents its <displayfeedback> elements show."""


_ITEM_WIDE_FEEDBACK = frozenset({"general_fb", "correct_fb", "general_incorrect_fb", "correct", "incorrect"})
_RESPONDUS_FEEDBACK = re.compile(r"^QUE_\d+_(ALL|C|IC)$")
"""Respondus names an item's feedback QUE_<n>_ALL (general), QUE_<n>_C (right answer) and QUE_<n>_IC (wrong
answer), and shows them from every answer's condition along with the answer's own (QUE_<n>_AC / _AIC)."""
_RESPONDUS_ROLES = {"ALL": "general", "C": "correct", "IC": "incorrect"}


def _respondus_role(ident: str) -> str:
    """'general', 'correct' or 'incorrect' for Respondus's item-wide feedback, else ''."""
    named = _RESPONDUS_FEEDBACK.match(ident)
    return _RESPONDUS_ROLES[named.group(1)] if named else ""


def _links(condition: Element) -> list[str]:
    return [shown.get("linkrefid", "") for shown in condition.findall("displayfeedback")]


def _linked_feedback(links: Sequence[str], feedback: dict[str, str]) -> str:
    """The texts of the answer-specific feedback a condition shows (item-wide feedback left out)."""
    texts = [
        feedback[link]
        for link in links
        if link not in _ITEM_WIDE_FEEDBACK and not _respondus_role(link) and feedback.get(link)
    ]
    return "\n\n".join(dict.fromkeys(texts))


def _feedback_by_value(item: Element, feedback: dict[str, str]) -> dict[str, str]:
    """Answer feedback keyed by the response value its condition tests: Canvas shows a short or choice
    answer's feedback from a condition of its own (`<varequal>blank</varequal>` -> '4346_fb'), Brightspace
    from the condition scoring the choice; a condition that tests alternatives (`<or>`) gives each of them
    the feedback, one that needs several values at once (a set of ticks) none of them."""
    by_value: dict[str, str] = {}
    for condition in item.iter("respcondition"):
        variables = condition.find("conditionvar")
        values = _required(variables, "varequal") if variables is not None else []
        text = _linked_feedback(_links(condition), feedback)
        alternatives = variables is not None and [child.tag for child in variables] == ["or"]
        if text and (len(values) == 1 or alternatives):
            for value in values:
                by_value.setdefault(value, text)
    return by_value


def _scored_conditions(item: Element) -> list[_Scored]:
    """The conditions that set the score, each with its share of the item's maximum. The score is the
    variable the item declares first (SCORE in Canvas and Blackboard; the IMS examples name their own,
    FIBSCORE, REALSCORE); the maximum its declared maxvalue, else the most any condition gives (the best
    answer earns full points; Brightspace declares nothing and sets 100). Canvas New Quizzes declare 100
    but, varying points by answer, set points: when the best score is the item's points_possible, that
    is the maximum."""
    processing = item.find("resprocessing")
    if processing is None:
        return []
    declared = processing.find("outcomes/decvar")
    score = (declared.get("varname") if declared is not None else None) or "SCORE"
    setting: list[tuple[Element, Element, str]] = []
    for condition in processing.iter("respcondition"):
        variables = condition.find("conditionvar")
        for setvar in condition.findall("setvar"):
            name = setvar.get("varname") or setvar.get("variablename") or score
            if name.upper() == score.upper() and variables is not None:
                setting.append((condition, variables, (setvar.text or "").strip()))
    numbers = [_number(raw, "score") for _, _, raw in setting if raw.upper() != "SCORE.MAX"]
    best = max((number for number in numbers if number > 0), default=None)
    if declared is not None and declared.get("maxvalue"):
        maximum = _number(declared.get("maxvalue"), "maxvalue")
        points = _qti1_points(_metadata(item))
        if best is not None and best < maximum and points is not None and math.isclose(best, points):
            maximum = points  # Canvas New Quizzes "vary points by answer": the scores are points
    else:
        maximum = best if best is not None else 100.0
    scored = []
    for condition, variables, raw in setting:
        value = maximum if raw.upper() == "SCORE.MAX" else _number(raw, "score")
        fraction = _share(value, maximum) if maximum > 0 else 0.0
        scored.append(_Scored(variables, fraction, _links(condition)))
    if not any(entry.fraction > 0 for entry in scored):
        scored += _marked_correct(processing)
    return scored


def _marked_correct(processing: Element) -> list[_Scored]:
    """Conditions that set no score but show the item's 'correct' feedback: Blackboard writes a Numeric
    question's accepted range so (`<vargte>`/`<varlte>` and `<displayfeedback linkrefid="correct"/>`),
    the score implied. Read as full credit when nothing else gives any."""
    return [
        _Scored(variables, 1.0, _links(condition))
        for condition in processing.iter("respcondition")
        if (variables := condition.find("conditionvar")) is not None
        and condition.find("setvar") is None
        and any(link.lower() == "correct" for link in _links(condition))
    ]


def _required(condition: Element, tag: str) -> list[str]:
    """Texts of `tag` elements a condition requires (those under <not> excluded)."""
    found: list[str] = []

    def visit(node: Element) -> None:
        for child in node:
            if child.tag == "not":
                continue
            if child.tag == tag:
                found.append((child.text or "").strip())
            visit(child)

    visit(condition)
    return found


def _labels(item: Element) -> list[tuple[str, Element]]:
    return [(label.get("ident", ""), label) for label in item.iter("response_label")]


def _excluded(condition: Element) -> set[str]:
    """The values a condition requires to be absent (`<not><varequal>B</varequal></not>`)."""
    return {
        (found.text or "").strip() for negated in condition.iter("not") for found in negated.iter("varequal")
    }


_NUMBERED_IDENT = re.compile(r"^(.*?)(\d+)$")


def _counted_from_one(item: Element, idents: Sequence[str]) -> Element:
    """The item with its scoring's answer numbers counted from one, as its answers are, where the scoring
    counts from zero: Blackboard Learn 9 labels the answers answer_1 … answer_4 but may score them as
    answer_0 … answer_3 (Canvas's bb9 multiple_answers fixture). Only when a value names no answer and
    every value, moved up by one, names one; otherwise the item as it is."""
    numbered = [_NUMBERED_IDENT.match(ident) for ident in idents]
    prefixes = {match.group(1) for match in numbered if match}
    if len(prefixes) != 1 or None in numbered:
        return item
    (prefix,) = prefixes
    tested = [node for node in item.iter("varequal") if (node.text or "").strip()]
    values = {(node.text or "").strip() for node in tested}
    if values <= set(idents):
        return item
    moved: dict[str, str] = {}
    for value in values:
        match = _NUMBERED_IDENT.match(value)
        if not match or match.group(1) != prefix or f"{prefix}{int(match.group(2)) + 1}" not in idents:
            return item
        moved[value] = f"{prefix}{int(match.group(2)) + 1}"
    copy = deepcopy(item)
    for node in copy.iter("varequal"):
        value = (node.text or "").strip()
        if value in moved:
            node.text = moved[value]
    return copy


def _qti1_choices(
    item: Element, multiple: bool, feedback: dict[str, str], *, partial_credit: bool
) -> tuple[list[dict[str, Any]], bool]:
    """Choice fractions from the scoring conditions, and whether the item is all or nothing. A
    multiple-answer item whose only scoring condition requires exactly the correct set (every other
    answer under <not>) is all-or-nothing, as Blackboard grades it without partial credit: its correct
    choices get equal shares, the others 0. Canvas grades that same shape with partial credit
    (`partial_credit`): a wrong answer cancels one share."""
    labels = _labels(item)
    if len(labels) < 2:
        raise _QtiError("a choice question needs at least two answers")
    idents = [ident for ident, _ in labels]
    item = _counted_from_one(item, idents)
    conditions = _scored_conditions(item)
    scored = [(set(_required(s.condition, "varequal")) & set(idents), s.fraction) for s in conditions]
    scored = [(named, fraction) for named, fraction in scored if named and fraction != 0]
    fractions: dict[str, float] = {}
    all_or_nothing = False
    positive = [(named, fraction) for named, fraction in scored if fraction > 0]
    if multiple and len(positive) == 1:
        correct = positive[0][0]
        exact = next(
            _excluded(s.condition) >= set(idents) - correct
            for s in conditions
            if set(_required(s.condition, "varequal")) & set(idents) == correct and s.fraction > 0
        )
        all_or_nothing = exact and not partial_credit
        share, wrong = response_shares(len(correct), penalise_wrong=not all_or_nothing)
        fractions = {ident: share if ident in correct else wrong for ident in idents}
    elif multiple:
        total = sum(fraction for named, fraction in positive for _ in named)
        for named, fraction in scored:
            for ident in named:
                fractions[ident] = fractions.get(ident, 0.0) + _share(fraction, total or 1.0)
    else:
        for named, fraction in scored:
            for ident in named:
                before = fractions.get(ident)
                fractions[ident] = fraction if before is None else max(before, fraction)
    if not any(fraction > 0 for fraction in fractions.values()):
        correct = _respondus_set_as_correct(item, idents)
        unknown = [
            value
            for scored in conditions
            if scored.fraction > 0
            for value in _required(scored.condition, "varequal")
            if value not in idents
        ]
        if not correct and unknown:
            raise _QtiError(
                "no correct answer: the scoring gives points to answers the item does not have ("
                + ", ".join(repr(value) for value in dict.fromkeys(unknown))
                + "); its answers are "
                + ", ".join(repr(ident) for ident in idents)
            )
        if not correct:
            raise _QtiError("no correct answer: no scoring condition gives points to a choice")
        share, _ = response_shares(len(correct), penalise_wrong=False)
        fractions = {ident: share if ident in correct else 0.0 for ident in idents}
    by_value = _feedback_by_value(item, feedback)
    choices = []
    for ident, label in labels:
        text = _material_text(label)
        if not _keep_choice(text, fractions.get(ident, 0.0), f"answer {ident!r}"):
            continue
        choice_feedback = (
            feedback.get(ident)
            or feedback.get(f"{ident}_fb")
            or by_value.get(ident)
            or feedback.get(_brightspace_feedback_ident(ident), "")
        )
        choices.append(
            {"text": text, "fraction": round(fractions.get(ident, 0.0), 7), "feedback": choice_feedback}
        )
    if len(choices) < 2:
        raise _QtiError("a choice question needs at least two answers with text")
    return choices, all_or_nothing


def _respondus_set_as_correct(item: Element, idents: Sequence[str]) -> set[str]:
    """The right answers of a Respondus item whose conditions give no points (a question worth 0): Respondus
    *sets* the score for a right answer and *adds* to it for a wrong one, and Canvas's import reads the
    right answers so. Empty for items other tools wrote."""
    processing = item.find("resprocessing")
    if processing is None or "respondusapi_qtype" not in _metadata(item):
        return set()
    setting = [
        condition
        for condition in processing.iter("respcondition")
        if any((setvar.get("action") or "").strip().lower() == "set" for setvar in condition.iter("setvar"))
    ]
    return {ident for condition in setting for ident in _required(condition, "varequal") if ident in idents}


def _qti1_short(item: Element, feedback: dict[str, str]) -> list[dict[str, Any]]:
    accepted: dict[str, float] = {}
    for scored in _scored_conditions(item):
        for text in _required(scored.condition, "varequal"):
            if text and scored.fraction > 0:
                accepted[text] = max(scored.fraction, accepted.get(text, 0.0))
    if not accepted:
        raise _QtiError("a short-answer question needs at least one accepted answer")
    by_value = _feedback_by_value(item, feedback)
    return [
        {"text": text, "fraction": fraction, "feedback": by_value.get(text, "")}
        for text, fraction in accepted.items()
    ]


def _qti1_case_sensitive(item: Element) -> bool:
    """Whether every accepted answer is compared with its case (`<varequal case="Yes">`); QTI 1.2's
    default and Blackboard's usual 'No' accept any case."""
    tests = [
        test
        for scored in _scored_conditions(item)
        if scored.fraction > 0
        for test in scored.condition.iter("varequal")
    ]
    return bool(tests) and all(test.get("case", "").strip().lower() == "yes" for test in tests)


def _qti1_numerical(item: Element, feedback: dict[str, str]) -> list[dict[str, Any]]:
    answers = []
    for scored in _scored_conditions(item):
        if scored.fraction <= 0:
            continue
        exact = [_number(text, "numerical answer") for text in _required(scored.condition, "varequal")]
        low = [
            _number(t, "lower bound") for tag in ("vargte", "vargt") for t in _required(scored.condition, tag)
        ]
        high = [
            _number(t, "upper bound") for tag in ("varlte", "varlt") for t in _required(scored.condition, tag)
        ]
        answer_feedback = _linked_feedback(scored.links, feedback)
        if low and high:
            lowest, highest = min(low), max(high)
            if exact and lowest <= exact[0] <= highest:
                value, tolerance = exact[0], max(exact[0] - lowest, highest - exact[0])
            else:
                value, tolerance = (lowest + highest) / 2, (highest - lowest) / 2
            answers.append(
                {
                    "value": tidy_number(value),
                    "tolerance": tidy_number(abs(tolerance)),
                    "fraction": scored.fraction,
                    "feedback": answer_feedback,
                }
            )
        elif exact:
            answers += [
                {"value": value, "tolerance": 0.0, "fraction": scored.fraction, "feedback": answer_feedback}
                for value in exact
            ]
        elif low or high:
            raise _QtiError(
                "a numerical answer with only one bound (above or below a number) has no tenta form"
            )
    if not answers:
        raise _QtiError("a numerical question needs at least one accepted value")
    return answers


_NUMERIC_FIB_TYPES = frozenset({"integer", "decimal", "scientific"})
_BOUNDS = ("vargte", "vargt", "varlte", "varlt")


def _numeric_blank(item: Element, response: Element) -> bool:
    """A blank for a number: typed Integer/Decimal/Scientific (<render_fib fibtype="Decimal">, as Canvas
    writes numerical questions), or scored by ranges (<vargte>/<varlte>) rather than by text."""
    typed = any(
        (render.get("fibtype") or "").strip().lower() in _NUMERIC_FIB_TYPES
        for render in response.iter("render_fib")
    )
    return typed or any(
        _required(scored.condition, bound) for scored in _scored_conditions(item) for bound in _BOUNDS
    )


def _readable_html(text: str) -> str:
    return html_to_text(text) if HTML_TAG.search(text) else text.strip()


def _with_response_labels(prompt: str, item: Element) -> str:
    """The prompt with the text an answer field carries itself (`<response_lid><material>B</material>`: the
    term a one-pair matching item asks about), unless the prompt already says it ('… is C: [C]')."""
    labels = [
        text
        for response in item.iter()
        if response.tag in _RESPONSES
        for material in response.findall("material")
        if (text := _material_text(material)) and not re.search(rf"(?<!\w){re.escape(text)}(?!\w)", prompt)
    ]
    return "\n\n".join([prompt, *labels]) if prompt and labels else prompt


def _inferred_kind(item: Element) -> str:
    """The kind of a QTI 1.2 item without type metadata, read from its response elements."""
    responses = [element for element in item.iter() if element.tag in _RESPONSES]
    if not responses:
        return "text"
    if len(responses) > 1:
        raise _QtiUnsupported(
            f"questions with {len(responses)} answer fields are not supported by tenta; remove or convert it"
        )
    response = responses[0]
    rendering = next((child.tag for child in response if child.tag in _UNSUPPORTED_RENDERINGS), None)
    if rendering is not None:
        raise _QtiUnsupported(
            f"{_UNSUPPORTED_RENDERINGS[rendering]} questions ({rendering}) are not supported by tenta; "
            "remove or convert it"
        )
    if response.tag == "response_lid" and response.get("rcardinality", "").lower() == "ordered":
        raise _QtiUnsupported(
            "ordering questions (rcardinality 'Ordered') are not supported by tenta; remove or convert it"
        )
    if response.tag == "response_lid":
        multiple = response.get("rcardinality", "Single").lower() == "multiple"
        texts = [_material_text(label) for _, label in _labels(item)]
        return "multiple" if multiple else "true_false" if _is_true_false(texts) else "choice"
    if response.tag == "response_num" or _numeric_blank(item, response):
        return "numerical"
    if response.tag == "response_str":
        has_answers = any(_required(scored.condition, "varequal") for scored in _scored_conditions(item))
        return "short" if has_answers else "essay"
    raise _QtiUnsupported(
        f"questions answered by {response.tag} (a point or group) are not supported by tenta; "
        "remove or convert it"
    )


_STUDENT_VIEWS = frozenset({"", "all", "candidate"})
"""QTI 1.2 feedback views a student sees; 'Tutor', 'Scorer', 'Proctor' … feedback is for staff."""


def _student_feedback(item: Element) -> list[Element]:
    return [
        feedback
        for feedback in item.findall("itemfeedback")
        if feedback.get("ident") and (feedback.get("view") or "").strip().lower() in _STUDENT_VIEWS
    ]


_HINT_AND_SOLUTION = frozenset({"hint", "solution"})


def _item_feedback(item: Element) -> dict[str, str]:
    """Each itemfeedback's text by ident, without its <hint> and <solution> (the item's hints and
    solution, read on their own)."""
    return {
        feedback.get("ident", ""): _material_text(feedback, _HINT_AND_SOLUTION)
        for feedback in _student_feedback(item)
    }


def _links_of_type(item: Element, feedback_type: str) -> list[str]:
    """The itemfeedback idents a <displayfeedback feedbacktype="Hint"> (or "Solution") shows."""
    return list(
        dict.fromkeys(
            shown.get("linkrefid", "")
            for shown in item.iter("displayfeedback")
            if shown.get("feedbacktype", "").strip().lower() == feedback_type
        )
    )


def _qti1_hints(item: Element, feedback: dict[str, str]) -> list[str]:
    """The item's hints: each <hintmaterial> of an itemfeedback's <hint> (QTI 1.2, shown one by one with
    feedbackstyle Incremental), the text of an itemfeedback shown as a Hint, and Brightspace's <hint>s."""
    shown = [
        _material_text(material)
        for item_feedback in _student_feedback(item)
        for hint in item_feedback.findall("hint")
        for material in hint.findall("hintmaterial")
    ]
    linked = [feedback.get(ident, "") for ident in _links_of_type(item, "hint")]
    own = [_material_text(hint) for hint in item.findall("hint")]
    return [text for text in [*shown, *linked, *own] if text]


def _qti1_solution(item: Element, feedback: dict[str, str]) -> str:
    """The worked solution an itemfeedback's <solution> (or one shown as a Solution) shows after the
    attempt (QTI 1.2)."""
    texts = [
        _material_text(material)
        for item_feedback in _student_feedback(item)
        for solution in item_feedback.findall("solution")
        for material in solution.findall("solutionmaterial")
    ]
    texts += [feedback.get(ident, "") for ident in _links_of_type(item, "solution")]
    return "\n\n".join(dict.fromkeys(text for text in texts if text))


def _other_answer_feedback(item: Element, feedback: dict[str, str]) -> str:
    """The feedback a response condition of its own shows for any other answer (`<other/>`): the feedback
    for a wrong answer."""
    not_answers = {*_links_of_type(item, "hint"), *_links_of_type(item, "solution")}
    texts = [
        feedback[link]
        for condition in item.iter("respcondition")
        if [child.tag for child in condition.iterfind("conditionvar/*")] == ["other"]
        for link in _links(condition)
        if feedback.get(link)
        and link not in not_answers
        and link.lower() not in _ITEM_WIDE_FEEDBACK
        and not _respondus_role(link)
    ]
    return "\n\n".join(dict.fromkeys(texts))


_OUTCOME_FEEDBACK = frozenset({"correct", "incorrect"})


def _qti1_general_feedback(item: Element, feedback: dict[str, str]) -> str:
    """Canvas's general_fb (Respondus's QUE_<n>_ALL), else the feedback no response condition shows and
    no outcome names: Brightspace writes its general feedback so, under the item's label."""
    if "general_fb" in feedback:
        return feedback["general_fb"]
    respondus = [text for ident, text in feedback.items() if _respondus_role(ident) == "general" and text]
    if respondus:
        return "\n\n".join(respondus)
    shown = {display.get("linkrefid", "") for display in item.iter("displayfeedback")}
    shown |= {_brightspace_feedback_ident(ident) for ident, _ in _labels(item)}
    return "\n\n".join(
        text
        for ident, text in feedback.items()
        if text and ident not in shown and ident.lower() not in _OUTCOME_FEEDBACK
    )


_BRIGHTSPACE_ANSWER = re.compile(r"^(.+)_A(\d+)$")


def _brightspace_feedback_ident(choice_ident: str) -> str:
    """The itemfeedback Brightspace writes for an answer: QUES_…_IF4710353 for QUES_…_A4710353. Its
    multi-select items score all answers in one condition that shows none of them."""
    answer = _BRIGHTSPACE_ANSWER.match(choice_ident)
    return f"{answer.group(1)}_IF{answer.group(2)}" if answer else ""


def _qti1_outcome_feedback(item: Element, feedback: dict[str, str], general: str) -> dict[str, Any]:
    """The question's outcome_feedback and hints fields: the feedback for a right or wrong answer (Canvas's
    correct_fb and general_incorrect_fb, Blackboard's correct and incorrect, Respondus's QUE_<n>_C and
    QUE_<n>_IC, ILIAS's response_allcorrect and response_onenotcorrect) and the item's hints
    (Brightspace's <hint>)."""
    by_ident = {_respondus_role(ident) or ident.lower(): text for ident, text in feedback.items()}
    return outcome_fields(
        general,
        correct=by_ident.get("correct_fb")
        or by_ident.get("correct")
        or by_ident.get("response_allcorrect", ""),
        incorrect=by_ident.get("general_incorrect_fb")
        or by_ident.get("incorrect")
        or by_ident.get("response_onenotcorrect")
        or _other_answer_feedback(item, feedback),
        hints=_qti1_hints(item, feedback),
    )


_POINTS_METADATA = (
    "points_possible",
    "qmd_absolutescore_max",
    "qmd_weighting",
    "qmd_maximumscore",
    "respondusapi_qpoints",
)
"""Where QTI 1.2 writers put an item's points: Canvas, Blackboard, Brightspace (and the QTI 1.2
qmd_weighting), the QTI 1.2 maximum score, Respondus; Blackboard writes qmd_weighting 0, so zero means
unset."""


_ZERO_POINTS = "worth 0 points in the file: imported as worth 1 point (a tenta question is worth more than 0)"
_ZERO_MEANS_ZERO = ("points_possible", "respondusapi_qpoints")
"""The points fields whose 0 is a question worth nothing (Canvas, Respondus), not an unset value."""


def _stated_zero_points(item: Element) -> bool:
    """Whether the item says it is worth nothing (tenta keeps no such question as it is)."""
    metadata = _metadata(item)
    stated = [metadata[name] for name in _ZERO_MEANS_ZERO if metadata.get(name, "").strip()]
    return bool(stated) and all(_number(raw, "points") == 0 for raw in stated)


def _qti1_points(metadata: dict[str, str]) -> float | None:
    for name in _POINTS_METADATA:
        raw = metadata.get(name, "")
        if raw and (points := _number(raw, name)) > 0:
            return points
    return None


_ILIAS_UNSUPPORTED = {
    "ORDERING QUESTION": "ordering",
    "ORDERING HORIZONTAL": "ordering",
    "KPRIM CHOICE QUESTION": "Kprim (four true/false statements)",
    "ERROR TEXT QUESTION": "error text",
    "IMAGE MAP QUESTION": "image map",
    "JAVA APPLET QUESTION": "Java applet",
    "FLASH APPLET QUESTION": "Flash applet",
    "FILE UPLOAD QUESTION": "file upload",
    "FORMULA QUESTION": "formula",
    "TEXTSUBSET QUESTION": "text subset",
    "LONG MENU QUESTION": "long menu",
}
"""ILIAS's question types (its QUESTIONTYPE metadata, ILIAS's own names) that tenta has no type for; its
single and multiple choice, text (essay), numeric, cloze and matching questions are read by their
responses as any QTI 1.2 item is."""


_ILIAS_TESTS = frozenset({"varequal", "vargte", "varlte", "vargt", "varlt"})
"""What an ILIAS scoring condition compares a response with: an answer, or a numeric question's bounds."""


def _ilias_points(item: Element) -> float | None:
    """An ILIAS item's points, which ILIAS states nowhere but in its scoring (`<setvar action="Add">`, no
    maximum declared), summed as ILIAS's own import does: per response, the best single answer (or
    numeric range) of a one-answer response, the best of ticking and not ticking each answer of a
    multiple one (`MCMR`); responses (a cloze's gaps) add up. None when the scoring gives no points."""
    processing = item.find("resprocessing")
    if processing is None:
        return None
    multiple = {
        response.get("ident", "")
        for response in item.iter("response_lid")
        if (response.get("rcardinality") or "").lower() == "multiple"
    }
    best: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for condition in processing.iter("respcondition"):
        tested = [element for element in condition.iter() if element.tag in _ILIAS_TESTS]
        added = [
            setvar for setvar in condition.findall("setvar") if (setvar.get("action") or "").lower() == "add"
        ]
        responses = {element.get("respident", "") for element in tested}
        if not added or len(responses) != 1:
            continue
        key = (responses.pop(), frozenset((element.tag, (element.text or "").strip()) for element in tested))
        points = sum(_number((setvar.text or "0").strip() or "0", "points") for setvar in added)
        best[key] = max(best.get(key, 0.0), points)
    by_response: dict[str, list[float]] = {}
    for (response, _), points in best.items():
        by_response.setdefault(response, []).append(points)
    total = sum(
        sum(points) if response in multiple else max(points) for response, points in by_response.items()
    )
    return tidy_number(total) if total > 0 else _ilias_declared_points(processing)


def _ilias_declared_points(processing: Element) -> float | None:
    """An ILIAS essay's points: it scores none by itself (a teacher rates it), so its only statement of
    points is its outcome's maximum (`<decvar maxvalue="4">`)."""
    declared = processing.find("outcomes/decvar")
    raw = (declared.get("maxvalue") or "").strip() if declared is not None else ""
    return points if raw and (points := _number(raw, "maxvalue")) > 0 else None


_MISSING_ILIAS_REFERENCE = (
    "ILIAS essay has no model answer and no keywords to score by: give it keywords with points in ILIAS "
    "(scoring by keywords) and export again, or remove it"
)
_ILIAS_KEYWORD_RELATIONS = {
    "any": "each keyword found adds its points",
    "all": "every keyword needed for the points",
    "one": "one keyword enough for the points",
}
"""ILIAS's `termrelation`: how its automatic scoring counted an essay's keywords."""


def _ilias_keywords(metadata: dict[str, str]) -> list[tuple[str, float]]:
    """An ILIAS essay's keywords with their points: `termscoring` (ILIAS's answer objects, PHP-serialized
    and base64-encoded, as ILIAS's own import reads them), else an old export's space-separated
    `keywords` (worth nothing each). An unreadable termscoring gives none, as in ILIAS."""
    keywords = []
    for answer in _php_array(metadata.get("termscoring", "")):
        text = " ".join(str(answer.get("answertext", "")).split()) if isinstance(answer, dict) else ""
        points = str(answer.get("points", "0")).replace(",", ".") if isinstance(answer, dict) else "0"
        if text:
            keywords.append((text, float(points) if _PLAIN_NUMBER.fullmatch(points) else 0.0))
    return keywords or [(word, 0.0) for word in metadata.get("keywords", "").split()]


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _ilias_keyword_marking(keywords: Sequence[tuple[str, float]]) -> str:
    """Grader information made of an essay's keywords, read by moodle_bank as criteria weighted by their
    points (all alike when none has points), the reference answer made from them; '' without keywords.
    A keyword worth nothing beside ones with points is left out, as ILIAS's scoring counts it nothing."""
    weighted = any(points > 0 for _, points in keywords)
    kept = [(word, points) for word, points in keywords if points > 0 or not weighted]
    if len(kept) < 2:
        return kept[0][0] if kept else ""  # one keyword is no list of criteria: it is the answer
    criteria = (f"- {word} ({tidy_number(points):g} p)" if weighted else f"- {word}" for word, points in kept)
    return "Marking:\n" + "\n".join(criteria)


def _ilias_keyword_note(item: Element, question: MoodleQuestion) -> str | None:
    """What the teacher should know when an ILIAS essay's keywords stood in for its model answer."""
    metadata = _metadata(item)
    if metadata.get("questiontype", "").strip().upper() != "TEXT QUESTION" or "ilias_version" not in metadata:
        return None
    keywords = _ilias_keywords(metadata)
    if not keywords or question.reference != _ilias_keyword_marking(keywords):
        return None
    relation = _ILIAS_KEYWORD_RELATIONS.get(metadata.get("termrelation", "").strip().lower())
    scored = f" (ILIAS scored them automatically: {relation})" if relation else ""
    weights = "weighted by their points" if any(points > 0 for _, points in keywords) else "weighted alike"
    return (
        f"no model answer; its {len(keywords)} ILIAS keywords{scored} became the rubric points, {weights}, "
        "and the reference answer is made from them: check both before grading"
    )


def _php_array(serialized: str) -> list[Any]:
    """The values of a PHP-serialized array (`a:2:{i:0;…}`), written as is or base64-encoded; [] when it
    is neither. Objects become dicts of their properties (a protected one's '\\0*\\0' prefix dropped)."""
    candidates = [serialized.encode()]
    with contextlib.suppress(ValueError):
        candidates.append(base64.b64decode(serialized, validate=True))
    for data in candidates:
        try:
            value, _ = _php_value(data, 0)
        except (ValueError, IndexError):
            continue
        if isinstance(value, dict):
            return list(value.values())
    return []


def _php_value(data: bytes, at: int) -> tuple[Any, int]:
    """One value of PHP's serialize() format at `at`, and where the next one starts."""
    kind = data[at : at + 1]
    if kind == b"N":
        return None, at + 2
    if kind in (b"b", b"i", b"d"):
        end = data.index(b";", at)
        raw = data[at + 2 : end].decode("ascii")
        return (float(raw) if kind == b"d" else int(raw)), end + 1
    if kind == b"s":
        colon = data.index(b":", at + 2)
        start = colon + 2
        end = start + int(data[at + 2 : colon])
        if data[end : end + 2] != b'";':
            raise ValueError("string length does not match")
        return data[start:end].decode("utf-8", errors="replace"), end + 2
    if kind == b"O":
        colon = data.index(b":", at + 2)
        at = colon + 2 + int(data[at + 2 : colon])  # the class name's closing quote, as 'a' stands
        kind = b"a"
    if kind != b"a":
        raise ValueError(f"unknown PHP value {kind!r}")
    colon = data.index(b":", at + 2)
    count, position = int(data[at + 2 : colon]), colon + 2
    entries: dict[Any, Any] = {}
    for _ in range(count):
        key, position = _php_value(data, position)
        entries[str(key).rsplit("\0", 1)[-1] if isinstance(key, str) else key], position = _php_value(
            data, position
        )
    return entries, position + 1


def _qti1_question(document: _Document, item: Element, topics: list[str]) -> MoodleQuestion | None:
    metadata = _metadata(item)
    declared = (
        metadata.get("question_type")
        or metadata.get("bbmd_questiontype")
        or metadata.get("qmd_questiontype")
        or metadata.get("cc_profile", "")
    )
    key = declared.strip().lower()
    if key in _UNSUPPORTED_TYPES or (key and key not in _CANVAS_TYPES):
        label = _UNSUPPORTED_TYPES.get(key, key)
        raise _QtiUnsupported(
            f"{label} questions (type {declared!r}) are not supported by tenta; "
            "remove or convert this question"
        )
    ilias_type = metadata.get("questiontype", "").strip().upper() if "ilias_version" in metadata else ""
    if ilias_type in _ILIAS_UNSUPPORTED:
        raise _QtiUnsupported(
            f"ILIAS {_ILIAS_UNSUPPORTED[ilias_type]} questions ({ilias_type!r}) are not supported by tenta; "
            "remove or convert this question"
        )
    kind = _CANVAS_TYPES.get(key) or _inferred_kind(item)
    if kind == "text":
        return None
    feedback = _item_feedback(item)
    general = _qti1_general_feedback(item, feedback)
    if kind != "essay":  # an essay's solution is its model answer
        general = "\n\n".join(text for text in (general, _qti1_solution(item, feedback)) if text)
    reference = ""
    data: dict[str, Any]
    if kind in ("choice", "true_false", "multiple"):
        question_type = QuestionType.TRUE_FALSE if kind == "true_false" else QuestionType.MULTIPLE_CHOICE
        # Canvas grades multiple answers with partial credit; Blackboard only when the item says so
        partial_credit = (
            "question_type" in metadata or metadata.get("bbmd_partialcredit", "").lower() == "true"
        )
        choices, all_or_nothing = _qti1_choices(
            item, kind == "multiple", feedback, partial_credit=partial_credit
        )
        data = {"type": question_type.value, "choices": choices, "all_or_nothing": all_or_nothing}
    elif kind == "short":
        data = {
            "type": QuestionType.SHORT_EXACT.value,
            "choices": _qti1_short(item, feedback),
            "case_sensitive": _qti1_case_sensitive(item),
        }
    elif kind == "numerical":
        data = {"type": QuestionType.NUMERICAL.value, "numerical": _qti1_numerical(item, feedback)}
    else:
        data = {"type": QuestionType.FREE_TEXT.value}
        # Brightspace writes a written-response question's model answer as its <answer_key>
        solutions = [_material_text(solution) for solution in item.iter() if solution.tag in _MODEL_ANSWERS]
        # Canvas New Quizzes keeps an essay's grading notes (for whoever grades it) in the metadata
        solutions.append(_readable_html(metadata.get("grading_notes", "")))
        reference = "\n\n".join(text for text in solutions if text) or general
        general = "" if reference == general else general
        if not reference and ilias_type == "TEXT QUESTION":
            reference = _ilias_keyword_marking(_ilias_keywords(metadata))
            if not reference:
                raise _QtiUnsupported(_MISSING_ILIAS_REFERENCE)
        if not reference:
            raise _QtiUnsupported(_MISSING_REFERENCE)
    outcome = _qti1_outcome_feedback(item, feedback, general)
    prompt = _with_response_labels(_material_text(item.find("presentation"), _RESPONSES), item)
    stimulus = _qti1_stimulus(document, metadata.get("parent_stimulus_item_ident", ""))
    return _question(
        document,
        item,
        identifier=item.get("ident", "") or metadata.get("bbmd_asi_object_id", ""),
        prompt="\n\n".join(text for text in (stimulus, prompt) if text) if prompt else "",
        data={**data, **outcome},
        topics=topics,
        general_feedback=general,
        reference=reference,
        points=_qti1_points(metadata) or (_ilias_points(item) if "ilias_version" in metadata else None),
    )


def _qti1_stimulus(document: _Document, ident: str) -> str:
    """The text of the stimulus item (Canvas New Quizzes: a text_only_question) a question belongs to
    (`parent_stimulus_item_ident`), put before its own text as QTI 3 shared stimuli are."""
    if not ident:
        return ""
    stimulus = next((item for item in document.root.iter("item") if item.get("ident") == ident), None)
    return _material_text(stimulus.find("presentation"), _RESPONSES) if stimulus is not None else ""


def _stimulus_idents(root: Element) -> set[str]:
    """The idents of the QTI 1.2 items other items name as their stimulus."""
    return {
        entry
        for item in root.iter("item")
        if (entry := _metadata(item).get("parent_stimulus_item_ident", ""))
    }


def _qti1_items(root: Element, topics: list[str]) -> Iterator[tuple[Element, list[str]]]:
    """Every <item> with its topics: the titles of the sections (Canvas question groups) around it."""
    for child in root:
        if child.tag == "item":
            yield child, topics
        elif child.tag in ("section", "assessment", "objectbank", "questestinterop"):
            title = (child.get("title") or "").strip() if child.tag == "section" else ""
            yield from _qti1_items(child, [*topics, title] if title else topics)


def _qti1_title(root: Element) -> str:
    """A QTI 1.2 file's quiz or bank title (Canvas's assessment title or objectbank bank_title)."""
    for element in root.iter():
        if element.tag == "assessment" and (element.get("title") or "").strip():
            return (element.get("title") or "").strip()
        if (
            element.tag == "qtimetadatafield"
            and (element.findtext("fieldlabel") or "").strip() == "bank_title"
        ):
            return (element.findtext("fieldentry") or "").strip()
    return ""


# ---- media -----------------------------------------------------------------------------------------------

_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CANVAS_FILE_BASE = re.compile(r"^\$IMS[-_]CC[-_]FILEBASE\$/")
_CANVAS_FILE_FOLDER = "web_resources"
_KIND_WORDS: dict[MediaKind, str] = {"image": "picture", "sound": "sound", "video": "video"}


@dataclass
class _Shown:
    """A file the student sees or hears with the question, and the references to it (<source>
    alternatives, the first preferred)."""

    kind: MediaKind
    references: list[str]
    alt: str = ""
    """A picture's alt text, which the question's text calls it by ('[image: Moon]')."""

    def placeholder(self) -> str:
        """How the question's text names the file where it is shown."""
        return f"[{self.kind}: {self.alt.strip() or _file_name(self.references[0])}]"


def _qti2_shown(element: Element | None) -> Iterator[_Shown]:
    """The pictures, sounds and videos of an item body in reading order (choices and media interactions
    included), feedback, templates and scorer rubrics left out as in the text."""
    for child in element if element is not None else ():
        tag = child.tag
        if tag in _HIDDEN or _is_scorer_rubric(child):
            continue
        if (
            tag == "img"
            and child.get("src", "").strip()
            and not child.get("data-equation-content", "").strip()
        ):
            yield _Shown("image", [child.get("src", "")], child.get("alt", ""))
        elif tag == "object" and child.get("data", "").strip():
            kind = _media_kind(child.get("type", ""), child.get("data", ""))
            if kind is not None:
                yield _Shown(kind, [child.get("data", "")])
        elif tag in ("audio", "video"):
            if sources := _media_sources(child):
                yield _Shown("sound" if tag == "audio" else "video", sources)
            continue
        yield from _qti2_shown(child)


def _qti1_shown(presentation: Element | None) -> Iterator[_Shown]:
    """The pictures, sounds and videos of a QTI 1.2 item's presentation (question and choices): <matimage>,
    <mataudio>, <matvideo>, and <img> inside HTML texts."""
    for node in presentation.iter() if presentation is not None else ():
        uri = node.get("uri", "").strip()
        if node.tag == "matimage" and uri:
            yield _Shown("image", [uri], node.get("label", ""))
        elif node.tag in ("mataudio", "matvideo") and uri:
            yield _Shown("sound" if node.tag == "mataudio" else "video", [uri])
        elif node.tag in _TEXT_HOLDERS and _holds_html(node):
            for match in _IMG_TAG.finditer(node.text or ""):
                attributes = {key.lower(): a or b for key, a, b in _IMG_ATTRIBUTE.findall(match.group(0))}
                if source := attributes.get("src", ""):
                    yield _Shown("image", [html.unescape(source)], html.unescape(attributes.get("alt", "")))


def _shown_in(item: Element) -> list[_Shown]:
    if item.tag == "assessmentItem":
        return list(_qti2_shown(item.find("itemBody")))
    return list(_qti1_shown(item.find("presentation")))


_BLACKBOARD_XID = re.compile(r"\bxid-\d+_\d+", re.IGNORECASE)
"""A file in Blackboard's content collection, as an item's HTML names it
('@X@EmbeddedFile.requestUrlStub@X@bbcswebdav/xid-1217_1')."""
_CSFILES_MEMBER = re.compile(r"(?:^|/)csfiles/(?:.*/)?([^/]*?)__(xid-\d+_\d+)(\.[^./]+)?$", re.IGNORECASE)
"""Where a Blackboard export keeps that file: csfiles/home_dir/<name>__xid-1217_1.<ext> (the name may be
empty)."""
_EMBEDDED_LOCATION = "@X@EmbeddedFile.location@X@"
"""Older Blackboard exports' file attached to the question, kept beside its .dat or in the folder named
after it (res00001/, res00001/embedded/)."""


def _local_paths(document_name: str, reference: str, xids: dict[str, str]) -> list[str]:
    """The paths, relative to the package (or the imported file's folder), where the file a document refers
    to may be, best first; none for what names no file there: a web address, a server path. A path starting
    with '..' points outside. Canvas's $IMS-CC-FILEBASE$ is its web_resources folder; Blackboard's
    content-collection files (xid-…) are found by their id under csfiles/ (a path that is not there when the
    export lacks them, so the note names the picture), its @X@EmbeddedFile.location@X@ files beside the .dat
    or in the folder named after it."""
    path = unquote(reference.strip().replace("\\", "/").split("#", 1)[0].split("?", 1)[0])
    if _CANVAS_FILE_BASE.match(path):
        return [posixpath.normpath(_CANVAS_FILE_BASE.sub(f"{_CANVAS_FILE_FOLDER}/", path))]
    if "@X@" in path:
        return _blackboard_paths(document_name, path, xids)
    if not path or path.startswith("/") or _URL_SCHEME.match(path):
        return []
    return [posixpath.normpath(posixpath.join(posixpath.dirname(document_name), path))]


def _blackboard_paths(document_name: str, path: str, xids: dict[str, str]) -> list[str]:
    """Where a file an item names by a Blackboard placeholder is kept in the export (see _local_paths)."""
    xid = _BLACKBOARD_XID.search(path)
    if xid:
        return [xids.get(xid.group(0).lower(), f"csfiles/home_dir/__{xid.group(0)}")]
    relative = _BLACKBOARD_PLACEHOLDER.sub("", path).lstrip("/")
    if not path.startswith(_EMBEDDED_LOCATION):  # a course file on the server ('@@…/courses/…/x.png')
        relative = posixpath.basename(relative)
    if not relative:
        return []
    folder, stem = posixpath.dirname(document_name), posixpath.splitext(document_name)[0]
    return [
        posixpath.normpath(posixpath.join(folder, relative)),
        posixpath.normpath(posixpath.join(stem, relative)),
        posixpath.normpath(posixpath.join(stem, "embedded", relative)),
    ]


def blackboard_xids(paths: Iterable[str]) -> dict[str, str]:
    """Each Blackboard content-collection file of an export by its id ('xid-1217_1' -> its csfiles path)."""
    return {
        match.group(2).lower(): path for path in paths if (match := _CSFILES_MEMBER.search(path)) is not None
    }


def blackboard_file_names(paths: Collection[str], read: Callable[[str], str]) -> dict[str, str]:
    """The names Blackboard's LOM sidecars (csfiles/home_dir/__xid-1217_1.png.xml) give the files it kept
    without one (__xid-1217_1.png), by the file's path; `read` gives a sidecar's text."""
    names = {}
    for path in paths:
        match = _CSFILES_MEMBER.search(path)
        if match is None or match.group(1) or f"{path}.xml" not in paths:
            continue
        if name := _lom_file_name(read(f"{path}.xml")):
            names[path] = name
    return names


def _lom_file_name(text: str) -> str | None:
    """The file name a LOM sidecar's identifier ends in ('1217_1#/courses/GEO101/karta.png' -> 'karta.png'),
    None when it names none or is no XML."""
    try:
        root = SafeElementTree.fromstring(text)
    except (SafeElementTree.ParseError, DefusedXmlException):
        return None
    for element in root.iter():
        value = (element.text or "").strip()
        if element.tag.rsplit("}", 1)[-1] == "identifier" and "#" in value:
            return posixpath.basename(value.split("#", 1)[1]) or None
    return None


def _shown_name(path: str) -> str:
    """The name a file is stored under: Blackboard's 'csfiles/home_dir/karta__xid-1217_1.png' is
    'karta.png' ('xid-1217_1.png' when the export kept no name), other files their own name."""
    match = _CSFILES_MEMBER.search(path)
    if match is None:
        return path
    name, xid, suffix = match.groups()
    return f"{name or xid}{suffix or ''}"


@dataclass
class _MediaFiles:
    """The media an import's questions show: each file's bank-wide name and its path in the package (or
    the folder of the imported file). A file that is not there is left out with a note (the text still
    names it): unlike a missing item file, which would lose a question, nothing is graded differently."""

    size_of: Callable[[str], int | None]
    """The size of the file at a path, None when there is none."""
    where: str
    """'the package' or 'the folder of <file>', for notes."""
    unique: UniqueNames = field(default_factory=UniqueNames)
    paths: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    xids: dict[str, str] = field(default_factory=dict)
    """Blackboard's content-collection files in the export, by id (blackboard_xids)."""
    given_names: dict[str, str] = field(default_factory=dict)
    """Names for files kept under none (blackboard_file_names), by path."""

    def locate(self, document: _Document, shown: _Shown, label: str) -> str | None:
        """The path of the first of the references that is there, else None (with a note when one was
        meant to be there). A reference outside the package or folder is never followed."""
        word = _KIND_WORDS[shown.kind]
        local = [
            (ref, path) for ref in shown.references for path in _local_paths(document.name, ref, self.xids)
        ]
        for reference, path in local:
            if path == ".." or path.startswith("../"):
                continue
            size = self.size_of(path)
            if size is not None and size > MAX_MEDIA_FILE_BYTES:
                raise _QtiError(f"{word} {reference!r} is larger than {_size(MAX_MEDIA_FILE_BYTES)}")
            if size is not None:
                return path
        if local:
            outside = all(path == ".." or path.startswith("../") for _, path in local)
            problem = "points outside" if outside else "is not in"
            note = (
                f"{document.path}: {label}: {word} {shown.references[0]!r} {problem} {self.where}; "
                "left out (the text still names it)"
            )
            if note not in self.notes:  # once, not once per question the item was split into
                self.notes.append(note)
        return None

    def name(self, path: str) -> str | None:
        """The bank-wide name of the file at `path` (a later file with the same name gets 'name-2.ext')."""
        plain = plain_media_name(self.given_names.get(path) or _shown_name(path))
        if plain is None:
            return None
        bank_name = self.unique.add(plain, path)
        self.paths[bank_name] = path
        return bank_name


def _with_media(
    question: MoodleQuestion,
    document: _Document,
    item: Element,
    files: _MediaFiles,
    label: str,
    *,
    one_of_several: bool,
) -> MoodleQuestion:
    """The question listing the files it shows under their bank-wide names, its text naming each file as
    the bank stores it ('[image: chart-2.png]' after a clash). One of several questions an item was split
    into shows only the files its own text names: an ONYX matching item of five pictures gives five
    questions, each about one of them."""
    return _attach(question, document, _shown_in(item), files, label, one_of_several=one_of_several)


def _attach(
    question: MoodleQuestion,
    document: _Document,
    shown_files: Iterable[_Shown],
    files: _MediaFiles,
    label: str,
    *,
    one_of_several: bool,
) -> MoodleQuestion:
    """The question with the files `shown_files` names that the package (or folder) has (see _with_media)."""
    names: list[str] = []
    renamed: dict[str, str] = {}
    texts = [question.prompt, *(choice["text"] for choice in question.data.get("choices", ()))]
    for shown in shown_files:
        if one_of_several and not any(shown.placeholder() in text for text in texts):
            continue
        path = files.locate(document, shown, label)
        bank_name = files.name(path) if path is not None else None
        if bank_name is None:
            continue
        names.append(bank_name)
        old_label = _file_name(shown.references[0])
        if old_label != bank_name:
            renamed[f"[{shown.kind}: {old_label}]"] = f"[{shown.kind}: {bank_name}]"
    if not names:
        return question

    def rename(text: str) -> str:
        for old, new in renamed.items():
            text = text.replace(old, new)
        return text

    data = {**question.data, "media": list(dict.fromkeys(names))}
    if "choices" in data:
        data["choices"] = [{**choice, "text": rename(choice["text"])} for choice in data["choices"]]
    return replace(question, prompt=rename(question.prompt), data=data)


def _folder_file_size(folder: Path) -> Callable[[str], int | None]:
    """size_of for files beside a single QTI file: only inside its folder (links resolved)."""

    def size_of(name: str) -> int | None:
        target = _folder_file(folder, name)
        return target.stat().st_size if target is not None else None

    return size_of


def _csfiles(folder: Path) -> list[str]:
    """The files of an unpacked Blackboard export's csfiles/ folder, by their paths relative to `folder`."""
    csfiles = folder / "csfiles"
    if not csfiles.is_dir():
        return []
    return [path.relative_to(folder).as_posix() for path in csfiles.rglob("*__xid-*") if path.is_file()]


def _folder_xids(folder: Path) -> dict[str, str]:
    """blackboard_xids of an unpacked Blackboard export: the files under its csfiles/ folder."""
    return blackboard_xids(_csfiles(folder))


def _folder_file(folder: Path, name: str) -> Path | None:
    target = (folder / name).resolve()
    return target if target.is_relative_to(folder) and target.is_file() else None


def _read_media_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """A media file of a package, read in place and bounded in size."""
    where = Path(f"{path}/{name}")
    try:
        info = archive.getinfo(name)
        if info.file_size > MAX_MEDIA_FILE_BYTES:
            raise InputFileError(where, f"is larger than {_size(MAX_MEDIA_FILE_BYTES)}; refusing to read it")
        with archive.open(info) as member:
            content = member.read(MAX_MEDIA_FILE_BYTES + 1)
    except KeyError:
        raise InputFileError(where, "is not in the package") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise InputFileError(where, "cannot be unpacked: the package is damaged") from None
    if len(content) > MAX_MEDIA_FILE_BYTES:
        raise InputFileError(
            where, f"unpacks to more than {_size(MAX_MEDIA_FILE_BYTES)}; refusing to read it"
        )
    return content


def read_qti_media(path: Path, names: Collection[str]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of the named media (names as the importer listed them): from a package's members in
    place, or from the files beside a single QTI file."""
    _, _, files = _questions(path, ImportProblems(path, skipped=[]))
    wanted = {name: files.paths[name] for name in names if name in files.paths}
    if (manifest := unpacked_manifest(path)) is not None or not _is_package(path):
        folder = (manifest or path).parent.resolve()
        for name, relative in wanted.items():
            target = _folder_file(folder, relative)
            if target is None:
                continue  # read_media names what is missing
            if target.stat().st_size > MAX_MEDIA_FILE_BYTES:
                raise InputFileError(
                    target, f"larger than {_size(MAX_MEDIA_FILE_BYTES)}; refusing to read it"
                )
            yield name, target.read_bytes()
        return
    try:
        with zipfile.ZipFile(path) as archive:
            repair_member_names(archive)
            for name, member in wanted.items():
                yield name, _read_media_member(archive, member, path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise InputFileError(path, f"not a QTI package: {unreadable_zip(path)}") from None


# ---- documents, packages and the bank --------------------------------------------------------------------


def _item_label(item: Element) -> str:
    """How problems and notes name an item: item 'ident' (title)."""
    identifier = (
        item.get("identifier") or item.get("ident") or _metadata(item).get("bbmd_asi_object_id", "")
    )  # Blackboard's items have no ident: their object id names them
    title = (item.get("title") or "").strip()
    return f"item {identifier!r}" + (f" ({title})" if title and title != identifier else "")


def _single_question(
    document: _Document,
    item: Element,
    topics: list[str],
    reader: Callable[[_Document, Element, list[str]], MoodleQuestion | None],
    note: Callable[..., None],
) -> list[MoodleQuestion]:
    """The item's one question (none for a text between questions), noting points and feedback it cannot
    keep."""
    question = reader(document, item, topics)
    if question is None:
        return []
    if item.tag == "item" and (keywords := _ilias_keyword_note(item, question)):
        note(keywords, line=document.line(item), field=_item_label(item))
    if _stated_zero_points(item):
        note(_ZERO_POINTS, line=document.line(item), field=_item_label(item))
    for text in unplaced_feedback(item) if item.tag == "assessmentItem" else ():
        note(f"{_UNPLACED_FEEDBACK}: {_excerpt(text)!r}", line=document.line(item), field=_item_label(item))
    return [question]


def _collect(
    document: _Document,
    topics: list[str],
    problems: ImportProblems,
    parsed: list[MoodleQuestion],
    files: _MediaFiles,
    *,
    used_bank_items: Collection[str] = frozenset(),
) -> None:
    """The questions of one QTI document with the media they show; problems are recorded at the item's
    line in that document. Question-bank items a quiz of the package copies (`used_bank_items`) are
    passed over: the quiz's copy is read."""
    local = ImportProblems(
        document.path, errors=problems.errors, skipped=problems.skipped, notes=problems.notes
    )
    if document.root.tag == "assessmentItem":
        items = [(document.root, topics)]
        reader: Callable[[_Document, Element, list[str]], MoodleQuestion | None] = _qti2_question
    else:
        items = list(_qti1_items(document.root, topics))
        if document.root.find("objectbank") is not None:
            items = [
                (item, item_topics) for item, item_topics in items if item.get("ident") not in used_bank_items
            ]
        reader = _qti1_question
    label_ids = _label_ids([item for item, _ in items])
    group_points = _group_points(document)
    stimuli = _stimulus_idents(document.root) if document.root.tag != "assessmentItem" else set()
    for item, item_topics in items:
        label = _item_label(item)
        line = document.line(item)
        try:
            question_type = _metadata(item).get("question_type", "")
            if question_type in _CANVAS_BLANKS:
                questions = _canvas_blank_questions(document, item, item_topics)
                local.note(_BLANKS_SPLIT.format(count=len(questions)), line=line, field=label)
            elif question_type == "matching_question":
                questions = _canvas_matching_questions(document, item, item_topics)
                if len(questions) > 1:
                    local.note(matching.SPLIT_NOTE.format(count=len(questions)), line=line, field=label)
            elif _metadata(item).get("bbmd_questiontype", "").strip().lower() == "matching":
                questions = _blackboard_matching_questions(document, item, item_topics)
                if len(questions) > 1:
                    local.note(matching.SPLIT_NOTE.format(count=len(questions)), line=line, field=label)
            elif (blanks := _inline_blanks(item)) is not None:
                questions = _qti2_blank_questions(document, item, blanks, item_topics)
                if len(questions) > 1:
                    local.note(_INLINE_SPLIT.format(count=len(questions)), line=line, field=label)
            elif (match := _match_interaction(item)) is not None:
                questions = _qti2_matching_questions(document, item, match, item_topics)
                split = _GAPS_SPLIT if match.tag == "gapMatchInteraction" else matching.SPLIT_NOTE
                if len(questions) > 1:
                    local.note(split.format(count=len(questions)), line=line, field=label)
            else:
                questions = _single_question(document, item, item_topics, reader, local.note)
            questions = [
                _placed(
                    _with_media(question, document, item, files, label, one_of_several=len(questions) > 1),
                    item,
                    label_ids,
                    group_points,
                    len(questions),
                )
                for question in questions
            ]
        except _QtiError as error:
            local.add(str(error), line=line, field=label)
        except _QtiUnsupported as error:
            local.unsupported(str(error), line=line, field=label)
        else:
            parsed += questions
            if (
                not questions and item.get("ident") not in stimuli
            ):  # a stimulus is shown with the questions naming it
                local.left_out(_INFORMATION_LEFT_OUT, line=line, field=label)
    problems.texts_left_out += local.texts_left_out


_BLANKS_SPLIT = (
    "a question with {count} blanks: imported as {count} questions, one per blank, each asking it as _____ "
    "and worth an equal share of the points"
)


_INLINE_SPLIT = (
    "a question with {count} blanks: imported as {count} questions, one per blank, each asking it as _____ "
    "and worth its points"
)
_GAPS_SPLIT = (
    "a gap match question with {count} gaps: imported as {count} questions, one per gap, each asking it as "
    "_____ and worth its points"
)


def _placed(
    question: MoodleQuestion,
    item: Element,
    label_ids: dict[Element, str],
    group_points: dict[Element, float],
    parts: int,
) -> MoodleQuestion:
    """The question with the id its label gives (numbered when the item made several questions) and the
    points its question group gives (shared among them)."""
    if item in label_ids:
        suffix = question.moodle_id.rsplit("-", 1)[-1] if parts > 1 else ""
        question = replace(question, moodle_id=f"{label_ids[item]}-{suffix}" if suffix else label_ids[item])
    if item in group_points:
        question = replace(question, max_points=tidy_number(group_points[item] / parts))
    return question


@dataclass
class _Draw:
    """A question group the quiz draws from at random: how many it asks, of which questions."""

    section: Element
    asks: int
    items: int
    points_each: str
    bank: str


def _draws(document: _Document) -> Iterator[_Draw]:
    """Canvas/QTI 1.2 question groups (`<section>` with `<selection_number>`) and QTI 2 sections with
    `<selection select="N">`."""
    for section in document.root.iter("section"):
        raw = (section.findtext("selection_ordering/selection/selection_number") or "").strip()
        if raw.isdigit():
            yield _Draw(
                section,
                int(raw),
                sum(1 for _ in section.iter("item")),
                (section.findtext(".//points_per_item") or "").strip(),
                (section.findtext(".//sourcebank_ref") or "").strip(),
            )
    for section in document.root.iter("assessmentSection"):
        selection = section.find("selection")
        raw = (selection.get("select") or "").strip() if selection is not None else ""
        if raw.isdigit():
            yield _Draw(section, int(raw), sum(1 for _ in section.iter("assessmentItemRef")), "", "")


def _group_points(document: _Document) -> dict[Element, float]:
    """The points a Canvas question group gives each of its questions (`points_per_item`): in the quiz
    they replace the question's own points_possible, as Canvas scores it."""
    points: dict[Element, float] = {}
    for draw in _draws(document):
        try:
            each = float(draw.points_each)
        except ValueError:
            continue
        if math.isfinite(each) and each > 0:
            points.update(dict.fromkeys(draw.section.iter("item"), each))
    return points


def _points_each(raw: str) -> str:
    try:
        points = float(raw)
    except ValueError:
        return ""
    return f" ({points:g} point{'' if points == 1 else 's'} each)" if math.isfinite(points) else ""


def _note_draws(document: _Document, problems: ImportProblems, banks: Collection[str]) -> None:
    """Names the question groups a quiz draws from at random: tenta imports each question of the group
    once and its full exam asks them all, which the teacher should know (Canvas's 'pick 3 of 5'). A
    group drawing from a question bank the file lacks (`banks`: the objectbank idents read) is named."""
    for draw in _draws(document):
        title = (draw.section.get("title") or draw.section.get("ident") or "").strip()
        where = f"question group {title!r}"
        points = _points_each(draw.points_each)
        if not draw.items and draw.bank:
            missing = "" if draw.bank in banks else ", which is not in this file; import that bank too"
            reason = (
                f"the quiz draws {draw.asks} question(s){points} from question bank {draw.bank!r}{missing}"
            )
        elif draw.asks < draw.items:
            reason = (
                f"the quiz draws {draw.asks} of these {draw.items} questions at random{points}; all "
                f"{draw.items} are imported, and tenta's full exam asks every one"
            )
        else:
            continue
        problems.note(reason, line=document.line(draw.section), field=where)


_CANVAS_BLANKS = frozenset({"fill_in_multiple_blanks_question", "multiple_dropdowns_question"})
_BLANK_NAME = re.compile(r"\[([^\[\]]+)\]")


def _blank_shown(found: re.Match[str], *, asked: str, names: Sequence[str]) -> str:
    """A '[name]' of a text with blanks: the asked blank as _____, another blank as […], else unchanged."""
    if found.group(1) == asked:
        return "_____"
    return "[…]" if found.group(1) in names else found.group(0)


def _canvas_blank_questions(document: _Document, item: Element, topics: list[str]) -> list[MoodleQuestion]:
    """Canvas's fill in multiple blanks and multiple dropdowns: one question per blank ('[color1]' in the
    text, a <response_lid> each), the text shown with that blank as _____ and the others as […], worth an
    equal share of the points; a dropdown chooses among its options (the one the scoring accepts is
    right), a blank takes any of the answers Canvas lists for it."""
    metadata = _metadata(item)
    dropdowns = metadata.get("question_type", "") == "multiple_dropdowns_question"
    responses = [response for response in item.iter("response_lid") if response.get("ident")]
    if not responses:
        raise _QtiError("a question with blanks has no answer fields (<response_lid>)")
    accepted: dict[str, set[str]] = {}
    for scored in _scored_conditions(item):
        for test in scored.condition.iter("varequal") if scored.fraction > 0 else ():
            accepted.setdefault(test.get("respident", ""), set()).add((test.text or "").strip())
    feedback = _item_feedback(item)
    by_value = _feedback_by_value(item, feedback)
    general = _qti1_general_feedback(item, feedback)
    outcome = _qti1_outcome_feedback(item, feedback, general)
    presentation = item.find("presentation")
    markup = _material_markup(presentation, _RESPONSES) if presentation is not None else ""
    names = [_material_text(response.find("material")) for response in responses]
    points = _qti1_points(metadata)
    questions = []
    for index, (response, name) in enumerate(zip(responses, names, strict=True)):
        right = accepted.get(response.get("ident", ""), set())
        options = [
            (label.get("ident", ""), _material_text(label)) for label in response.iter("response_label")
        ]
        if dropdowns:
            choices = [
                {"text": text, "fraction": float(ident in right), "feedback": by_value.get(ident, "")}
                for ident, text in options
            ]
            data: dict[str, Any] = {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices}
        else:
            answers = [
                {"text": text, "fraction": 1.0, "feedback": by_value.get(ident, "")}
                for ident, text in options
                if text  # Canvas lists a blank's accepted answers as its options
            ]
            data = {"type": QuestionType.SHORT_EXACT.value, "choices": answers}
        asked = _BLANK_NAME.sub(partial(_blank_shown, asked=name, names=names), markup)
        question = _question(
            document,
            item,
            identifier=f"{item.get('ident', '')}-{index + 1}",
            prompt=html_to_text(asked),
            data={**data, **outcome},
            topics=topics,
            general_feedback=general,
            reference="",
            points=tidy_number(points / len(responses)) if points else tidy_number(1 / len(responses)),
        )
        title = (item.get("title") or "").strip()
        questions.append(replace(question, title=f"{title} ({index + 1})" if title else question.title))
    return questions


def _wrong_match_feedback(item: Element, feedback: dict[str, str]) -> dict[str, str]:
    """Canvas's comment on a pair, by the item's response ident: shown by a condition testing that the
    item was not given its answer (`<not><varequal respident="response_6831">6753</varequal></not>`)."""
    found: dict[str, str] = {}
    for condition in item.iter("respcondition"):
        text = _linked_feedback(_links(condition), feedback)
        for test in condition.iterfind("conditionvar/not/varequal") if text else ():
            found.setdefault(test.get("respident", ""), text)
    return found


def _canvas_matching_questions(document: _Document, item: Element, topics: list[str]) -> list[MoodleQuestion]:
    """Canvas's matching: one question per item to match (a <response_lid> whose material is the item),
    choosing among every answer offered (formats/matching.py), in Canvas's order; an item matched wrongly
    shows its pair's comment. Canvas's empty rows (no item, no answer) are dropped."""
    responses = [response for response in item.iter("response_lid") if response.get("ident")]
    right = _right_answers(item)
    answers: dict[str, str] = {}
    for response in responses:
        for label in response.iter("response_label"):
            answers.setdefault(label.get("ident", ""), _material_text(label))
    feedback = _item_feedback(item)
    comments = _wrong_match_feedback(item, feedback)
    pairs = [matching.Pair("", text) for text in answers.values()]  # every answer, distractors too
    for response in responses:
        ident = response.get("ident", "")
        text = _material_text(response.find("material"))
        if text and not answers.get(right.get(ident, ""), ""):
            raise _QtiError(f"matching item {text!r} ({ident}) has no right answer among its choices")
        pairs.append(matching.Pair(text, answers.get(right.get(ident, ""), ""), comments.get(ident, "")))
    asked = _asked_items(item, pairs)
    presentation = item.find("presentation")
    prompt = _material_text(presentation, _RESPONSES) if presentation is not None else ""
    matched = _Matched(asked, prompt, item.get("ident", ""), feedback)
    return _qti1_matching_questions(document, item, topics, matched)


def _blackboard_matching_questions(
    document: _Document, item: Element, topics: list[str]
) -> list[MoodleQuestion]:
    """Blackboard's matching: each item to match is a block of the RESPONSE_BLOCK with its own
    <response_lid>, whose n-th (textless) label stands for the n-th answer of the RIGHT_MATCH_BLOCK; the
    condition showing 'correct' for a label names the item's answer. One question per item among every
    answer (formats/matching.py), an equal share of the points each."""
    presentation = item.find("presentation")
    flows = list(presentation.iter("flow")) if presentation is not None else []
    answers_block = next((flow for flow in flows if flow.get("class") == "RIGHT_MATCH_BLOCK"), None)
    responses_block = next((flow for flow in flows if flow.get("class") == "RESPONSE_BLOCK"), None)
    if answers_block is None or responses_block is None:
        raise _QtiError("a Blackboard matching question needs a RESPONSE_BLOCK and a RIGHT_MATCH_BLOCK")
    answers = [_material_text(block) for block in answers_block.findall("flow")]
    right = _right_answers(item)
    pairs = [matching.Pair("", text) for text in answers]  # every answer, distractors too
    for block in responses_block.findall("flow"):
        response = block.find("response_lid")
        if response is None:
            continue
        ident = response.get("ident", "")
        text = _material_text(block, _RESPONSES)
        labels = [label.get("ident", "") for label in response.iter("response_label")]
        chosen = labels.index(right[ident]) if right.get(ident) in labels else None
        if chosen is None or chosen >= len(answers):
            raise _QtiError(f"matching item {text!r} ({ident}) has no right answer among the answers")
        pairs.append(matching.Pair(text, answers[chosen]))
    asked = _asked_items(item, pairs)
    feedback = _item_feedback(item)
    question_block = next((flow for flow in flows if flow.get("class") == "QUESTION_BLOCK"), None)
    identifier = item.get("ident", "") or _metadata(item).get("bbmd_asi_object_id", "")
    matched = _Matched(asked, _material_text(question_block), identifier, feedback)
    return _qti1_matching_questions(document, item, topics, matched)


def _right_answers(item: Element) -> dict[str, str]:
    """The answer ident each response ident is right with: the first a crediting condition tests."""
    right: dict[str, str] = {}
    for scored in _scored_conditions(item):
        for test in scored.condition.iter("varequal") if scored.fraction > 0 else ():
            right.setdefault(test.get("respident", ""), (test.text or "").strip())
    return right


def _asked_items(item: Element, pairs: Sequence[matching.Pair]) -> list[matching.AskedItem]:
    """The matching's items as questions sharing the item's points (1 when it states none)."""
    try:
        return matching.asked_items(pairs, _qti1_points(_metadata(item)) or 1.0)
    except matching.MatchingError as error:
        raise _QtiError(str(error)) from None


@dataclass(frozen=True)
class _Matched:
    """A QTI 1.2 matching item read: its items as questions, the prompt before them, its id, its feedback."""

    asked: Sequence[matching.AskedItem]
    prompt: str
    identifier: str
    feedback: dict[str, str]


def _qti1_matching_questions(
    document: _Document, item: Element, topics: list[str], matched: _Matched
) -> list[MoodleQuestion]:
    """One question per item to match, "<id>-<n>" and "<title> (<n>)" when there are several, each with
    the item's general and right/wrong feedback."""
    general = _qti1_general_feedback(item, matched.feedback)
    outcome = _qti1_outcome_feedback(item, matched.feedback, general)
    title, several = (item.get("title") or "").strip(), len(matched.asked) > 1
    questions = []
    for index, part in enumerate(matched.asked, start=1):
        question = _question(
            document,
            item,
            identifier=f"{matched.identifier}-{index}" if several else matched.identifier,
            prompt=matched.prompt + part.asking if matched.prompt else "",
            data={**part.data, **outcome},
            topics=topics,
            general_feedback=general,
            reference="",
            points=part.points,
        )
        questions.append(
            replace(question, title=f"{title} ({index})" if title and several else question.title)
        )
    return questions


def _label_ids(items: Sequence[Element]) -> dict[Element, str]:
    """Ids from QTI 1.2 `label` attributes where the `ident` cannot serve: Brightspace libraries give
    copied items one ident (OBJ_115255) but each its own label (Week02_Q1). Only items whose ident repeats
    in the file are renamed, so files that imported cleanly keep their ids; the label must be a valid id
    that no other item's label or ident uses (else the ident stays, numbered as before)."""
    idents = Counter(item.get("ident", "").strip() for item in items)
    labels = Counter(item.get("label", "").strip() for item in items)
    renamed = {}
    for item in items:
        ident, label = item.get("ident", "").strip(), item.get("label", "").strip()
        shared_ident = bool(ident) and idents[ident] > 1
        if shared_ident and labels[label] == 1 and label not in idents and is_question_id(label):
            renamed[item] = label
    return renamed


def _decoded(raw: bytes, path: Path) -> str:
    """A zip member's text in the encoding its XML declaration names (UTF-8 by default)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    declared = _XML_ENCODING.match(raw.lstrip(b"\xef\xbb\xbf")[:200])
    encoding = declared.group(1).decode("ascii") if declared else "utf-8-sig"
    try:
        return raw.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except LookupError:
        raise InputFileError(path, f"unknown text encoding {encoding!r} in the XML declaration") from None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputFileError(path, f"not valid {encoding} text", line=line) from None


@dataclass
class _Package:
    documents: list[_Document]
    title: str
    topics: dict[str, list[str]]
    sizes: dict[str, int]
    """Every member's unpacked size, by name."""
    pools: list[tuple[str, str]] = field(default_factory=list)
    """Blackboard 6 pools (member name, text): not QTI, read by formats/blackboard_pool.py."""
    file_names: dict[str, str] = field(default_factory=dict)
    """Names Blackboard's sidecars give its nameless files (blackboard_file_names)."""


def _taxon_labels(resource: Element) -> list[str]:
    """Inspera's item labels: the last entry of each `<taxonpath>` in a resource's metadata."""
    labels = []
    for taxon_path in resource.iter("taxonpath"):
        texts = [
            (node.text or "").strip() for node in taxon_path.iter() if node.tag in ("langstring", "string")
        ]
        texts = [text for text in texts if text]
        if len(texts) > 1 or (texts and taxon_path.find("source") is None):
            labels.append(texts[-1])
    return labels


def _manifest_title(manifest: _Document) -> str:
    metadata = manifest.root.find("metadata")
    for title in metadata.iter("title") if metadata is not None else ():
        text = next((text for node in title.iter() if (text := (node.text or "").strip())), "")
        if text:
            return text
    return ""


def _manifest_entries(manifest: _Document) -> tuple[list[str], dict[str, list[str]]]:
    """Member names the manifest lists, in order, with each one's labels."""
    base = posixpath.dirname(manifest.name)
    members: list[str] = []
    labels: dict[str, list[str]] = {}
    for resource in manifest.root.iter("resource"):
        xml_base = resource.get("base", "")
        references = [resource.get("href", ""), resource.get("file", "")]  # Blackboard: bb:file
        references += [file.get("href", "") for file in resource.findall("file")]
        for reference in filter(None, references):
            for candidate in (
                posixpath.join(base, xml_base, unquote(reference)),
                posixpath.join(base, unquote(reference)),
            ):
                name = posixpath.normpath(candidate).lstrip("/")
                if name not in labels:
                    members.append(name)
                    labels[name] = _taxon_labels(resource)
    return members, labels


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit} bytes"


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, budget: list[int]) -> str:
    where = Path(f"{path}/{info.filename}")
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputFileError(where, f"is larger than {_size(MAX_MEMBER_BYTES)}; refusing to read it")
    with archive.open(info) as member:
        raw = member.read(MAX_MEMBER_BYTES + 1)
    if len(raw) > MAX_MEMBER_BYTES:
        raise InputFileError(where, f"unpacks to more than {_size(MAX_MEMBER_BYTES)}; refusing to read it")
    budget[0] -= len(raw)
    if budget[0] < 0:
        raise InputFileError(path, f"the package unpacks to more than {_size(MAX_PACKAGE_BYTES)}")
    return _decoded(raw, where)


def _read_package(path: Path) -> _Package:
    """The QTI documents of a content package, in manifest order, without extracting anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            repair_member_names(archive)
            infos = {info.filename: info for info in archive.infolist() if not info.is_dir()}
            manifests = sorted(
                (name for name in infos if posixpath.basename(name) == "imsmanifest.xml"),
                key=lambda name: name.count("/"),
            )
            budget = [MAX_PACKAGE_BYTES]
            topics: dict[str, list[str]] = {}
            title = ""
            if manifests:
                manifest_text = _read_member(archive, infos[manifests[0]], path, budget)
                manifest = _parse(manifest_text, Path(f"{path}/{manifests[0]}"), manifests[0])
                listed, topics = _manifest_entries(manifest)
                title = _manifest_title(manifest)
                names = [name for name in listed if name in infos and name.lower().endswith(_XML_SUFFIXES)]
            else:
                names = sorted(name for name in infos if name.lower().endswith(_XML_SUFFIXES))
            if len(names) > MAX_DOCUMENTS:
                raise InputFileError(path, f"the package lists more than {MAX_DOCUMENTS} files")
            documents = []
            pools = []
            for name in names:
                text = _read_member(archive, infos[name], path, budget)
                if looks_like_qti(text):
                    documents.append(_parse(text, Path(f"{path}/{name}"), name))
                elif looks_like_blackboard_pool(text):
                    pools.append((name, text))
                elif not title and _is_ilias_pool_file(name):
                    title = _ilias_pool_title(_parse(text, Path(f"{path}/{name}"), name))
            documents += _test_items(
                documents, infos, lambda name: _read_member(archive, infos[name], path, budget), path
            )
            _attach_stimuli(
                documents,
                lambda name: (
                    _parse(_read_member(archive, infos[name], path, budget), Path(f"{path}/{name}"), name)
                    if name in infos
                    else None
                ),
            )
            file_names = blackboard_file_names(
                infos, lambda name: _read_member(archive, infos[name], path, budget)
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError):
        raise InputFileError(path, f"not a QTI package: {unreadable_zip(path)}") from None
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except OSError as error:
        raise InputFileError(path, f"cannot read file: {error.strerror or error}") from None
    sizes = {name: info.file_size for name, info in infos.items()}
    return _Package(documents, title, topics, sizes, pools, file_names)


def _test_items(
    documents: list[_Document], available: Container[str], read: Callable[[str], str], path: Path
) -> list[_Document]:
    """Items an assessmentTest refers to that the manifest did not list."""
    have = {document.name for document in documents}
    extra = []
    for test in [document for document in documents if document.root.tag == "assessmentTest"]:
        for reference in test.root.iter("assessmentItemRef"):
            name = _referenced_member(test, reference)
            if reference.get("href") and name not in available:
                raise InputFileError(
                    Path(f"{path}/{test.name}"),
                    f"item file {reference.get('href')!r} is not in the package",
                    line=test.line(reference),
                )
        for name in _item_references(test):
            if name not in have:
                text = read(name)
                if looks_like_qti(text):
                    extra.append(_parse(text, Path(f"{path}/{name}"), name))
                    have.add(name)
    return extra


def _referenced_member(test: _Document, reference: Element) -> str:
    """The member name an <assessmentItemRef href> points to, relative to the test's own folder."""
    folder = posixpath.dirname(test.name)
    return posixpath.normpath(posixpath.join(folder, unquote(reference.get("href", "")))).lstrip("/")


def _item_references(test: _Document) -> list[str]:
    return [
        _referenced_member(test, reference)
        for reference in test.root.iter("assessmentItemRef")
        if reference.get("href")
    ]


def _stimulus_references(item: _Document) -> list[tuple[str, Element]]:
    """The member names of the shared stimuli an item refers to (QTI 3's <qti-assessment-stimulus-ref>),
    relative to the item's own folder, with the referring elements."""
    folder = posixpath.dirname(item.name)
    return [
        (posixpath.normpath(posixpath.join(folder, unquote(ref.get("href", "")))).lstrip("/"), ref)
        for ref in item.root.iter("assessmentStimulusRef")
        if ref.get("href")
    ]


def _stimulus_text(stimulus: _Document) -> str:
    if stimulus.root.tag != "assessmentStimulus":
        raise InputFileError(
            stimulus.path,
            f"not a QTI stimulus: the root element is <{stimulus.root.tag}>, expected <assessmentStimulus>",
            line=stimulus.line(stimulus.root),
        )
    return _readable(stimulus.root.find("stimulusBody"))


def _attach_stimuli(items: Sequence[_Document], read: Callable[[str], _Document | None]) -> None:
    """Give each item the texts of the stimuli it refers to; `read` returns None for a missing file."""
    texts: dict[str, str] = {}
    for item in items:
        for name, reference in _stimulus_references(item):
            if name not in texts:
                stimulus = read(name)
                if stimulus is None:
                    raise InputFileError(
                        item.path,
                        f"shared stimulus {reference.get('href')!r} not found",
                        line=item.line(reference),
                    )
                texts[name] = _stimulus_text(stimulus)
            if texts[name]:
                item.stimuli.append(texts[name])


def _section_topics(test: _Document) -> dict[str, list[str]]:
    """Item member name -> titles of the (visible) assessmentSections around its reference."""
    topics: dict[str, list[str]] = {}

    def visit(node: Element, titles: list[str]) -> None:
        for child in node:
            if child.tag == "assessmentSection":
                title = (child.get("title") or "").strip()
                visit(
                    child, [*titles, title] if title and child.get("visible", "true") != "false" else titles
                )
            elif child.tag == "assessmentItemRef" and child.get("href"):
                topics[_referenced_member(test, child)] = titles
            else:
                visit(child, titles)

    visit(test.root, [])
    return topics


def _standalone_documents(path: Path) -> list[_Document]:
    """A single QTI file; an assessmentTest brings the item files it refers to (inside its folder only)."""
    document = _parse(read_text(path, windows_encodings=True), path)
    if document.root.tag not in _QTI_ROOTS:
        raise InputFileError(
            path,
            f"not a QTI file: the root element is <{document.root.tag}>, expected <assessmentItem>, "
            "<assessmentTest> or <questestinterop>",
            line=document.line(document.root),
        )
    folder = path.parent.resolve()
    documents = [document]
    for reference in document.root.iter("assessmentItemRef"):
        target = (folder / unquote(reference.get("href", ""))).resolve()
        if not target.is_relative_to(folder):
            raise InputFileError(
                path,
                f"item file {reference.get('href')!r} is outside the test's folder",
                line=document.line(reference),
            )
        if not target.is_file():
            raise InputFileError(
                path, f"item file {reference.get('href')!r} not found", line=document.line(reference)
            )
        item = _parse(
            read_text(target, windows_encodings=True), target, target.relative_to(folder).as_posix()
        )
        documents.append(item)
    _attach_stimuli(documents, lambda name: _local_document(folder, name))
    return documents


def _unpacked_package(manifest_path: Path) -> _Package:
    """A content package unpacked into a folder, read as its zip would be: the QTI files its manifest lists
    (inside the folder only), named by their paths relative to it, with the manifest's title and labels."""
    folder = manifest_path.parent.resolve()
    manifest = _parse(read_text(manifest_path, windows_encodings=True), manifest_path, MANIFEST_NAME)
    if manifest.root.tag != "manifest":
        raise InputFileError(
            manifest_path,
            f"not a content package manifest: the root element is <{manifest.root.tag}>, expected <manifest>",
            line=manifest.line(manifest.root),
        )
    listed, topics = _manifest_entries(manifest)
    names = [name for name in listed if name.lower().endswith(_XML_SUFFIXES) and name in _FolderNames(folder)]
    if len(names) > MAX_DOCUMENTS:
        raise InputFileError(manifest_path, f"the manifest lists more than {MAX_DOCUMENTS} files")
    documents: list[_Document] = []
    pools: list[tuple[str, str]] = []
    for name in names:
        text = _folder_text(folder, name)
        if looks_like_qti(text):
            documents.append(_parse(text, folder / name, name))
        elif looks_like_blackboard_pool(text):
            pools.append((name, text))
    documents += _test_items(documents, _FolderNames(folder), partial(_folder_text, folder), folder)
    _attach_stimuli(documents, lambda name: _local_document(folder, name))
    file_names = blackboard_file_names(set(_csfiles(folder)), partial(_folder_text, folder))
    return _Package(documents, _manifest_title(manifest), topics, {}, pools, file_names)


def _folder_text(folder: Path, name: str) -> str:
    """The text of a file of an unpacked package, by its path relative to the package's folder."""
    target = _folder_file(folder, name)
    if target is None:
        raise InputFileError(folder / name, "is not in the package's folder")
    return read_text(target, windows_encodings=True)


@dataclass(frozen=True)
class _FolderNames:
    """The files inside `folder`, by their paths relative to it, as a package's member names are."""

    folder: Path

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _folder_file(self.folder, name) is not None


def _local_document(folder: Path, name: str) -> _Document | None:
    """A file an item refers to, by its path relative to the folder of the file being imported."""
    target = (folder / name).resolve()
    if not target.is_file():
        return None
    return _parse(read_text(target, windows_encodings=True), target, name)


def _ordered(documents: list[_Document]) -> tuple[list[_Document], dict[str, list[str]]]:
    """Items in the order the (first) assessmentTest lists them, then the rest; topics from its sections."""
    tests = [document for document in documents if document.root.tag == "assessmentTest"]
    items = [document for document in documents if document.root.tag != "assessmentTest"]
    if not tests:
        return items, {}
    order = {name: position for position, name in enumerate(_item_references(tests[0]))}
    items.sort(key=lambda document: order.get(document.name, len(order)))
    weights = _item_weights(tests[0])
    for document in items:
        document.weight = weights.get(document.name)
    return items, _section_topics(tests[0])


def _item_weights(test: _Document) -> dict[str, float]:
    """Item member name -> the weight its <assessmentItemRef> gives it (`<weight identifier="W"
    value="2"/>`; with several, the first); a weight of 1 or none leaves the item's points alone."""
    weights = {}
    for reference in test.root.iter("assessmentItemRef"):
        weight = reference.find("weight")
        if reference.get("href") and weight is not None and weight.get("value", "").strip():
            value = _number(weight.get("value"), "weight")
            if value > 0 and value != 1:
                weights[_referenced_member(test, reference)] = value
    return weights


_ILIAS_QTI_SUFFIX = "_qti.xml"
_ILIAS_POOL_SUFFIX = "_qpl.xml"
"""An ILIAS question pool export holds its questions in `<export>_qti.xml` and the pool itself (title,
description, pages) in `<export>_qpl.xml` beside it."""


def _is_ilias_pool_file(name: str) -> bool:
    return name.lower().endswith(_ILIAS_POOL_SUFFIX)


def _ilias_pool_title(pool: _Document) -> str:
    """The title an ILIAS pool file gives the pool (ContentObject / MetaData / General / Title; some
    tools writing ILIAS pools spell it 'Metadata'); '' when it has none."""
    if pool.root.tag != "ContentObject":
        return ""
    for metadata in (child for child in pool.root if child.tag.lower() == "metadata"):
        for general in (child for child in metadata if child.tag.lower() == "general"):
            for title in (child for child in general if child.tag.lower() == "title"):
                if text := " ".join("".join(title.itertext()).split()):
                    return text
    return ""


def _ilias_pool_title_beside(path: Path) -> str:
    """The pool title of an unpacked ILIAS export: `…_qpl.xml` beside the `…_qti.xml` being read."""
    if not path.name.lower().endswith(_ILIAS_QTI_SUFFIX):
        return ""
    pool = path.with_name(path.name[: -len(_ILIAS_QTI_SUFFIX)] + _ILIAS_POOL_SUFFIX)
    return _ilias_pool_title(_parse(read_text(pool), pool)) if pool.is_file() else ""


def _bank_title(path: Path, package_title: str, documents: Sequence[_Document]) -> str:
    """The one quiz's or test's title, else the package's (Canvas: 'QTI Quiz Export for course …'), else
    the file name."""
    titles = [_qti1_title(d.root) for d in documents if d.root.tag == "questestinterop"]
    titles += [(d.root.get("title") or "").strip() for d in documents if d.root.tag == "assessmentTest"]
    titles = [title for title in titles if title]
    if len(set(titles)) == 1:
        return titles[0]
    if package_title:
        return package_title
    return title_from_path(
        path.with_suffix("") if path.suffix.lower() in (".zip", ".qti", ".imscc") else path
    )


def _assessment_ident(document: _Document) -> str:
    assessment = document.root.find("assessment") if document.root.tag == "questestinterop" else None
    return (assessment.get("ident") or "") if assessment is not None else ""


def _has_canvas_types(document: _Document) -> bool:
    return any(_metadata(item).get("question_type") for item in document.root.iter("item"))


def _without_cartridge_copies(documents: list[_Document]) -> list[_Document]:
    """A Canvas course export (.imscc) holds each quiz twice: a Common Cartridge copy
    (<quiz>/assessment_qti.xml, cc_profile types, no points) and Canvas's own (non_cc_assessments/
    <quiz>.xml.qti); of the copies sharing an assessment ident, Canvas's own is read."""
    canvas_own = {
        ident
        for document in documents
        if (ident := _assessment_ident(document)) and _has_canvas_types(document)
    }
    return [
        document
        for document in documents
        if _assessment_ident(document) not in canvas_own or _has_canvas_types(document)
    ]


def _bank_items_quizzes_use(documents: Sequence[_Document]) -> set[str]:
    """The question-bank items (Canvas objectbank) the quizzes of a course export copy: a quiz item names
    its bank item in `assessment_question_identifierref`, so the bank's copy would be a duplicate."""
    return {
        reference
        for document in documents
        if _assessment_ident(document)
        for item in document.root.iter("item")
        if (reference := _metadata(item).get("assessment_question_identifierref", ""))
    }


def _is_package(path: Path) -> bool:
    return path.suffix.lower() == ".zip" or zipfile.is_zipfile(path) or starts_like_zip(path)


def _questions(path: Path, problems: ImportProblems) -> tuple[list[MoodleQuestion], str, _MediaFiles]:
    """Every question of a QTI file or package (zipped or unpacked) in test order, the bank's title, and
    the media shown."""
    pools: list[tuple[str, str]] = []
    manifest = unpacked_manifest(path)
    if manifest is not None:
        package = _unpacked_package(manifest)
        documents, manifest_topics, package_title = package.documents, package.topics, package.title
        folder = manifest.parent.resolve()
        files = _MediaFiles(
            _folder_file_size(folder),
            f"the folder {folder.name}",
            xids=_folder_xids(folder),
            given_names=package.file_names,
        )
        pools = package.pools
    elif _is_package(path):
        package = _read_package(path)
        documents, manifest_topics, package_title = package.documents, package.topics, package.title
        files = _MediaFiles(
            package.sizes.get,
            "the package",
            xids=blackboard_xids(package.sizes),
            given_names=package.file_names,
        )
        pools = package.pools
    else:
        documents, manifest_topics = _standalone_documents(path), {}
        package_title = _ilias_pool_title_beside(path)
        folder = path.parent.resolve()
        files = _MediaFiles(
            _folder_file_size(folder), f"the folder of {path.name}", xids=_folder_xids(folder)
        )
    read = _without_cartridge_copies(documents)
    items, section_topics = _ordered(read)
    if not items and not pools:
        raise InputFileError(path, "no QTI questions found (no assessmentItem or questestinterop file)")
    quizzes = {document.name for document in items if document.root.tag == "questestinterop"}
    used_bank_items = _bank_items_quizzes_use(items)
    parsed: list[MoodleQuestion] = []
    for document in items:
        topics = [*manifest_topics.get(document.name, []), *section_topics.get(document.name, [])]
        if document.root.tag == "questestinterop" and len(quizzes) > 1:
            topics.insert(0, _qti1_title(document.root))
        _collect(document, topics, problems, parsed, files, used_bank_items=used_bank_items)
    banks = {bank.get("ident", "") for document in read for bank in document.root.iter("objectbank")}
    for document in read:
        _note_draws(document, ImportProblems(document.path, notes=problems.notes), banks)
    pool_titles = [
        _collect_pool(path, name, text, problems, parsed, files=files, several=len(pools) > 1)
        for name, text in pools
    ]
    if not package_title and not documents and len(set(pool_titles)) == 1:
        package_title = pool_titles[0]
    return parsed, _bank_title(path, package_title, documents), files


def _collect_pool(
    path: Path,
    name: str,
    text: str,
    problems: ImportProblems,
    parsed: list[MoodleQuestion],
    *,
    files: _MediaFiles,
    several: bool,
) -> str:
    """The questions of a Blackboard 6 pool in the package (after its QTI questions), its title their
    topic when the package holds several pools; returns the title."""
    where = Path(f"{path}/{name}")
    member = ImportProblems(where, errors=problems.errors, skipped=problems.skipped, notes=problems.notes)
    document = _Document(where, Element("POOL"), {}, name)

    def attach(question: MoodleQuestion, pictures: list[str], several: bool) -> MoodleQuestion:
        shown = [_Shown("image", [source]) for source in pictures]
        label = f"QUESTION {question.title!r}"
        return _attach(question, document, shown, files, label, one_of_several=several)

    pool, title = pool_questions(text, where, member, attach)
    parsed += [
        replace(question, topics=[title, *question.topics]) if several and title else question
        for question in pool
    ]
    return title


def import_qti(
    path: Path, *, skipped: list[InputFileError] | None = None, notes: list[str] | None = None
) -> Bank:
    """A bank from a QTI file or package (.zip with imsmanifest.xml); nothing is returned half-done.

    With a `skipped` list, items tenta has no type for are recorded there instead of failing; a `notes`
    list gets the pictures and sound an item shows that the package (or folder) lacks."""
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    parsed, title, files = _questions(path, problems)
    bank = moodle_bank(path, parsed, problems, title=title, missing_reference=_MISSING_REFERENCE)
    if notes is not None:
        notes.extend(files.notes)
    return bank
