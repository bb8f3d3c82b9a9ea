"""A separate process writing to a tenta database, for the crash and concurrency tests.

    python -m tests.db.writer batch URL COUNT [--print]   submit + grade COUNT answers (external keys k0..)
    python -m tests.db.writer quiz URL COUNT              a student taking COUNT one-question quizzes
    python -m tests.db.writer forever URL                 endless batch reporting every commit (to be killed)
With --wait the writer prints "ready" after opening the database and starts on a line from stdin.
"""

from __future__ import annotations

import sys

from db.records import NewGrade
from db.repository import Repository, open_repository
from tests.db.banks import sample_bank

POINT_TEXT = "the kernel slides over the input and the element-wise products are summed " * 12


def grade_for(index: int) -> NewGrade:
    """A grade checkable after a crash: `points` has index % 7 + 1 entries whose credits sum to score."""
    count = index % 7 + 1
    points = [{"point_id": f"p{n}", "credit": 0.25, "evidence": POINT_TEXT} for n in range(count)]
    return NewGrade(
        score=0.25 * count,
        max_points=2.0,
        points=points,
        feedback=f"{count} points",
        confidence=0.5,
        needs_review=index % 2 == 0,
        flags=[],
        grader_version="crash-test",
        model_id="none",
    )


def batch(repository: Repository, count: int | None, *, report: bool) -> None:
    bank = sample_bank()
    student = repository.get_or_create_student("Batch Student")
    index = 0
    while count is None or index < count:
        answer = repository.submit_answer(
            student.id, bank, bank.questions[0], f"answer {index}", source="batch", external_key=f"k{index}"
        )
        if report:
            print(f"answer {answer.id} {index}", flush=True)
        stored = repository.save_grade(answer.id, grade_for(index))
        if report:
            print(f"grade {answer.id} {stored.id}", flush=True)
        index += 1


def quiz(repository: Repository, count: int) -> None:
    bank = sample_bank()
    student = repository.get_or_create_student("Quiz Student")
    for index in range(count):
        session = repository.start_session(student.id, bank, bank.questions[:2], "practice")
        repository.save_draft(session.id, "conv", f"draft {index}")
        repository.submit_answer(student.id, bank, bank.questions[0], f"quiz {index}", session_id=session.id)
        repository.set_position(session.id, 1)
        repository.finish_session(session.id)


def main(argv: list[str]) -> None:
    mode, url = argv[0], argv[1]
    repository = open_repository(url)
    if "--wait" in argv:
        print("ready", flush=True)
        sys.stdin.readline()
    if mode == "forever":
        batch(repository, None, report=True)
    elif mode == "batch":
        batch(repository, int(argv[2]), report="--print" in argv)
    elif mode == "quiz":
        quiz(repository, int(argv[2]))
    repository.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
