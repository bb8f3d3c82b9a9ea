"""IMS QTI 2.1 content packages of a bank, for Inspera, ONYX, TAO and Canvas New Quizzes.

The package (a .zip) holds imsmanifest.xml, one `assessmentItem` file per question ("<id>-item.xml", the
item identifier the question id), an `assessmentTest` listing the items in bank order, and the questions'
pictures and sound under media/. Every item declares SCORE and MAXSCORE (the question's points) and is
written in the bank's main language (xml:lang on the item):

- free text -> `extendedTextInteraction`, scored by hand; the reference answer and the weighted key points
  ('Marking:' with '- key point (1.5 p)' lines) are a `<rubricBlock view="scorer">`, which Inspera and TAO
  show to graders only and tenta's importer (formats/qti.py) reads back as reference answer and rubric.
  Where that reading would not give the same reference and key points back (one key point, a reference
  that itself looks like a marking scheme) the key points are headings there instead, which graders see
  and the importer passes over: the reference comes back whole and new key points are proposed.
- multiple choice and true/false -> `choiceInteraction` (one answer when some choice alone earns full
  points, else any number) scored by map_response with each choice's share of the points as its mapEntry
  (bounded to 0..points, as tenta adds the ticked shares up and clamps); all-or-nothing by match_correct
  with the question's points as the score (the template gives 1).
- short exact -> `textEntryInteraction` (string) mapping the accepted answers to their share of the points,
  each map entry caseSensitive as the question is (a QTI player compares the typed text as it is: tenta
  also forgives a trailing full stop and extra spaces); numerical -> `textEntryInteraction` (float) with
  one `<equal toleranceMode="absolute">` condition per accepted value, tried in order as tenta does.
  A float box takes a number and nothing else, so a question's unit is printed by the box (after it, or
  before it for units written left) and the values are those typed in that unit: the unit worth itself
  (Moodle's first), else the first, scaling the values by its multiplier. Answers in its other units and
  a penalty for leaving the unit out have no place (the importer reads the unit back as prompt text).
- hints -> the adaptive item of the QTI examples: an `endAttemptInteraction` bound to the boolean
  HINTREQUEST (a 'Show hint' button ending the attempt without scoring it), each press counting one more
  hint in HINTS_SHOWN and showing the hints so far through HINT_FEEDBACK's `modalFeedback`s (HINT_1 …,
  which tenta's importer reads back as the hints in order); an answer sets completionStatus to completed.
- response processing is written out, never a template: Inspera's import reads no template but
  match_correct. It then sets Inspera's FEEDBACK outcome (feedback_unanswered, feedback_correct,
  feedback_partially_correct, feedback_wrong; feedback_answered for an essay), which Inspera asks of
  items scored by their own rules.
- choice feedback -> `feedbackInline` in the choice (shown through CHOICE_FEEDBACK, set to the response);
  a short or numerical answer's feedback -> a `modalFeedback` (ANSWER_1 …) shown through ANSWER_FEEDBACK
  (also a short answer's worth nothing, Moodle's feedback on a common wrong answer, and a catch-all '*'
  as the condition's else),
  which a condition comparing the response with that answer sets (stringMatch, or equal within its
  tolerance), the first that matches as tenta tries them; tenta's importer gives it back to the answer;
  general feedback -> a `modalFeedback` (shown through GENERAL_FEEDBACK, always set); outcome feedback ->
  a `modalFeedback` per outcome shown through Inspera's FEEDBACK (feedback_correct,
  feedback_partially_correct, feedback_wrong), after the general one as tenta shows them; an essay's too,
  though its response processing sets only feedback_answered (its score is known after the hand marking,
  so a player that shows feedback at submission shows the general feedback alone), and tenta's importer
  reads each back by its identifier.
- text: a Markdown question that uses its formatting (formats/markdown_text.uses_markdown) has every text
  rendered as the XHTML it shows (markdown-it: <strong>, <em>, <code>, <pre><code class="language-…">,
  lists, links, headings; a choice and its feedback on one line), so Inspera and Canvas show bold as bold;
  tenta's importer reads such an item back as Markdown. A plain question, and a Markdown one of
  paragraphs alone, is written as text with its line breaks, as before (a Markdown one's backslash
  escapes taken off: 'Beräkna 2\\*3' shows as tenta shows it, 'Beräkna 2*3').
- code -> `<pre><code class="language-…">` after the prompt; media markers ("[image: name]") -> `<img>`
  (pictures) or `<object>` (sound, video) referring to the copy in media/, files no marker places after
  the prompt. Topics -> the manifest's item labels (taxon paths, as Inspera documents them); the time
  limit -> the test's `timeLimits`.

Not kept (named by `qti_losses`, said by `tenta bank export`): the second language, the feedback on a
wildcard short answer (but a catch-all '*') or a number worth no points, units other than the printed
one and the unit penalty, hints after each wrong try (they come on request, and the package's test
submits all answers at once, where players show none), the wildcard '*' of short answers, code languages
other than python (for tenta's importer, which reads <pre> as python). Key point ids and paraphrases have
no place in QTI.
Text is escaped by the XML writer; characters XML 1.0 cannot hold (control codes) are left out.
"""

from __future__ import annotations

import math
import mimetypes
import re
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement, indent, tostring

import defusedxml.ElementTree as SafeElementTree

