"""The grader's own sentences ('Score … of …', 'Covered:', 'Missing:', 'Read:', the notes and the closed
questions' verdicts) are worded in the language the student answered in; an answer too short to tell
reads the question's main prompt language. Key points and course passages are quoted as written."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grading.feedback_wording import ENGLISH, SWEDISH, FeedbackWords
from grading.grader import Grader, GradeRequest
from grading.models import Grade, GradeFlag, PointStatus
from grading.rubric import feedback_remarks, short_quote
from question_bank.loader import BankCatalog
from question_bank.models import Bank, Choice, Question, QuestionType

if TYPE_CHECKING:
    from grading.embedder import Embedder
    from grading.retrieval import CourseIndex

QUESTION = "q02-tensorflow-keras"
NOTES = "02-tensorflow-keras.md"
SWEDISH_ANSWER = "Keras är ett API som används tillsammans med TensorFlow."
ENGLISH_ANSWER = "Keras is an API that is used together with TensorFlow."


@pytest.fixture(scope="module")
def dl_course() -> Bank:
    return BankCatalog(user_dir=None).load("dl-course")


@pytest.fixture(scope="module")
def keras_notes_index(e5_embedder: Embedder, pytestconfig: pytest.Config) -> CourseIndex:
    """The course notes chapter on TensorFlow and Keras indexed with e5 (kept in pytest's cache, keyed
    by its text), so missed key points come with a passage to read."""
    from grading.retrieval import CourseIndex, chunks_for_file

    notes = BankCatalog(user_dir=None).notes_dir("dl-course")
    assert notes is not None
    path = notes / NOTES
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cache_dir = Path(pytestconfig.cache.mkdir("tenta-feedback-language")) / f"{e5_embedder.model_id}-{digest}"
    cached = CourseIndex.load_if_present(cache_dir, e5_embedder)
    if cached is not None:
        return cached
    index = CourseIndex.build(chunks_for_file(path), e5_embedder)
    index.save(cache_dir)
    return index


@pytest.fixture(scope="module")
def e5_grader(e5_embedder: Embedder, keras_notes_index: CourseIndex) -> Grader:
    return Grader.create(e5_embedder, course_index=keras_notes_index)


def assert_worded_in(grade: Grade, words: FeedbackWords, other: FeedbackWords) -> None:
    """Every line of the feedback is the grader's sentence in `words`' language around the key point or
    passage as authored, and none of `other`'s labels appear."""
    lines = grade.feedback.splitlines()
    assert lines[0] == words.score_line(grade.score, grade.max_points)
    missed = [point for point in grade.points if point.status is not PointStatus.COVERED]
    labelled = [line for line in lines if line.startswith((words.partial, words.missing))]
    assert len(labelled) == len(missed) > 0
    for point, line in zip(missed, labelled, strict=True):
        label = words.partial if point.status is PointStatus.PARTIAL else words.missing
        assert line == label + point.text  # the key point as authored (English), not translated
    passages = [line for line in lines if line.startswith("  " + words.read)]
    assert len(passages) == len(missed)
    for point, line in zip(missed, passages, strict=True):
        assert point.supporting_passage is not None and point.supporting_passage.source == NOTES
        passage = point.supporting_passage
        assert line == f'  {words.read}{passage.source}: "{short_quote(passage.text)}"'  # quoted as written
    if any(point.status is PointStatus.COVERED for point in grade.points):
        assert any(line.startswith(words.covered) for line in lines)
    for label in (other.covered, other.partial, other.missing, "  " + other.read):
        assert not any(line.startswith(label) for line in lines), label
    assert not lines[0].startswith(other.score.split("{")[0])


@pytest.mark.e5
def test_a_swedish_answer_gets_the_graders_sentences_in_swedish(e5_grader: Grader, dl_course: Bank) -> None:
    grade = e5_grader.grade(dl_course.question(QUESTION), SWEDISH_ANSWER, bank=dl_course)
    assert grade.language == "sv"
    assert grade.feedback.startswith(f"Poäng {grade.score:g} av 2.\n")
    assert "\nSaknas: Keras was originally a standalone library" in grade.feedback
    assert_worded_in(grade, SWEDISH, ENGLISH)
    assert feedback_remarks(grade.feedback) == grade.feedback.split("\n", 1)[1]


@pytest.mark.e5
def test_an_english_answer_keeps_the_english_sentences(e5_grader: Grader, dl_course: Bank) -> None:
    grade = e5_grader.grade(dl_course.question(QUESTION), ENGLISH_ANSWER, bank=dl_course)
    assert grade.language == "en"
    assert grade.feedback.startswith(f"Score {grade.score:g} of 2.\n")
    assert_worded_in(grade, ENGLISH, SWEDISH)
    assert feedback_remarks(grade.feedback) == grade.feedback.split("\n", 1)[1]


@pytest.mark.e5
def test_an_answer_too_short_to_tell_reads_the_prompts_language(e5_grader: Grader, dl_course: Bank) -> None:
    """'TensorFlow' and an empty answer tell no language: the dl-course prompt is Swedish first; a
    question whose main prompt is English reads English."""
    question = dl_course.question(QUESTION)
    short = e5_grader.grade(question, "TensorFlow", bank=dl_course)
    assert short.language is None
    assert_worded_in(short, SWEDISH, ENGLISH)
    empty = e5_grader.grade(question, "   ", bank=dl_course)
    assert GradeFlag.EMPTY in empty.flags and empty.feedback == "Inget svar lämnades."
    english_first = question.model_copy(update={"prompt": dict(reversed(question.prompt.items()))})
    assert e5_grader.grade(english_first, "", bank=dl_course).feedback == "No answer was given."


