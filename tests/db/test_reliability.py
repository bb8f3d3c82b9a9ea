"""Crashes lose nothing and leave no half-written grade; two writers at once both succeed."""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import create_engine_for
from db.repository import open_repository

REPO_ROOT = Path(__file__).resolve().parents[2]


def writer(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.db.writer", *args],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_mid_batch(url: str, seed: int) -> tuple[dict[int, int], dict[int, int]]:
    """Run the endless batch writer, SIGKILL it at a random moment; return what it reported committed."""
    rng = random.Random(seed)
    child = writer("forever", url)
    assert child.stdout is not None
    answers: dict[int, int] = {}
    grades: dict[int, int] = {}
    stop_after = rng.randint(25, 60)
    for line in child.stdout:
        kind, first, second = line.split()
        if kind == "answer":
            answers[int(first)] = int(second)
        else:
            grades[int(first)] = int(second)
        if len(answers) >= stop_after:
            break
    # Let it get into the next transactions, then kill without any chance to clean up.
    busy_loops = rng.randint(0, 20000)
    for _ in range(busy_loops):
        pass
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    for line in child.stdout:  # lines written before the kill are still committed work
        kind, first, second = line.split()
        (answers if kind == "answer" else grades)[int(first)] = int(second)
    assert child.returncode == -signal.SIGKILL
    return answers, grades


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_kill_9_mid_batch_loses_no_answer_and_leaves_no_partial_grade(
    empty_database_url: str, seed: int
) -> None:
    answers, grades = kill_mid_batch(empty_database_url, seed)
    repository = open_repository(empty_database_url)
    try:
        for answer_id, index in answers.items():
            detail = repository.get_answer(answer_id)
            assert detail.answer.text == f"answer {index}" and detail.answer.external_key == f"k{index}"
        for answer_id, grade_id in grades.items():
            assert grade_id in [g.id for g in repository.get_answer(answer_id).grades]
    finally:
        repository.close()

    engine = create_engine_for(empty_database_url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            rows = connection.execute(text("SELECT answer_id, score, points, feedback FROM grades")).all()
            stored_answers = connection.execute(text("SELECT count(*) FROM answers")).scalar()
    finally:
        engine.dispose()
    assert rows, "the child graded something before it was killed"
    for _answer_id, score, points, feedback in rows:
        parsed = json.loads(points) if isinstance(points, str) else points
        assert feedback == f"{len(parsed)} points"
        assert score == pytest.approx(sum(point["credit"] for point in parsed))
    # At most the one answer in flight at the kill can be stored without having been reported.
    assert len(answers) <= stored_answers <= len(answers) + 1  # type: ignore[operator]

    # Re-running the batch after the crash stores no duplicate (external keys) and finishes the work.
    rerun = writer("batch", empty_database_url, str(stored_answers + 5))  # type: ignore[operator]
    _out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    repository = open_repository(empty_database_url)
    try:
        stored = repository.answers_for_export("dl-test")
        assert len(stored) == stored_answers + 5  # type: ignore[operator]
        assert len({row.text for row in stored}) == len(stored)
    finally:
        repository.close()


@pytest.mark.slow
def test_quiz_and_batch_grading_write_at_the_same_time(empty_database_url: str) -> None:
    """Two processes start on a fresh database (racing on the migration too) and write concurrently."""
    count = 40
    children = [
        writer("quiz", empty_database_url, str(count), "--wait"),
        writer("batch", empty_database_url, str(count), "--wait"),
    ]
    for child in children:  # both opened (and migrated) the database; now start writing together
        assert child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            _out, err = child.communicate(timeout=60)
            pytest.fail(f"a writer stopped before opening the database (exit {child.returncode}):\n{err}")
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=300) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert out.strip().endswith("done")
    repository = open_repository(empty_database_url)
    try:
        quiz_student = repository.find_student("Quiz Student")
        assert quiz_student is not None
        sessions = repository.history(student_id=quiz_student.id)
        assert len(sessions) == count and all(s.answered_count == 1 for s in sessions)
        exported = repository.answers_for_export("dl-test")
        assert len(exported) == 2 * count
        assert sum(1 for row in exported if row.auto_score is not None) == count
        # The two writers really overlapped: their answers interleave in commit order.
        sources = [row.student_name for row in sorted(exported, key=lambda row: row.answer_id)]
        switches = sum(1 for before, after in itertools.pairwise(sources) if before != after)
        assert switches >= 2, sources
    finally:
        repository.close()