from question_bank.formats.common import html_to_markdown, html_to_text
from question_bank.formats.exporting import IMAGE_NAME, MEDIA_MARKER, MediaPlacement, letter, write_atomically
from question_bank.formats.markdown_text import (
    markdown_html,
    markdown_inline_html,
    unformatted_text,
    uses_markdown,
)
from question_bank.formats.media_files import bank_media_names
from question_bank.keypoints import read_marking_scheme
from question_bank.models import (
    Bank,
    Choice,
    NumericalAnswer,
    NumericalUnit,
    NumericalUnits,
    Question,
    QuestionType,
)

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_SCHEMA = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CONTENT_PACKAGE_NAMESPACE = "http://www.imsglobal.org/xsd/imscp_v1p1"
METADATA_NAMESPACE = "http://www.imsglobal.org/xsd/imsmd_v1p2"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
TEST_FILE = "assessmentTest.xml"
MEDIA_FOLDER = "media"
RESPONSE = "RESPONSE"
INSPERA_FEEDBACK = "FEEDBACK"
"""Inspera reads how an answer went from this outcome (feedback_correct …), so it shows nothing itself."""
CHOICE_FEEDBACK = "CHOICE_FEEDBACK"
GENERAL_FEEDBACK = "GENERAL_FEEDBACK"
ANSWER_FEEDBACK = "ANSWER_FEEDBACK"
"""A text entry's accepted answer whose feedback shows (ANSWER_1 …, by the answer's place among those
the package accepts), set by a condition comparing the response with that answer."""
HINT_REQUEST = "HINTREQUEST"
"""The hint button's response (true when the candidate pressed it), named as in the QTI examples."""
HINTS_SHOWN = "HINTS_SHOWN"
HINT_FEEDBACK = "HINT_FEEDBACK"
"""The hints shown so far (HINT_1 … HINT_n): multiple, so each press adds one and keeps the earlier."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LABELS = {
    "sv": ("Modellsvar", "Bedömning:", "Nyckelpunkter"),
    "en": ("Model answer", "Marking:", "Key points"),
}
"""The scorer rubric's heading, criteria label and fallback heading, by language ('Bedömning:' and
'Marking:' are both labels tenta's importer knows)."""
_HINT_LABELS = {"sv": ("Visa ledtråd", "Ledtråd"), "en": ("Show hint", "Hint")}
"""The hint button's title and each hint's title ('Hint 2'), by language."""


def item_identifier(question: Question) -> str:
    """The question id as a QTI identifier (an XML NCName, which cannot start with a digit: '_' first)."""
    return question.id if question.id[0].isalpha() else f"_{question.id}"


def item_file(question: Question) -> str:
    return f"{item_identifier(question)}-item.xml"


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: Windows line ends as \\n, control codes and lone surrogates left out."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _number(value: float) -> str:
    """A float as QTI writes it: integers without '.0', others exactly (repr)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _root(tag: str, namespace: str, schema: str, attributes: Mapping[str, str]) -> Element:
    """A document element declaring its namespace and schema location as literal attributes (the
    children are written without prefixes, so they are in that namespace)."""
    return Element(
        tag,
        {
            "xmlns": namespace,
            "xmlns:xsi": _XSI,
            "xsi:schemaLocation": f"{namespace} {schema}",
            **attributes,
        },
    )


def _indented(root: Element) -> Element:
    """Manifest and test indented for people reading them (items are not: their text is mixed content)."""
    indent(root)
    return root


def _serialised(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")


# ---- text and media ------------------------------------------------------------------------------------


def _append_text(parent: Element, text: str) -> None:
    """Add `text` after what `parent` already holds."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _append_lines(parent: Element, text: str) -> None:
    for index, line in enumerate(text.split("\n")):
        if index:
            SubElement(parent, "br")
        _append_text(parent, line)


class _MediaPlacer(MediaPlacement):
    """Puts a question's media where its "[image: name]" / "[sound: name]" markers are, as <img> or
    <object> referring to the package's copy."""

    def inline(self, parent: Element, text: str, *, line_breaks: bool = True) -> None:
        """Append `text` to `parent`: media markers as the media they name, line breaks as <br/> (not in
        rendered Markdown, where a newline is a space and a break is already a <br/>)."""
        append = _append_lines if line_breaks else _append_text
        end = 0
        for match in MEDIA_MARKER.finditer(text):
            append(parent, text[end : match.start()])
            kind, label = match.groups()
            name = self.place(kind, label)
            if name is None:
                _append_text(parent, match.group(0))
            else:
                _media_element(parent, name, label)
            end = match.end()
        append(parent, text[end:])

    def within(self, element: Element) -> None:
        """Place the media the markers in `element`'s text name, at any depth but inside code."""
        children = list(element)
        text, element.text = element.text or "", None
        for child in children:
            element.remove(child)
        self.inline(element, text, line_breaks=False)
        for child in children:
            tail, child.tail = child.tail or "", None
            if child.tag not in ("pre", "code"):
                self.within(child)
            element.append(child)
            self.inline(element, tail, line_breaks=False)


def _media_element(parent: Element, name: str, label: str) -> Element:
    """A picture as <img> (alt: what the marker said), sound or video as <object> with its MIME type."""
    source = f"{MEDIA_FOLDER}/{quote(name, safe='')}"
    if IMAGE_NAME.search(name):
        return SubElement(parent, "img", {"src": source, "alt": label})
    mime_type = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    return SubElement(parent, "object", {"data": source, "type": mime_type})


def _rendered(markup: str, media: _MediaPlacer | None) -> Element:
    """The XHTML markdown-it wrote, in a <div>, with the media its markers name placed."""
    holder: Element = SafeElementTree.fromstring(f"<div>{markup}</div>")
    for element in holder.iter():
        allowed = _QTI_ATTRIBUTES.get(element.tag, ())
        for name in [name for name in element.attrib if name not in allowed]:
            del element.attrib[name]
    if media is not None:
        media.within(holder)
    return holder


_QTI_ATTRIBUTES = {"a": ("href",), "img": ("src", "alt"), "code": ("class",)}
"""The attributes of markdown-it's output a QTI 2.1 item may hold (an <ol start>, a link's title may not:
the numbering starts at 1, the title is left out)."""