@pytest.mark.e5
def test_an_english_answer_without_the_graders_marker_words_reads_english(
    e5_grader: Grader, dl_course: Bank
) -> None:
    """'I would say Keras.' has none of the words the grader's language rule counts; the n-gram model
    reads it as English, so a Swedish-first question does not answer it in Swedish."""
    grade = e5_grader.grade(dl_course.question(QUESTION), "I would say Keras.", bank=dl_course)
    assert grade.language is None
    assert_worded_in(grade, ENGLISH, SWEDISH)


@pytest.mark.e5
def test_the_wrong_question_note_is_in_the_answers_language(e5_grader: Grader, dl_course: Bank) -> None:
    question = dl_course.question(QUESTION)
    dropout = "Dropout stänger slumpmässigt av neuroner under träningen, vilket minskar överanpassning."
    grade = e5_grader.grade(question, dropout, bank=dl_course)
    assert GradeFlag.WRONG_QUESTION in grade.flags
    assert grade.feedback.splitlines()[1] == "Svaret ser ut att besvara en annan fråga (q07-dropout)."


@pytest.mark.e5
def test_the_long_answer_and_copied_code_notes_are_in_swedish(e5_grader: Grader, dl_course: Bank) -> None:
    """A very long Swedish answer is told in Swedish that only its beginning was graded; so is a Swedish
    student who pastes the Keras code back with one sentence of their own. (Code alone the grader reads as
    English: 'from', 'import' and 'for' are its English marker words.)"""
    long = e5_grader.grade(
        dl_course.question(QUESTION), SWEDISH_ANSWER + " Det finns mer att säga." * 2_000, bank=dl_course
    )
    assert GradeFlag.TRUNCATED in long.flags
    assert long.feedback.splitlines()[1] == "Svaret var mycket långt; bara början av det har rättats."
    code_question = dl_course.question("q05-keras-code")
    assert code_question.code is not None
    pasted = code_question.code.source + "\nDet är vad koden gör."
    copied = e5_grader.grade(code_question, pasted, bank=dl_course)
    assert copied.language == "sv"
    assert GradeFlag.COPIED_CODE in copied.flags and copied.score == 0
    assert "\nSvaret upprepar frågans kod i stället för att förklara den.\n" in copied.feedback
    assert copied.feedback.startswith("Poäng 0 av 4.\n")


@pytest.mark.e5
def test_the_wording_keeps_grades_deterministic(e5_grader: Grader, dl_course: Bank) -> None:
    """The same answer gets the same Grade, feedback included, alone or in a batch beside another
    language's answer."""
    question = dl_course.question(QUESTION)
    alone = e5_grader.grade(question, SWEDISH_ANSWER, bank=dl_course)
    batch = e5_grader.grade_many(
        [
            GradeRequest(question=question, answer=ENGLISH_ANSWER, bank=dl_course),
            GradeRequest(question=question, answer=SWEDISH_ANSWER, bank=dl_course),
        ]
    )
    assert batch[1] == alone
    assert batch[0].feedback.startswith("Score ") and alone.feedback.startswith("Poäng ")


def _swedish_choices(*, all_or_nothing: bool) -> Question:
    return Question(
        id="aktiveringar",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"sv": "Vilka är aktiveringsfunktioner?", "en": "Which are activation functions?"},
        choices=(
            Choice(text="ReLU", fraction=0.5),
            Choice(text="Adam", fraction=0.0, feedback="Adam är en optimerare."),
            Choice(text="tanh", fraction=0.5),
        ),
        max_points=2,
        all_or_nothing=all_or_nothing,
    )


def test_a_choice_answers_letters_read_the_prompts_language(minilm_grader: Grader) -> None:
    """Letters tell no language ('a' is an English word too): a Swedish-first question answers in Swedish;
    the ticked choice's own feedback is quoted as written."""
    question = _swedish_choices(all_or_nothing=True)
    right = minilm_grader.grade(question, "a, c")
    assert right.feedback == "Poäng 2 av 2.\nAllt eller inget: alla rätta alternativ och inga andra valdes."
    wrong = minilm_grader.grade(question, "a, b")
    assert wrong.feedback == (
        "Poäng 0 av 2.\nAllt eller inget: 1 av de 2 rätta alternativen valdes samt 1 felaktigt, så inga "
        "poäng; full poäng kräver alla rätta alternativ och inga andra. Adam är en optimerare."
    )
    assert feedback_remarks(wrong.feedback).startswith("Allt eller inget: 1 av de 2")
    assert minilm_grader.grade(question, "").feedback == "Poäng 0 av 2.\nInget svar lämnades."


def test_a_choice_answer_in_english_words_reads_english(minilm_grader: Grader) -> None:
    grade = minilm_grader.grade(_swedish_choices(all_or_nothing=True), "a and c")
    assert grade.feedback == "Score 2 of 2.\nAll or nothing: every correct choice and no other was ticked."


def test_a_one_answer_question_says_so_in_swedish(minilm_grader: Grader) -> None:
    question = Question(
        id="optimerare",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"sv": "Vilken av dessa är en optimerare?"},
        choices=(Choice(text="ReLU"), Choice(text="Adam", fraction=1.0), Choice(text="Dropout")),
    )
    grade = minilm_grader.grade(question, "b och c")
    assert grade.score == 0
    assert grade.feedback == (
        "Poäng 0 av 1.\nFrågan ska besvaras med ett alternativ men 2 angavs, så inga poäng."
    )
