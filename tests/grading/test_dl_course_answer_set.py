"""Structure of the hand-graded Swedish/English seed-exam answer set (tests/data/dl_course_answers.jsonl).

The set is the yardstick for cross-language fairness (`tenta eval --bank dl-course`); if it drifts
(a pair graded differently, a question with only one language, scores off the scale) the fairness
numbers measured on it stop meaning anything, so these checks guard the data itself.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "dl_course_answers.jsonl"
SEED_EXAM = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_d7daf46238b56a97.txt"

MAX_SCORES = {1: 2, 2: 2, 3: 2, 4: 3, 5: 4, 6: 2, 7: 2, 8: 2, 9: 2, 10: 3, 11: 2, 12: 2}
MIN_ANSWERS_PER_LANGUAGE = 5
MIN_PAIRS_PER_QUESTION = 2
MIN_DISTINCT_SCORES = 4
SWEDISH_MARKERS = frozenset(
    {"är", "och", "att", "den", "som", "en", "ett", "det", "inte", "för", "på", "med", "till"}
    | {"typ", "alltså"}
)


class AnswerRecord(BaseModel):
    """One graded student answer; every field is required (pair_id may be null)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: Literal["tenta-dl-course"]
    question_number: int = Field(ge=1, le=12)
    question_id: str
    answer_id: str
    question: str = Field(min_length=1)
    reference_answer: str = Field(min_length=1)
    student_answer: str
    language: Literal["sv", "en"]
    score: float
    max_score: float
    pair_id: str | None
    split: Literal["dev"]


