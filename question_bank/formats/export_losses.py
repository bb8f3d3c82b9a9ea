"""What a bank loses when written in another tool's format, said before the file is used.

Whole kinds of content without a place in a format (rubrics, second-language texts) are named in each
exporter's docstring; the losses listed here change how a question is graded or what a student sees
(pictures and sound left behind), so `tenta bank export` warns about them question by question.
"""

from __future__ import annotations

from collections.abc import Collection

from question_bank.formats.qti_export import qti_losses
from question_bank.models import Bank, Question, QuestionType

_KEEPS_ALL_OR_NOTHING = frozenset({"yaml", "json", "aiken", "qti"})
"""Formats that grade an all-or-nothing question as tenta does: the native files, QTI (match_correct), and
Aiken, whose questions have one correct answer to pick (and which refuses the others)."""
_KEEPS_UNITS = frozenset({"yaml", "json", "moodle-xml"})
"""Formats that keep a numerical question's units (Moodle XML's <units>); GIFT and Aiken grade the bare
number."""
_NAMES_ITS_OWN = frozenset({"qti"})
"""Formats that keep part of the units and hints, their exporter naming the rest (qti_export.qti_losses:
the unit printed by the box, hints behind a button)."""
_KEEPS_CASE = frozenset({"yaml", "json", "moodle-xml", "qti"})
"""Formats that keep a short answer's case sensitivity (Moodle XML's <usecase>, QTI's caseSensitive on
each map entry); GIFT and Aiken accept any case."""
_KEEPS_OUTCOME_FEEDBACK = frozenset({"yaml", "json", "moodle-xml", "qti"})
_KEEPS_HINTS = frozenset({"yaml", "json", "moodle-xml", *_NAMES_ITS_OWN})
"""Formats with a place for feedback by how the answer did and for hints (GIFT and Aiken have only the
general feedback and, GIFT, the feedback on each answer)."""
_MOODLE_OUTCOME_TYPES = frozenset({QuestionType.MULTIPLE_CHOICE})
"""The question types whose right/partly right/wrong feedback Moodle shows (its combined feedback)."""
_FORMAT_LABELS = {
    "gift": "GIFT",
    "moodle-xml": "Moodle XML",
    "aiken": "Aiken",
    "yaml": "YAML",
    "json": "JSON",
    "anki": "Anki",
    "qti": "QTI",
}
_CARRIES_MEDIA = frozenset({"moodle-xml", "yaml", "json", "anki", "qti"})
"""Formats that keep a question's pictures and sound: embedded (Moodle XML, the Anki and QTI packages) or
in the media folder copied beside the written file (native YAML/JSON)."""
_KEEPS_MISCONCEPTIONS = frozenset({"yaml", "json"})
"""Formats with a place for a free-text question's misconceptions (negative rubric items): only the native
files; Moodle XML, GIFT, QTI and Anki have none, so an answer that states one would lose no points."""
_SELF_GRADED = frozenset({"anki"})
"""Formats whose cards the student grades by hand: no tenta grading survives, said once for the bank."""
SELF_GRADED_LOSS = (
    "Anki cards are self-graded: the key points with their weights and points, and the correct choices or "
    "values, are shown on each card's back, not used to grade"
)


def export_losses(
    bank: Bank, format_name: str, *, to_file: bool = True, media_missing: Collection[str] = ()
) -> list[str]:
    """One line per question whose grading or media `format_name` (a key of detect.EXPORTERS, or "anki")
    cannot keep; for a self-graded format (Anki) one line for the whole bank instead of the grading ones.
    `to_file`: the bank is written to a file (YAML/JSON printed to stdout leave the media folder behind);
    `media_missing`: media names the bank's media folder lacks, left out by every format."""
    label = _FORMAT_LABELS.get(format_name, format_name)
    if format_name in _SELF_GRADED:
        return [
            _self_graded_loss(bank),
            *_misconception_losses(bank, format_name, label),
            *_media_losses(bank, format_name, label, to_file=True, missing=media_missing),
        ]
    losses = [
        f"question {question.id} is all or nothing, which {label} cannot say: Moodle's multiple choice "
        "gives part of the points for some of the correct choices"
        for question in bank.questions
        if format_name not in _KEEPS_ALL_OR_NOTHING and _is_multiple_all_or_nothing(question)
    ]
    losses += _unit_and_case_losses(
        bank,
        label,
        units=format_name not in _KEEPS_UNITS | _NAMES_ITS_OWN,
        case=format_name not in _KEEPS_CASE,
    )
    losses += _feedback_losses(bank, format_name, label)
    if format_name == "gift":
        losses += _gift_losses(bank)
    if format_name == "aiken":
        losses += _aiken_losses(bank)
    if format_name == "qti":
        losses = qti_losses(bank) + losses
    losses += _misconception_losses(bank, format_name, label)
    return losses + _media_losses(bank, format_name, label, to_file=to_file, missing=media_missing)


def _self_graded_loss(bank: Bank) -> str:
    """The one line for a self-graded format, naming the per-answer feedback it leaves out if any."""
    with_feedback = any(
        choice.feedback.strip() for question in bank.questions for choice in question.choices
    ) or any(answer.feedback.strip() for question in bank.questions for answer in question.numerical)
    return SELF_GRADED_LOSS + (
        "; the feedback on single choices and values is left out" if with_feedback else ""
    )