def _blocks(parent: Element, text: str, question: Question, media: _MediaPlacer | None = None) -> None:
    """A question's text: Markdown that uses formatting rendered as the XHTML it shows (emphasis, code,
    lists …), other text as paragraphs (blank lines apart) with line breaks; media placed where marked."""
    if uses_markdown(question):
        parent.extend(_rendered(markdown_html(_xml_text(text)), media))
        return
    for paragraph in _PARAGRAPH_BREAK.split(_xml_text(unformatted_text(question, text)).strip()):
        element = SubElement(parent, "p")
        if media is None:
            _append_lines(element, paragraph)
        else:
            media.inline(element, paragraph)


def _inline_text(parent: Element, text: str, question: Question, media: _MediaPlacer | None = None) -> None:
    """A choice or its feedback, shown in a line: Markdown's emphasis, code and links rendered (no
    paragraph), other text with its line breaks; media placed where marked."""
    if not uses_markdown(question):
        shown = _xml_text(unformatted_text(question, text))
        if media is None:
            _append_lines(parent, shown)
        else:
            media.inline(parent, shown)
        return
    rendered = _rendered(markdown_inline_html(_xml_text(text)), media)
    _append_text(parent, rendered.text or "")
    parent.extend(rendered)


# ---- scorer rubric -------------------------------------------------------------------------------------


def _labels(language: str) -> tuple[str, str, str]:
    return _LABELS.get(language, _LABELS["en"])


def _hint_labels(language: str) -> tuple[str, str]:
    return _HINT_LABELS.get(language, _HINT_LABELS["en"])


def _point_line(question: Question, index: int) -> str:
    point = question.rubric[index]
    points = float(f"{point.weight * question.max_points:.4g}")
    return f"{' '.join(_xml_text(point.text).split())} ({_number(points)} p)"


def _markup(element: Element) -> str:
    return tostring(element, encoding="unicode")