def load_records() -> list[AnswerRecord]:
    """Parse the file, failing with the line number of the first bad record."""
    records: list[AnswerRecord] = []
    for line_number, line in enumerate(DATA_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            records.append(AnswerRecord.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as error:
            pytest.fail(f"{DATA_FILE.name}:{line_number}: {error}")
    return records


@pytest.fixture(scope="module")
def records() -> list[AnswerRecord]:
    return load_records()


@pytest.fixture(scope="module")
def by_question(records: list[AnswerRecord]) -> dict[int, list[AnswerRecord]]:
    grouped: dict[int, list[AnswerRecord]] = defaultdict(list)
    for record in records:
        grouped[record.question_number].append(record)
    return dict(grouped)


def test_every_exam_question_has_answers(by_question: dict[int, list[AnswerRecord]]) -> None:
    assert sorted(by_question) == list(range(1, 13))


def test_identifiers_follow_the_question_number(records: list[AnswerRecord]) -> None:
    for record in records:
        assert record.question_id == f"dl-course.{record.question_number}", record.answer_id
        assert re.fullmatch(rf"dlc\.{record.question_number}\.[1-9]\d*", record.answer_id), record.answer_id
        if record.pair_id is not None:
            assert re.fullmatch(rf"dlc\.{record.question_number}\.p[a-z]", record.pair_id), record.answer_id


def test_answer_ids_are_unique_and_consecutive(by_question: dict[int, list[AnswerRecord]]) -> None:
    for number, answers in by_question.items():
        indexes = [int(answer.answer_id.rsplit(".", 1)[1]) for answer in answers]
        assert indexes == list(range(1, len(answers) + 1)), f"question {number}: {indexes}"


def test_question_text_reference_and_max_score_are_shared_within_a_question(
    by_question: dict[int, list[AnswerRecord]],
) -> None:
    for number, answers in by_question.items():
        assert {answer.question for answer in answers} == {answers[0].question}, number
        assert {answer.reference_answer for answer in answers} == {answers[0].reference_answer}, number
        assert {answer.max_score for answer in answers} == {MAX_SCORES[number]}, number


def test_prompts_are_the_seed_exam_wording(by_question: dict[int, list[AnswerRecord]]) -> None:
    if not SEED_EXAM.exists():
        pytest.skip(f"seed exam not present at {SEED_EXAM}")
    seed = " ".join(SEED_EXAM.read_text(encoding="utf-8").split())
    for number, answers in by_question.items():
        assert " ".join(answers[0].question.split()) in seed, f"question {number} prompt not in the seed exam"


def test_scores_are_half_points_within_range(records: list[AnswerRecord]) -> None:
    for record in records:
        assert 0 <= record.score <= record.max_score, record.answer_id
        assert (record.score * 2).is_integer(), f"{record.answer_id}: {record.score} is not a half point"


def test_every_question_has_both_languages(by_question: dict[int, list[AnswerRecord]]) -> None:
    for number, answers in by_question.items():
        for language in ("sv", "en"):
            count = sum(answer.language == language for answer in answers)
            assert count >= MIN_ANSWERS_PER_LANGUAGE, f"question {number}: only {count} {language} answers"


def test_languages_are_balanced_overall(records: list[AnswerRecord]) -> None:
    swedish = sum(record.language == "sv" for record in records)
    assert abs(swedish - (len(records) - swedish)) <= len(records) // 20


def test_every_question_spans_the_score_range(by_question: dict[int, list[AnswerRecord]]) -> None:
    for number, answers in by_question.items():
        scores = {answer.score for answer in answers}
        assert 0 in scores, f"question {number} has no zero-score answer"
        assert MAX_SCORES[number] in scores, f"question {number} has no full-credit answer"
        assert len(scores) >= MIN_DISTINCT_SCORES, f"question {number} scores cluster: {sorted(scores)}"
        for language in ("sv", "en"):
            in_language = {answer.score for answer in answers if answer.language == language}
            assert len(in_language) >= 3, f"question {number} {language} scores cluster: {in_language}"


def test_pairs_are_one_swedish_and_one_english_answer_with_equal_scores(
    by_question: dict[int, list[AnswerRecord]],
) -> None:
    for number, answers in by_question.items():
        pairs: dict[str, list[AnswerRecord]] = defaultdict(list)
        for answer in answers:
            if answer.pair_id is not None:
                pairs[answer.pair_id].append(answer)
        assert len(pairs) >= MIN_PAIRS_PER_QUESTION, f"question {number} has {len(pairs)} pairs"
        for pair_id, members in pairs.items():
            assert sorted(member.language for member in members) == ["en", "sv"], pair_id
            swedish, english = sorted(members, key=lambda member: member.language != "sv")
            assert swedish.score == english.score, f"{pair_id}: sv {swedish.score} != en {english.score}"
            assert swedish.student_answer != english.student_answer, f"{pair_id} is not translated"


def test_pairs_cover_more_than_full_credit(records: list[AnswerRecord]) -> None:
    paired_fractions = {record.score / record.max_score for record in records if record.pair_id}
    assert min(paired_fractions) == 0
    assert any(0 < fraction < 1 for fraction in paired_fractions)


def test_answers_are_not_repeated_within_a_question(by_question: dict[int, list[AnswerRecord]]) -> None:
    for number, answers in by_question.items():
        texts = [" ".join(answer.student_answer.lower().split()) for answer in answers]
        assert len(texts) == len(set(texts)), f"question {number} repeats an answer"


def test_empty_answers_exist_and_score_zero(records: list[AnswerRecord]) -> None:
    empty = [record for record in records if not record.student_answer.strip()]
    assert empty, "the set should contain an empty answer"
    assert all(record.score == 0 for record in empty)


CODE_LINE = re.compile(r"^\s*[A-Za-z_][\w.]*\s*(=|\()")


def prose_of(answer: str) -> str:
    """The natural-language part of an answer: code lines contribute only their comments."""
    parts = []
    for line in answer.splitlines():
        if CODE_LINE.match(line):
            parts.append(line.partition("#")[2])
        else:
            parts.append(line)
    return " ".join(parts).lower()


def test_prose_of_keeps_comments_of_code_lines_only() -> None:
    assert prose_of("x = load(1)  # laddar\nsen tränas den") == " laddar sen tränas den"


def test_language_labels_match_the_text(records: list[AnswerRecord]) -> None:
    for record in records:
        prose = prose_of(record.student_answer)
        if record.language == "en":
            assert not re.search(r"[åäö]", prose), f"{record.answer_id} looks Swedish"
        elif len(words := re.findall(r"[a-zåäö]+", prose)) >= 3:
            swedish = SWEDISH_MARKERS.intersection(words) or re.search(r"[åäö]", prose)
            assert swedish, f"{record.answer_id} is labelled sv but looks English"
