"""`tenta review` at 80 columns names the grader's flags in whole words (QA: 'low_co / nfiden / ce'),
and keeps every answer id whole, also with the longest student and question cells the table shows."""

from __future__ import annotations

import re

import pytest

from db.records import NewGrade
from question_bank.models import Bank
from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import TEACHER_BANK

FLAGS = [
    ["low_confidence"],
    ["wrong_question", "low_confidence"],
    ["off_topic", "low_confidence"],
    ["code_only", "copied_code", "low_confidence"],
    ["empty", "truncated"],
    [],
]
REASON = "I think my answer deserves more points than this, please"


@pytest.fixture
def long_bank(ctx: AppContext) -> Bank:
    """The teacher bank with a question id as long as the question column shows (20) and 10 points."""
    question = {**TEACHER_BANK["questions"][0], "id": "regularisation-terms", "max_points": 10}
    ctx.catalog.install(Bank.model_validate({**TEACHER_BANK, "id": "teacher-long", "questions": [question]}))
    return ctx.catalog.load("teacher-long")


@pytest.fixture
def flagged(ctx: AppContext, long_bank: Bank) -> dict[int, list[str]]:
    """An answer per set of flags the grader sets, by students with long names, graded 0.75/10 and
    flagged for review; the last one also asks for a regrade. Flags by answer id."""
    question = long_bank.questions[0]
    flagged: dict[int, list[str]] = {}
    for index, flags in enumerate(FLAGS):
        student = ctx.repository.get_or_create_student(f"Ann-Kristin Johansson-Lindqvist {index}")
        answer = ctx.repository.submit_answer(student.id, long_bank, question, "Dropout is a layer. " * 5)
        grade = NewGrade(
            score=0.75,
            max_points=question.max_points,
            points=[],
            confidence=0.3,
            needs_review=True,
            flags=flags,
            grader_version="test",
            model_id="none",
        )
        ctx.repository.save_grade(answer.id, grade)
        flagged[answer.id] = flags
    ctx.repository.request_regrade(answer.id, REASON)
    return flagged


def _rows(stdout: str) -> dict[int, tuple[list[str], str]]:
    """Per answer id (the first cell, read whole as a number): its question cell and the lines of its
    last cell (why and the answer's first words)."""
    rows: dict[int, tuple[list[str], str]] = {}
    current: list[str] = []
    for line in stdout.splitlines():
        cells = line.split("│")
        if len(cells) < 8:  # a table row: seven or more cells between borders
            continue
        if cells[1].strip():
            current = []
            rows[int(cells[1])] = (current, cells[3].strip())
        current.append(cells[6].strip())
    return rows


def test_review_at_80_columns_names_every_flag_whole_and_every_id(
    ctx: AppContext, flagged: dict[int, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    code, stdout, _ = tenta("review", "--bank", "teacher-long")

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    rows = _rows(stdout)
    assert sorted(rows) == sorted(flagged), "every answer id whole, as `tenta override` takes it"
    for answer_id, flags in flagged.items():
        lines, question = rows[answer_id]
        assert question == "regularisation-terms"
        why = " ".join(lines)
        for flag in flags or ["low_confidence"]:
            assert flag.replace("_", " ") in why, f"answer {answer_id}: {flag} is not whole in {lines}"
        words = {word for line in lines for word in re.split(r"[ ,:]+", line)}
        assert not any("_" in word for word in words), "flags are named in words"
        assert lines[-1].startswith("Dropout"), "the answer's first words under its reasons"
    regrade = rows[max(flagged)][0]
    assert f"regrade requested: {REASON} low confidence" in " ".join(regrade), "the request, then the flag"
    assert regrade[:2] == ["regrade", "requested:"], "wrapped at spaces"