def _misconception_losses(bank: Bank, format_name: str, label: str) -> list[str]:
    """Each question whose misconceptions `format_name` leaves out, with their ids so the teacher can
    find them: where the format grades, answers that state one no longer lose its penalty."""
    if format_name in _KEEPS_MISCONCEPTIONS:
        return []
    consequence = (
        "the cards do not mention them"
        if format_name in _SELF_GRADED
        else "an answer that states one loses no points"
    )
    losses = []
    for question in bank.questions:
        count = len(question.misconceptions)
        if count:
            ids = ", ".join(misconception.id for misconception in question.misconceptions)
            what = (
                f"its misconception (negative rubric item: {ids}) is"
                if count == 1
                else f"its {count} misconceptions (negative rubric items: {ids}) are"
            )
            losses.append(
                f"question {question.id}: {what} left out ({label} has no place for misconceptions): "
                f"{consequence}"
            )
    return losses


def _media_losses(
    bank: Bank, format_name: str, label: str, *, to_file: bool, missing: Collection[str]
) -> list[str]:
    """Each question's media the written bank will not have: all of it where the output cannot carry
    media, else the files the bank's media folder lacks."""
    carried = format_name in ("moodle-xml", "anki", "qti") or (format_name in _CARRIES_MEDIA and to_file)
    if carried:
        reason = "not in the bank's media folder"
    elif format_name in _CARRIES_MEDIA:
        reason = "the media folder is copied only beside a file written with --out"
    else:
        reason = f"{label} cannot carry pictures or sound"
    losses = []
    for question in bank.questions:
        lost = [name for name in question.media if not carried or name in missing]
        if lost:
            losses.append(f"question {question.id}: media {', '.join(lost)} left behind ({reason})")
    return losses


def _feedback_losses(bank: Bank, format_name: str, label: str) -> list[str]:
    """Outcome feedback and hints `format_name` has no place for."""
    losses = []
    for question in bank.questions:
        outcome_loss = _outcome_loss(question, format_name, label)
        if outcome_loss:
            losses.append(f"question {question.id}: {outcome_loss}")
        if question.hints and format_name not in _KEEPS_HINTS:
            losses.append(f"question {question.id}: its {len(question.hints)} hint(s) are left out ({label})")
    return losses


def _outcome_loss(question: Question, format_name: str, label: str) -> str:
    """What becomes of a question's outcome feedback in `format_name`, when it is not all kept ('' else)."""
    outcome = question.outcome_feedback
    if outcome is None:
        return ""
    numerical = question.type is QuestionType.NUMERICAL
    if (
        format_name == "gift"
        and numerical
        and not (outcome.correct.strip() or outcome.partially_correct.strip())
    ):
        return ""  # the wrong-answer feedback alone is GIFT's '~#…'
    if format_name not in _KEEPS_OUTCOME_FEEDBACK:
        return (
            f"its right/partly right/wrong feedback is left out ({label} has only general feedback and "
            "feedback on each answer)"
        )
    if format_name == "moodle-xml" and question.type not in _MOODLE_OUTCOME_TYPES:
        kept = "; its wrong-answer feedback is the '*' answer's" if numerical else ""
        kind = question.type.value.replace("_", " ")
        return (
            f"Moodle shows right/partly right/wrong feedback only for multiple choice, so Moodle leaves this "
            f"{kind} question's out{kept} (tenta reads it back)"
        )
    return ""


def _gift_losses(bank: Bank) -> list[str]:
    """What GIFT's syntax cannot hold: an essay's general feedback (its '####' is the reference answer) and
    a short answer with '->', which makes Moodle and tenta read the whole answer block as matching pairs
    (GIFT has no escape for it), so the file would not import."""
    losses = []
    for question in bank.questions:
        if question.type is QuestionType.FREE_TEXT and question.general_feedback.strip():
            losses.append(
                f"question {question.id}: its general feedback is left out (GIFT's '####' holds an "
                "essay's reference answer)"
            )
        arrows = [choice.text for choice in question.choices if "->" in choice.text]
        if question.type is QuestionType.SHORT_EXACT and arrows:
            listed = ", ".join(repr(text) for text in arrows)
            losses.append(
                f"question {question.id}: its answer {listed} has '->', which GIFT reads as a matching "
                "pair: Moodle and tenta cannot import the file; export as Moodle XML to keep the question"
            )
    return losses


def _aiken_losses(bank: Bank) -> list[str]:
    """What Aiken's one line per question and per choice cannot hold: a question's code block (the
    question would ask about code the student never sees) and the line breaks of its text."""
    losses = []
    language = bank.languages[0]
    for question in bank.questions:
        if question.code is not None:
            losses.append(
                f"question {question.id}: its {question.code.language} code is left out (an Aiken question "
                "is one line of text); export as Moodle XML, GIFT or QTI to keep it"
            )
        texts = [question.prompt_in(language), *(choice.text for choice in question.choices)]
        if any("\n" in text.strip() for text in texts):
            losses.append(
                f"question {question.id}: its text is written on one line (Aiken has one line per question "
                "and per choice)"
            )
    return losses


def _is_multiple_all_or_nothing(question: Question) -> bool:
    """All or nothing with several correct choices (with one, any single-answer question is already)."""
    return question.all_or_nothing and sum(choice.fraction > 0 for choice in question.choices) > 1


def _unit_and_case_losses(bank: Bank, label: str, *, units: bool, case: bool) -> list[str]:
    """Questions graded by their units (when `units`: `label` loses them) or by case (when `case`)."""
    losses = []
    for question in bank.questions:
        if units and question.units is not None:
            names = ", ".join(unit.name for unit in question.units.units)
            losses.append(
                f"question {question.id} takes answers in units ({names}), which {label} cannot say: "
                "only the number, in the first unit, is graded"
            )
        if case and question.case_sensitive:
            losses.append(
                f"question {question.id} is case sensitive, which {label} cannot say: any case is accepted"
            )
    return losses
