"""What a bank loses when written in another tool's format, said before the file is used.

Whole kinds of content without a place in a format (rubrics, second-language texts) are named in each
exporter's docstring; the losses listed here change how a question is graded, so `tenta bank export`
warns about them question by question.
"""

from __future__ import annotations

from question_bank.models import Bank, Question

_KEEPS_ALL_OR_NOTHING = frozenset({"yaml", "json", "aiken"})
"""Formats that grade an all-or-nothing question as tenta does: the native files, and Aiken, whose
questions have one correct answer to pick (and which refuses the others)."""
_FORMAT_LABELS = {"gift": "GIFT", "moodle-xml": "Moodle XML"}


def export_losses(bank: Bank, format_name: str) -> list[str]:
    """One line per question whose grading `format_name` (a key of detect.EXPORTERS) cannot keep."""
    if format_name in _KEEPS_ALL_OR_NOTHING:
        return []
    label = _FORMAT_LABELS.get(format_name, format_name)
    return [
        f"question {question.id} is all or nothing, which {label} cannot say: Moodle's multiple choice "
        "gives part of the points for some of the correct choices"
        for question in bank.questions
        if _is_multiple_all_or_nothing(question)
    ]


def _is_multiple_all_or_nothing(question: Question) -> bool:
    """All or nothing with several correct choices (with one, any single-answer question is already)."""
    return question.all_or_nothing and sum(choice.fraction > 0 for choice in question.choices) > 1