def _reads_back(question: Question, reference: Element, rubric: Element) -> bool:
    """Whether tenta's importer, reading `rubric` (headings left out) as a marking scheme, gets the same
    reference answer and key points (texts up to case and end punctuation, weights to 0.1 %); for a
    Markdown question read as plain text and as Markdown, as the importer reads the item either way."""
    shown = Element("div")
    shown.extend(child for child in rubric if child.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"))
    readers = (html_to_text, html_to_markdown) if uses_markdown(question) else (html_to_text,)
    return all(_read_back_by(read, question, _markup(reference), _markup(shown)) for read in readers)


def _read_back_by(read: Callable[[str], str], question: Question, reference: str, rubric: str) -> bool:
    scheme = read_marking_scheme(read(rubric))
    if not scheme.from_criteria or scheme.reference != read(reference):
        return False
    if len(scheme.points) != len(question.rubric):
        return False
    total = sum(point.weight for point in scheme.points)
    return all(
        _comparable(point.text) == _comparable(written.text)
        and math.isclose(point.weight / total, written.weight, rel_tol=1e-3)
        for point, written in zip(scheme.points, question.rubric, strict=True)
    )


def _comparable(text: str) -> str:
    return " ".join(text.split()).strip(" .;,:").casefold()


def _scorer_rubric(question: Question, language: str) -> Element:
    """The reference answer and the weighted key points, for graders only."""
    heading, criteria_label, fallback_heading = _labels(language)
    reference = Element("div")
    _blocks(reference, question.reference_in(language), question)
    rubric = Element("rubricBlock", {"view": "scorer"})
    SubElement(rubric, "h2").text = heading
    rubric.extend(reference)
    SubElement(rubric, "p").text = criteria_label
    listed = SubElement(rubric, "ul")
    for index in range(len(question.rubric)):
        SubElement(listed, "li").text = _point_line(question, index)
    if _reads_back(question, reference, rubric):
        return rubric
    rubric.remove(listed)
    rubric.remove(rubric[-1])  # the criteria label
    SubElement(rubric, "h3").text = fallback_heading
    for index in range(len(question.rubric)):
        SubElement(rubric, "h4").text = _point_line(question, index)
    return rubric


# ---- items ---------------------------------------------------------------------------------------------


def _identifier_outcome(item: Element, identifier: str, cardinality: str) -> None:
    attributes = {"identifier": identifier, "cardinality": cardinality, "baseType": "identifier"}
    SubElement(item, "outcomeDeclaration", attributes)


def _declare_outcomes(item: Element, question: Question) -> None:
    """SCORE and MAXSCORE; Inspera's FEEDBACK (how the answer went); the outcomes that show feedback."""
    points = _number(question.max_points)
    score = SubElement(
        item,
        "outcomeDeclaration",
        {"identifier": "SCORE", "cardinality": "single", "baseType": "float", "normalMaximum": points},
    )
    SubElement(SubElement(score, "defaultValue"), "value").text = "0"
    maximum = SubElement(
        item, "outcomeDeclaration", {"identifier": "MAXSCORE", "cardinality": "single", "baseType": "float"}
    )
    SubElement(SubElement(maximum, "defaultValue"), "value").text = points
    _identifier_outcome(item, INSPERA_FEEDBACK, "single")
    if _has_choice_feedback(question):
        _identifier_outcome(item, CHOICE_FEEDBACK, "single" if _is_single_answer(question) else "multiple")
    if question.general_feedback.strip():
        _identifier_outcome(item, GENERAL_FEEDBACK, "single")
    if _answer_feedback(question):
        _identifier_outcome(item, ANSWER_FEEDBACK, "single")
    if question.hints:
        shown = SubElement(
            item,
            "outcomeDeclaration",
            {"identifier": HINTS_SHOWN, "cardinality": "single", "baseType": "integer"},
        )
        SubElement(SubElement(shown, "defaultValue"), "value").text = "0"
        _identifier_outcome(item, HINT_FEEDBACK, "multiple")


def _is_single_answer(question: Question) -> bool:
    """One choice to pick: some choice alone earns full points (true/false always), unless all or nothing."""
    if question.type is QuestionType.TRUE_FALSE:
        return True
    return not question.all_or_nothing and max(choice.fraction for choice in question.choices) >= 1.0


def _response_declaration(
    item: Element, cardinality: str, base_type: str, identifier: str = RESPONSE
) -> Element:
    return SubElement(
        item,
        "responseDeclaration",
        {"identifier": identifier, "cardinality": cardinality, "baseType": base_type},
    )


def _correct_values(declaration: Element, values: Sequence[str]) -> None:
    correct = SubElement(declaration, "correctResponse")
    for value in values:
        SubElement(correct, "value").text = value


def _mapping(
    declaration: Element,
    entries: Sequence[tuple[str, float]],
    question: Question,
    *,
    case_sensitive: bool = True,
) -> None:
    """Each key's points (its share of the question's), the total bounded to 0..points as tenta clamps;
    every entry says whether case counts (QTI 2.1 requires it)."""
    mapping = SubElement(
        declaration,
        "mapping",
        {"lowerBound": "0", "upperBound": _number(question.max_points), "defaultValue": "0"},
    )
    for key, fraction in entries:
        attributes = {
            "mapKey": key,
            "mappedValue": _number(fraction * question.max_points),
            "caseSensitive": "true" if case_sensitive else "false",
        }
        SubElement(mapping, "mapEntry", attributes)


def _best_first(choices: Sequence[Choice]) -> Choice:
    return max(choices, key=lambda choice: choice.fraction)


def _choice_response(item: Element, question: Question, identifiers: Sequence[str]) -> None:
    single = _is_single_answer(question)
    declaration = _response_declaration(item, "single" if single else "multiple", "identifier")
    if single:
        best = _best_first(question.choices)
        correct = [identifiers[question.choices.index(best)]]
    else:
        correct = [
            key for key, choice in zip(identifiers, question.choices, strict=True) if choice.fraction > 0
        ]
    _correct_values(declaration, correct)
    if not question.all_or_nothing:
        entries = [
            (key, choice.fraction)
            for key, choice in zip(identifiers, question.choices, strict=True)
            if choice.fraction != 0
        ]
        _mapping(declaration, entries, question)


def _shown_unit(units: NumericalUnits) -> NumericalUnit:
    """The unit the item prints by a numerical question's box, the number typed in it: the one worth
    itself (multiplier 1, Moodle's first unit), else the first."""
    return next((unit for unit in units.units if unit.multiplier == 1), units.units[0])


def _typed_values(question: Question) -> list[NumericalAnswer]:
    """The accepted values and tolerances as typed in the shown unit (written = value x multiplier, as
    tenta reads '981 cm/s^2' as 9.81 m/s^2): the question's own when it has no units or the unit is 1."""
    if question.units is None or (unit := _shown_unit(question.units)).multiplier == 1:
        return list(question.numerical)
    return [
        answer.model_copy(
            update={"value": answer.value * unit.multiplier, "tolerance": answer.tolerance * unit.multiplier}
        )
        for answer in question.numerical
    ]


def _text_entry_response(item: Element, question: Question) -> None:
    if question.type is QuestionType.NUMERICAL:
        declaration = _response_declaration(item, "single", "float")
        values = _typed_values(question)
        best = max(values, key=lambda answer: answer.fraction)
        _correct_values(declaration, [_number(best.value)])
        if len(values) > 1:
            _mapping(declaration, [(_number(a.value), a.fraction) for a in values], question)
        return
    declaration = _response_declaration(item, "single", "string")
    accepted = _accepted_texts(question)
    _correct_values(declaration, [_xml_text(_best_first(accepted).text)])
    entries = [(_xml_text(choice.text), choice.fraction) for choice in accepted]
    _mapping(declaration, entries, question, case_sensitive=question.case_sensitive)


def _value(base_type: str, text: str) -> Element:
    element = Element("baseValue", {"baseType": base_type})
    element.text = text
    return element


def _set_score(parent: Element, expression: Element) -> None:
    SubElement(parent, "setOutcomeValue", {"identifier": "SCORE"}).append(expression)


def _variable(identifier: str) -> Element:
    return Element("variable", {"identifier": identifier})


def _map_rules(processing: Element) -> None:
    """map_response written out: no answer scores 0, else the mapped points."""
    condition = SubElement(processing, "responseCondition")
    none = SubElement(condition, "responseIf")
    SubElement(none, "isNull").append(_variable(RESPONSE))
    _set_score(none, _value("float", "0"))
    mapped = Element("mapResponse", {"identifier": RESPONSE})
    _set_score(SubElement(condition, "responseElse"), mapped)


def _match_rules(processing: Element, question: Question) -> None:
    """match_correct written out with the question's points (the template's score is 1)."""
    condition = SubElement(processing, "responseCondition")
    matched = SubElement(condition, "responseIf")
    match = SubElement(matched, "match")
    match.extend([_variable(RESPONSE), Element("correct", {"identifier": RESPONSE})])
    _set_score(matched, _value("float", _number(question.max_points)))
    _set_score(SubElement(condition, "responseElse"), _value("float", "0"))


def _numerical_rules(processing: Element, question: Question) -> None:
    """One condition per accepted value, the first within its tolerance giving its share of the points."""
    condition = SubElement(processing, "responseCondition")
    for index, answer in enumerate(_typed_values(question)):
        branch = SubElement(condition, "responseIf" if index == 0 else "responseElseIf")
        equal = SubElement(
            branch, "equal", {"toleranceMode": "absolute", "tolerance": _number(answer.tolerance)}
        )
        equal.extend([_variable(RESPONSE), _value("float", _number(answer.value))])
        _set_score(branch, _value("float", _number(answer.fraction * question.max_points)))


def _accepted_texts(question: Question) -> list[Choice]:
    """The short answers the package accepts (those worth points): the rest have no place in a mapping."""
    return [choice for choice in question.choices if choice.fraction > 0]


def _compared_answers(question: Question) -> list[Choice | NumericalAnswer]:
    """The answers the package compares the response with to show their feedback, in the order tenta
    tries them (numbers as typed in the printed unit): a short question's answers but wildcards worth
    nothing, which QTI cannot compare with, up to and with a catch-all '*' worth nothing that has feedback
    (Moodle's feedback for any other answer: the condition's else); the numbers worth points (a number
    worth nothing is tried in its place among the others, which an importer reading the accepted values
    does not keep)."""
    if question.type is QuestionType.NUMERICAL:
        return [answer for answer in _typed_values(question) if answer.fraction > 0]
    if question.type is not QuestionType.SHORT_EXACT:
        return []
    compared: list[Choice | NumericalAnswer] = []
    for choice in question.choices:
        if _is_catch_all(choice) and choice.feedback.strip() and compared:
            return [*compared, choice]
        if choice.fraction > 0 or "*" not in choice.text:
            compared.append(choice)
    return compared


def _is_catch_all(answer: Choice | NumericalAnswer) -> bool:
    return isinstance(answer, Choice) and answer.text.strip() == "*" and answer.fraction <= 0


def _answer_feedback(question: Question) -> list[tuple[Choice | NumericalAnswer, str]]:
    """The compared answers that have feedback of their own, each with it: ANSWER_1 … in this order."""
    return [
        (answer, answer.feedback.strip()) for answer in _compared_answers(question) if answer.feedback.strip()
    ]


def _answer_identifier(number: int) -> str:
    return f"ANSWER_{number}"


def _answer_feedback_rules(processing: Element, question: Question) -> None:
    """Set ANSWER_FEEDBACK to the first answer the response is, where it has feedback: the same text (with
    the question's case rule) or the same number within that answer's tolerance, tried in order as tenta
    does; a catch-all's feedback is the else, so the answers before it are compared even without
    feedback of their own."""
    compared = _compared_answers(question)
    catch_all = bool(compared) and _is_catch_all(compared[-1])
    condition = SubElement(processing, "responseCondition")
    number = 0
    for answer in compared:
        feedback = bool(answer.feedback.strip())
        if feedback:
            number += 1
        if not (catch_all or feedback):
            continue
        if _is_catch_all(answer):
            branch = SubElement(condition, "responseElse")
        else:
            branch = SubElement(condition, "responseElseIf" if len(condition) else "responseIf")
            branch.append(_compared_with(question, answer))
        if feedback:
            _set_identifier(branch, ANSWER_FEEDBACK, _answer_identifier(number))


def _compared_with(question: Question, answer: Choice | NumericalAnswer) -> Element:
    """The response is `answer`: equal within its tolerance, or the same text by the question's case."""
    if isinstance(answer, NumericalAnswer):
        test = Element("equal", {"toleranceMode": "absolute", "tolerance": _number(answer.tolerance)})
        test.extend([_variable(RESPONSE), _value("float", _number(answer.value))])
        return test
    test = Element("stringMatch", {"caseSensitive": "true" if question.case_sensitive else "false"})
    test.extend([_variable(RESPONSE), _value("string", _xml_text(answer.text))])
    return test


def _has_choice_feedback(question: Question) -> bool:
    return question.type in _CHOICE_TYPES and any(choice.feedback.strip() for choice in question.choices)


def _set_identifier(parent: Element, outcome: str, value: str) -> None:
    SubElement(parent, "setOutcomeValue", {"identifier": outcome}).append(_value("identifier", value))


def _answer_state_rules(processing: Element, question: Question) -> None:
    """Inspera's FEEDBACK: feedback_unanswered, then feedback_answered for an essay (scored by hand), or
    feedback_correct / feedback_partially_correct / feedback_wrong by the score."""
    condition = SubElement(processing, "responseCondition")
    unanswered = SubElement(condition, "responseIf")
    SubElement(unanswered, "isNull").append(_variable(RESPONSE))
    _set_identifier(unanswered, INSPERA_FEEDBACK, "feedback_unanswered")
    if question.type is QuestionType.FREE_TEXT:
        _set_identifier(SubElement(condition, "responseElse"), INSPERA_FEEDBACK, "feedback_answered")
        return
    for test, other, state in (
        ("gte", _variable("MAXSCORE"), "feedback_correct"),
        ("gt", _value("float", "0"), "feedback_partially_correct"),
    ):
        branch = SubElement(condition, "responseElseIf")
        SubElement(branch, test).extend([_variable("SCORE"), other])
        _set_identifier(branch, INSPERA_FEEDBACK, state)
    _set_identifier(SubElement(condition, "responseElse"), INSPERA_FEEDBACK, "feedback_wrong")


def _hint_identifier(number: int) -> str:
    return f"HINT_{number}"


def _show_hints(parent: Element, count: int) -> None:
    """Set HINT_FEEDBACK to the first `count` hints."""
    shown = SubElement(SubElement(parent, "setOutcomeValue", {"identifier": HINT_FEEDBACK}), "multiple")
    shown.extend(_value("identifier", _hint_identifier(number)) for number in range(1, count + 1))


def _hint_rules(processing: Element, count: int) -> None:
    """The hint button (the QTI examples' HINTREQUEST): a press counts one hint more, shows the hints up
    to that count (all of them once every one has been asked for) and ends the processing, so a hint
    request scores nothing and leaves the item open for the answer."""
    condition = SubElement(processing, "responseCondition")
    requested = SubElement(condition, "responseIf")
    requested.append(_variable(HINT_REQUEST))
    counted = SubElement(SubElement(requested, "setOutcomeValue", {"identifier": HINTS_SHOWN}), "sum")
    counted.extend([_variable(HINTS_SHOWN), _value("integer", "1")])
    if count == 1:
        _show_hints(requested, 1)
    else:
        by_count = SubElement(requested, "responseCondition")
        for number in range(count, 1, -1):
            branch = SubElement(by_count, "responseIf" if number == count else "responseElseIf")
            SubElement(branch, "gte").extend([_variable(HINTS_SHOWN), _value("integer", str(number))])
            _show_hints(branch, number)
        _show_hints(SubElement(by_count, "responseElse"), 1)
    SubElement(requested, "exitResponse")


def _response_processing(item: Element, question: Question) -> None:
    """Scoring as tenta grades, written out (Inspera reads no template but match_correct, whose score of 1
    is not the question's points), then the outcomes that say how the answer went and show feedback. An
    item with hints answers a hint request first; an answer then completes it (an adaptive item stays
    open until its processing says so)."""
    processing = SubElement(item, "responseProcessing")
    if question.hints:
        _hint_rules(processing, len(question.hints))
    if question.all_or_nothing:
        _match_rules(processing, question)
    elif question.type is QuestionType.NUMERICAL:
        _numerical_rules(processing, question)
    elif question.type is not QuestionType.FREE_TEXT:
        _map_rules(processing)
    _answer_state_rules(processing, question)
    if _has_choice_feedback(question):
        SubElement(processing, "setOutcomeValue", {"identifier": CHOICE_FEEDBACK}).append(_variable(RESPONSE))
    if _answer_feedback(question):
        _answer_feedback_rules(processing, question)
    if question.general_feedback.strip():
        _set_identifier(processing, GENERAL_FEEDBACK, "GENERAL")
    if question.hints:
        _set_identifier(processing, "completionStatus", "completed")


_CHOICE_TYPES = (QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE)


def _choice_interaction(
    body: Element, question: Question, identifiers: Sequence[str], media: _MediaPlacer
) -> None:
    interaction = SubElement(
        body,
        "choiceInteraction",
        {
            "responseIdentifier": RESPONSE,
            "shuffle": "false",
            "maxChoices": "1" if _is_single_answer(question) else "0",
        },
    )
    for identifier, choice in zip(identifiers, question.choices, strict=True):
        element = SubElement(interaction, "simpleChoice", {"identifier": identifier})
        _inline_text(element, choice.text, question, media)
        if choice.feedback.strip():
            feedback = SubElement(
                element,
                "feedbackInline",
                {"outcomeIdentifier": CHOICE_FEEDBACK, "identifier": identifier, "showHide": "show"},
            )
            _append_text(feedback, " ")
            _inline_text(feedback, choice.feedback.strip(), question)


def _expected_length(question: Question) -> str:
    if question.type is QuestionType.NUMERICAL:
        texts = [_number(answer.value) for answer in _typed_values(question)]
    else:
        texts = [choice.text for choice in question.choices]
    return str(max(10, max(len(text) for text in texts) + 5))


def _item_body(item: Element, question: Question, language: str, packed: Collection[str]) -> None:
    """Rubric for graders, prompt with its media, code, then what the candidate answers."""
    body = SubElement(item, "itemBody")
    if question.type is QuestionType.FREE_TEXT:
        body.append(_scorer_rubric(question, language))
    media = _MediaPlacer(question, packed)
    _blocks(body, question.prompt_in(language), question, media)
    identifiers = [letter(index) for index in range(len(question.choices))]
    if question.type in _CHOICE_TYPES:
        choices = Element("div")  # placed before the rest of the media is known, shown after the code
        _choice_interaction(choices, question, identifiers, media)
    rest = media.unplaced()
    if rest:
        shown = SubElement(body, "p")
        for name in rest:
            _append_text(shown, " " if len(shown) else "")
            _media_element(shown, name, name)
    if question.code is not None:
        pre = SubElement(body, "pre")
        code = SubElement(pre, "code", {"class": f"language-{question.code.language}"})
        code.text = _xml_text(question.code.source)
    if question.type in _CHOICE_TYPES:
        body.extend(choices)
    elif question.type is QuestionType.FREE_TEXT:
        SubElement(body, "extendedTextInteraction", {"responseIdentifier": RESPONSE, "expectedLines": "15"})
    else:
        _text_entry(body, question)
    if question.hints:
        button = SubElement(body, "p")
        attributes = {"responseIdentifier": HINT_REQUEST, "title": _hint_labels(language)[0]}
        SubElement(button, "endAttemptInteraction", attributes)


def _text_entry(body: Element, question: Question) -> None:
    """The answer box in a paragraph of its own, a numerical question's unit printed after it (before it
    when the question writes units left), so the number is typed in that unit."""
    blank = SubElement(body, "p")
    units = question.units
    if units is not None and units.left:
        blank.text = f"{_xml_text(_shown_unit(units).name)} "
    attributes = {"responseIdentifier": RESPONSE, "expectedLength": _expected_length(question)}
    box = SubElement(blank, "textEntryInteraction", attributes)
    if units is not None and not units.left:
        box.tail = f" {_xml_text(_shown_unit(units).name)}"


def assessment_item(bank: Bank, question: Question, packed: Collection[str] = ()) -> Element:
    """One question as a QTI 2.1 assessmentItem; `packed`: the media names the package holds."""
    language = bank.languages[0]
    item = _root(
        "assessmentItem",
        QTI_NAMESPACE,
        QTI_SCHEMA,
        {
            "identifier": item_identifier(question),
            "title": question.id,
            "adaptive": "true" if question.hints else "false",
            "timeDependent": "false",
            "xml:lang": language,
        },
    )
    identifiers = [letter(index) for index in range(len(question.choices))]
    if question.type in _CHOICE_TYPES:
        _choice_response(item, question, identifiers)
    elif question.type is QuestionType.FREE_TEXT:
        _response_declaration(item, "single", "string")
    else:
        _text_entry_response(item, question)
    if question.hints:
        _response_declaration(item, "single", "boolean", HINT_REQUEST)
    _declare_outcomes(item, question)
    _item_body(item, question, language, packed)
    _response_processing(item, question)
    if question.general_feedback.strip():
        modal = SubElement(
            item,
            "modalFeedback",
            {"outcomeIdentifier": GENERAL_FEEDBACK, "identifier": "GENERAL", "showHide": "show"},
        )
        _blocks(modal, question.general_feedback, question)
    _answer_modals(item, question)
    _outcome_modals(item, question)
    _hint_modals(item, question, language)
    return item


def _answer_modals(item: Element, question: Question) -> None:
    """A short or numerical answer's own feedback: a modalFeedback shown when ANSWER_FEEDBACK names it."""
    for number, (_, text) in enumerate(_answer_feedback(question), start=1):
        attributes = {
            "outcomeIdentifier": ANSWER_FEEDBACK,
            "identifier": _answer_identifier(number),
            "showHide": "show",
        }
        _blocks(SubElement(item, "modalFeedback", attributes), text, question)


_OUTCOME_STATES = (
    ("correct", "feedback_correct"),
    ("partially_correct", "feedback_partially_correct"),
    ("incorrect", "feedback_wrong"),
)
"""Which of Inspera's FEEDBACK values (set by _answer_state_rules from the score) shows which text."""


def _outcome_modals(item: Element, question: Question) -> None:
    """The outcome feedback: one modalFeedback per text, shown when FEEDBACK says the answer went so."""
    if question.outcome_feedback is None:
        return
    texts = question.outcome_feedback.model_dump()
    for name, state in _OUTCOME_STATES:
        if texts[name].strip():
            attributes = {"outcomeIdentifier": INSPERA_FEEDBACK, "identifier": state, "showHide": "show"}
            modal = SubElement(item, "modalFeedback", attributes)
            _blocks(modal, texts[name], question)


def _hint_modals(item: Element, question: Question, language: str) -> None:
    """One modalFeedback per hint ('Hint 2'), shown once HINT_FEEDBACK holds it."""
    title = _hint_labels(language)[1]
    for number, hint in enumerate(question.hints, start=1):
        attributes = {
            "outcomeIdentifier": HINT_FEEDBACK,
            "identifier": _hint_identifier(number),
            "showHide": "show",
            "title": f"{title} {number}",
        }
        _blocks(SubElement(item, "modalFeedback", attributes), hint, question)


# ---- test and manifest ---------------------------------------------------------------------------------


def assessment_test(bank: Bank) -> Element:
    """The bank's questions in order, in one section, the test's score their sum."""
    test = _root(
        "assessmentTest",
        QTI_NAMESPACE,
        QTI_SCHEMA,
        {"identifier": "TEST", "title": _xml_text(bank.title)},
    )
    SubElement(
        test, "outcomeDeclaration", {"identifier": "SCORE", "cardinality": "single", "baseType": "float"}
    )
    if bank.time_limit_minutes is not None:
        SubElement(test, "timeLimits", {"maxTime": _number(round(bank.time_limit_minutes * 60, 3))})
    part = SubElement(
        test,
        "testPart",
        {"identifier": "PART_1", "navigationMode": "nonlinear", "submissionMode": "simultaneous"},
    )
    section = SubElement(
        part,
        "assessmentSection",
        {"identifier": "SECTION_1", "title": _xml_text(bank.title), "visible": "false"},
    )
    for question in bank.questions:
        SubElement(
            section,
            "assessmentItemRef",
            {"identifier": item_identifier(question), "href": item_file(question)},
        )
    processing = SubElement(test, "outcomeProcessing")
    total = SubElement(SubElement(processing, "setOutcomeValue", {"identifier": "SCORE"}), "sum")
    SubElement(total, "testVariables", {"variableIdentifier": "SCORE"})
    return test


def _lom_title(parent: Element, title: str, language: str) -> Element:
    lom = SubElement(parent, "imsmd:lom")
    general = SubElement(lom, "imsmd:general")
    text = SubElement(SubElement(general, "imsmd:title"), "imsmd:langstring", {"xml:lang": language})
    text.text = _xml_text(title)
    return lom


def _labels_metadata(resource: Element, question: Question, language: str) -> None:
    """The question id and its topics as Inspera's item labels (one taxon path per topic)."""
    lom = _lom_title(SubElement(resource, "metadata"), question.id, language)
    for topic in question.topics:
        classification = SubElement(lom, "imsmd:classification")
        path = SubElement(classification, "imsmd:taxonpath")
        entry = SubElement(SubElement(SubElement(path, "imsmd:taxon"), "imsmd:entry"), "imsmd:langstring")
        entry.text = _xml_text(topic)


def _media_path(name: str) -> str:
    return f"{MEDIA_FOLDER}/{name}"


def manifest(bank: Bank, packed: Sequence[str] = ()) -> Element:
    """imsmanifest.xml: the test, every item (with its labels and the media it shows), every media file."""
    language = bank.languages[0]
    root = Element(
        "manifest",
        {
            "xmlns": CONTENT_PACKAGE_NAMESPACE,
            "xmlns:imsmd": METADATA_NAMESPACE,
            "xmlns:xsi": _XSI,
            "identifier": "MANIFEST",
            "xsi:schemaLocation": (
                f"{CONTENT_PACKAGE_NAMESPACE} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
                f"{METADATA_NAMESPACE} http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd "
                f"{QTI_NAMESPACE} {QTI_SCHEMA}"
            ),
        },
    )
    metadata = SubElement(root, "metadata")
    SubElement(metadata, "schema").text = "QTIv2.1 Package"
    SubElement(metadata, "schemaversion").text = "1.0.0"
    _lom_title(metadata, bank.title, language)
    SubElement(root, "organizations")
    resources = SubElement(root, "resources")
    test = SubElement(
        resources, "resource", {"identifier": "RES_TEST", "type": "imsqti_test_xmlv2p1", "href": TEST_FILE}
    )
    SubElement(test, "file", {"href": TEST_FILE})
    media_ids = {name: f"RES_MEDIA_{index}" for index, name in enumerate(packed, start=1)}
    for question in bank.questions:
        resource_id = f"RES_ITEM_{item_identifier(question)}"
        SubElement(test, "dependency", {"identifierref": resource_id})
        resource = SubElement(
            resources,
            "resource",
            {"identifier": resource_id, "type": "imsqti_item_xmlv2p1", "href": item_file(question)},
        )
        _labels_metadata(resource, question, language)
        SubElement(resource, "file", {"href": item_file(question)})
        for name in dict.fromkeys(question.media):
            if name in media_ids:
                SubElement(resource, "dependency", {"identifierref": media_ids[name]})
    for name, resource_id in media_ids.items():
        href = quote(_media_path(name))
        resource = SubElement(
            resources, "resource", {"identifier": resource_id, "type": "webcontent", "href": href}
        )
        SubElement(resource, "file", {"href": href})
    return root


# ---- the package ---------------------------------------------------------------------------------------


def package_media(bank: Bank, media_files: Mapping[str, Path]) -> list[str]:
    """The media names the package holds: every file a question lists that the media folder has."""
    return [name for name in bank_media_names(bank) if name in media_files]


def package_members(bank: Bank, packed: Sequence[str]) -> Iterator[tuple[str, bytes]]:
    """(member name, content) of the package's XML files: manifest, test, one file per item."""
    yield "imsmanifest.xml", _serialised(_indented(manifest(bank, packed)))
    yield TEST_FILE, _serialised(_indented(assessment_test(bank)))
    for question in bank.questions:
        yield item_file(question), _serialised(assessment_item(bank, question, packed))


def write_qti_package(bank: Bank, out: Path, media_files: Mapping[str, Path] | None = None) -> list[str]:
    """Write `bank` to `out` as a QTI 2.1 content package (.zip), atomically: a failure leaves the old
    file or none. `media_files`: the bank's media files by name. Returns the media names packed."""
    media_files = media_files or {}
    packed = package_media(bank, media_files)

    def write(temporary: Path) -> None:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, content in package_members(bank, packed):
                archive.writestr(member, content)
            for media_name in packed:
                archive.write(media_files[media_name], _media_path(media_name))

    write_atomically(Path(out), write)
    return packed


# ---- what is lost --------------------------------------------------------------------------------------


def qti_losses(bank: Bank) -> list[str]:
    """What a QTI package of `bank` cannot carry that a student or grader would miss: the second language
    (once for the bank), then per question how its hints are given, the units it cannot grade, the
    feedback on a wildcard or a number worth no points, the wildcard of a short answer, code whose
    language is not python."""
    main = bank.languages[0]
    other = sorted(
        {language for q in bank.questions for language in (*q.prompt, *q.reference_answer)} - {main}
    )
    losses = []
    if other:
        losses.append(
            f"texts in {', '.join(other)} are left out: a QTI item carries one language, the bank's main "
            f"language {main}"
        )
    for question in bank.questions:
        losses += [f"question {question.id}: {loss}" for loss in _question_losses(question)]
    return losses


def _question_losses(question: Question) -> Iterator[str]:
    if question.hints:
        yield (
            f"its {len(question.hints)} hint(s) come one more per press of the item's hint button, not after "
            "each wrong try; QTI players show none in this package's test, which submits all answers at once"
        )
    yield from _unit_losses(question)
    yield from _unscored_feedback_losses(question)
    if question.type is QuestionType.SHORT_EXACT:
        wildcards = [choice.text for choice in question.choices if "*" in choice.text and choice.fraction > 0]
        if wildcards:
            listed = ", ".join(repr(text) for text in wildcards)
            yield f"QTI matches {listed} literally: '*' is no wildcard there"
    if question.code is not None and question.code.language.strip().lower() != "python":
        yield (
            f"its {question.code.language} code is shown as preformatted text; tenta reads a QTI code "
            "block back as python"
        )


def _unscored_feedback_losses(question: Question) -> Iterator[str]:
    """The feedback on answers worth nothing that the package cannot show: a short answer's wildcard
    other than a catch-all '*' (QTI compares texts literally) and a number's (see `_compared_answers`)."""
    if question.type is QuestionType.SHORT_EXACT:
        compared = _compared_answers(question)
        lost = [c.text for c in question.choices if c.feedback.strip() and not any(c is a for a in compared)]
        reason = "a QTI text entry has no wildcard"
    elif question.type is QuestionType.NUMERICAL:
        lost = [_number(a.value) for a in question.numerical if a.fraction <= 0 and a.feedback.strip()]
        reason = "the package keeps the numbers worth points"
    else:
        return
    if lost:
        yield f"the feedback on {', '.join(map(repr, lost))}, worth no points, is left out ({reason})"


def _unit_losses(question: Question) -> Iterator[str]:
    """The units a QTI number box cannot grade: the other units than the one printed by the box, and the
    penalty for leaving the unit out (the student types the number alone)."""
    units = question.units
    if units is None:
        return
    unit = _shown_unit(units)
    lost = [f"answers in {other.name}" for other in units.units if other is not unit]
    if units.grading != "optional" and units.penalty > 0:
        lost.append(f"the {units.penalty:.0%} penalty for a missing or unknown unit")
    if lost:
        yield (
            f"the item prints its unit {unit.name} by the answer box, the number typed alone; left out: "
            f"{', '.join(lost)}"
        )
