"""What is asked: banks of questions with reference answers and weighted rubrics.

These pydantic models are the contract every other package reads; validation here is what
lets the loaders promise that an accepted bank is usable by the grader and the quiz.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from question_bank.grade_scales import GradeScale

Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=120)]
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

MAX_RUBRIC_POINTS = 8


TextFormat = Literal["markdown", "plain"]


class QuestionType(StrEnum):
    FREE_TEXT = "free_text"
    MULTIPLE_CHOICE = "multiple_choice"
    TRUE_FALSE = "true_false"
    NUMERICAL = "numerical"
    SHORT_EXACT = "short_exact"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RubricPoint(_Strict):
    """One thing a correct answer must say, with its share of the question's points."""

    id: Identifier
    text: NonBlank
    weight: float = Field(gt=0, description="Relative weight; normalised to sum 1 within a question.")
    paraphrases: tuple[NonBlank, ...] = Field(
        default=(), description="Other accepted wordings, any language."
    )

    @field_validator("weight")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("weight must be a finite positive number")
        return value


class Misconception(_Strict):
    """A wrong idea a teacher expects in answers (Gradescope's negative rubric item): an answer sentence
    that says it costs `penalty` points, and the student is told `feedback` (what was wrong)."""

    id: Identifier
    text: NonBlank = Field(description="The wrong statement, as a student would write it.")
    paraphrases: tuple[NonBlank, ...] = Field(
        default=(), description="Other wordings of the same wrong statement, any language."
    )
    penalty: float = Field(gt=0, allow_inf_nan=False, description="Points deducted when an answer says it.")
    feedback: str = Field(default="", description="What to tell a student whose answer says it.")


class CodeBlock(_Strict):
    """Code shown with the prompt (e.g. a Keras model to explain)."""

    language: str = "python"
    source: NonBlank


class Choice(_Strict):
    """An option of a multiple-choice, true/false or short-exact question (Moodle-style fraction)."""

    text: NonBlank
    fraction: float = Field(default=0.0, ge=-1.0, le=1.0, description="Share of max points, -1..1.")
    feedback: str = ""


class NumericalAnswer(_Strict):
    """An accepted number with tolerance (absolute)."""

    value: float
    tolerance: float = Field(default=0.0, ge=0.0)
    fraction: float = Field(default=1.0, ge=0.0, le=1.0)
    feedback: str = ""


class NumericalUnit(_Strict):
    """A unit an answer may be written in: its value in the question's (first) unit is the written value
    divided by the multiplier (Moodle: 'cm' with multiplier 100 when the answer is in 'm')."""

    name: NonBlank
    multiplier: float = Field(default=1.0, gt=0, allow_inf_nan=False)


class NumericalUnits(_Strict):
    """Moodle's units of a numerical question: an answer may carry one of them, and a missing or unknown
    unit costs `penalty` as `grading` says: 'optional' costs nothing, 'mark' the penalty times the
    answer's credit, 'max' the penalty of full credit. `left`: the unit is written before the number."""

    units: tuple[NumericalUnit, ...] = Field(min_length=1)
    grading: Literal["optional", "mark", "max"] = "optional"
    penalty: float = Field(default=0.0, ge=0.0, le=1.0)
    left: bool = False


class OutcomeFeedback(_Strict):
    """What a student is told by how the answer did (Moodle's combined feedback, QTI's modalFeedback for a
    right or wrong answer): full points, some, none."""

    correct: str = ""
    partially_correct: str = ""
    incorrect: str = ""

    def for_score(self, score: float, max_points: float) -> str:
        """The text for a result: full points -> correct, some -> partially correct, none -> incorrect."""
        if max_points > 0 and score >= max_points - 1e-9:
            return self.correct
        return self.partially_correct if score > 1e-9 else self.incorrect


class Question(_Strict):
    """One exam question; free-text questions carry a reference answer and a rubric."""

    id: Identifier
    number: int | None = Field(default=None, ge=1)
    type: QuestionType = QuestionType.FREE_TEXT
    prompt: dict[Language, NonBlank] = Field(min_length=1)
    code: CodeBlock | None = None
    max_points: float = Field(default=1.0, gt=0)
    topics: tuple[NonBlank, ...] = ()
    reference_answer: dict[Language, NonBlank] = Field(default_factory=dict)
    rubric: tuple[RubricPoint, ...] = ()
    misconceptions: tuple[Misconception, ...] = Field(
        default=(),
        description="Free text only: wrong statements that cost points when an answer makes them "
        "(Gradescope's negative rubric items).",
    )
    choices: tuple[Choice, ...] = ()
    numerical: tuple[NumericalAnswer, ...] = ()
    general_feedback: str = ""
    media: tuple[Annotated[str, StringConstraints(min_length=1, max_length=255)], ...] = Field(
        default=(),
        description="Pictures and sound shown with the question: file names in the bank's media folder.",
    )
    all_or_nothing: bool = Field(
        default=False,
        description="Multiple choice only: full points when exactly the positive-fraction choices are "
        "ticked, else none (QTI match_correct, Moodle multichoiceset, Blackboard without partial credit).",
    )
    units: NumericalUnits | None = Field(
        default=None, description="Numerical only: the units an answer may carry (Moodle's units)."
    )
    case_sensitive: bool = Field(
        default=False,
        description="Short exact only: an answer must match an accepted one's upper and lower case "
        "(Moodle's usecase, Cloze SHORTANSWER_C).",
    )
    outcome_feedback: OutcomeFeedback | None = Field(
        default=None,
        description="Feedback by how the answer did, shown above the general feedback after an exactly "
        "graded question (Moodle's correct / partially correct / incorrect feedback).",
    )
    hints: tuple[NonBlank, ...] = Field(
        default=(), description="Shown one more after each wrong or partly right try (Moodle's hints)."
    )
    text_format: TextFormat = Field(
        default="markdown",
        description="How the prompt, choices and reference answer are written: 'markdown' (tenta's own "
        "banks; shown formatted) or 'plain' (imported from a format without Markdown, such as Aiken, GIFT, "
        "CSV, Moodle's plain or HTML text, Anki notes and QTI items without formatting: shown as written, so "
        "'2*3*4' is no emphasis).",
    )

    @field_validator("outcome_feedback")
    @classmethod
    def _none_when_empty(cls, feedback: OutcomeFeedback | None) -> OutcomeFeedback | None:
        """All three texts blank says nothing: kept as None, so the content hash stays as without it."""
        if feedback is None or not any(text.strip() for text in feedback.model_dump().values()):
            return None
        return feedback

    @field_validator("media")
    @classmethod
    def _plain_file_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        """Each name must stay inside the media folder on every OS: no folders, '..', ':' or control codes."""
        for name in names:
            unsafe = any(char in "/\\:" or ord(char) < 32 or ord(char) == 127 for char in name)
            if unsafe or name != name.strip() or name in (".", ".."):
                raise ValueError(f"media {name!r} is not a plain file name")
        return names

    @model_validator(mode="after")
    def _consistent_with_type(self) -> Question:
        if self.type is QuestionType.FREE_TEXT:
            if not self.reference_answer:
                raise ValueError("free-text question needs a reference_answer")
            if not 1 <= len(self.rubric) <= MAX_RUBRIC_POINTS:
                raise ValueError(f"free-text question needs 1-{MAX_RUBRIC_POINTS} rubric points")
        graded_by_choice = (QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE, QuestionType.SHORT_EXACT)
        if self.type in graded_by_choice and not any(choice.fraction > 0 for choice in self.choices):
            raise ValueError(f"{self.type.value} question needs at least one choice with positive fraction")
        if self.type is QuestionType.NUMERICAL and not self.numerical:
            raise ValueError("numerical question needs at least one accepted value")
        if self.all_or_nothing and self.type is not QuestionType.MULTIPLE_CHOICE:
            raise ValueError("all_or_nothing applies to multiple_choice questions only")
        if self.units is not None and self.type is not QuestionType.NUMERICAL:
            raise ValueError("units apply to numerical questions only")
        if self.case_sensitive and self.type is not QuestionType.SHORT_EXACT:
            raise ValueError("case_sensitive applies to short_exact questions only")
        point_ids = [point.id for point in self.rubric]
        if len(point_ids) != len(set(point_ids)):
            raise ValueError("rubric point ids must be unique within a question")
        self._check_misconceptions()
        return self

    def _check_misconceptions(self) -> None:
        if not self.misconceptions:
            return
        if self.type is not QuestionType.FREE_TEXT:
            raise ValueError(
                f"misconceptions apply to free_text questions only, not {self.type.value} "
                "(a wrong choice costs points through its negative fraction)"
            )
        ids = [misconception.id for misconception in self.misconceptions]
        if len(ids) != len(set(ids)):
            raise ValueError("misconception ids must be unique within a question")
        for index, misconception in enumerate(self.misconceptions):
            if misconception.penalty > self.max_points:
                raise ValueError(
                    f"misconceptions[{index}] ({misconception.id}): penalty {misconception.penalty:g} "
                    f"is more than the question's max_points {self.max_points:g}"
                )

    @model_validator(mode="after")
    def _normalise_weights(self) -> Question:
        total = sum(point.weight for point in self.rubric)
        if self.rubric and not math.isclose(total, 1.0, rel_tol=1e-9):
            normalised = tuple(
                point.model_copy(update={"weight": point.weight / total}) for point in self.rubric
            )
            object.__setattr__(self, "rubric", normalised)
        return self

    def prompt_in(self, language: str) -> str:
        """The prompt in `language`, falling back to the first one written."""
        return self.prompt.get(language) or next(iter(self.prompt.values()))

    def reference_in(self, language: str) -> str:
        """The reference answer in `language`, falling back to the first one written."""
        if not self.reference_answer:
            return ""
        return self.reference_answer.get(language) or next(iter(self.reference_answer.values()))

    @property
    def takes_one_answer(self) -> bool:
        """A choice question where one choice alone earns full points (Moodle's single-answer
        multichoice, true/false, Aiken): the student names one choice, so naming several earns nothing
        (adding them up would let 'A, B, C' earn the right one's points)."""
        graded_by_choice = (QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE)
        if self.type not in graded_by_choice or self.all_or_nothing:
            return False
        return any(choice.fraction >= 1.0 for choice in self.choices)

    def outcome_feedback_for(self, score: float, max_points: float) -> str:
        """The outcome feedback for a result of an exactly graded question ('' for free text, whose score
        is an estimate, and when the question has none)."""
        if self.outcome_feedback is None or self.type is QuestionType.FREE_TEXT:
            return ""
        return self.outcome_feedback.for_score(score, max_points).strip()

    def content_hash(self) -> str:
        """Stable hash of everything that affects asking and grading (for snapshots and caches)."""
        unset = {name for name in _ADDED_LATER if not getattr(self, name)}
        # old hashes stay for questions without them; the text format changes how the words are shown,
        # not the words, so a bank imported again with it keeps its snapshots and grading caches
        data = self.model_dump(mode="json", exclude={*unset, "text_format"})
        payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_ADDED_LATER = (
    "media",
    "all_or_nothing",
    "units",
    "case_sensitive",
    "outcome_feedback",
    "hints",
    "misconceptions",
)
"""Fields a question without them leaves out of its content hash, so hashes made before they existed hold."""


class Bank(_Strict):
    """A course's question bank."""

    id: Identifier
    title: NonBlank
    course: str = ""
    languages: tuple[Language, ...] = Field(default=("en",), min_length=1)
    version: str = "1"
    description: str = ""
    questions: tuple[Question, ...] = Field(min_length=1)
    grade_scale: GradeScale = ()
    time_limit_minutes: float | None = Field(
        default=None, gt=0, le=7 * 24 * 60, description="Time allowed for the full exam, as in a Moodle quiz."
    )

    @model_validator(mode="after")
    def _unique_and_consistent(self) -> Bank:
        seen_ids: set[str] = set()
        seen_numbers: set[int] = set()
        allowed = set(self.languages)
        for index, question in enumerate(self.questions):
            where = f"questions[{index}] ({question.id})"
            if question.id in seen_ids:
                raise ValueError(f"{where}: duplicate question id {question.id!r}")
            seen_ids.add(question.id)
            if question.number is not None:
                if question.number in seen_numbers:
                    raise ValueError(f"{where}: duplicate question number {question.number}")
                seen_numbers.add(question.number)
            used = set(question.prompt) | set(question.reference_answer)
            if not used <= allowed:
                raise ValueError(
                    f"{where}: languages {sorted(used - allowed)} are not in the bank's languages"
                )
            if self.languages[0] not in question.prompt:
                raise ValueError(f"{where}: no prompt in the bank's main language {self.languages[0]!r}")
        return self

    def question(self, key: str | int) -> Question:
        """Look a question up by id, or by exam number (int, digit string, or "<bank id>.<number>" as
        graded-answer files name a bank's questions, e.g. "dl-course.3")."""
        for question in self.questions:
            if question.id == key:
                return question
        if isinstance(key, str) and key.startswith(f"{self.id}."):
            key = key.removeprefix(f"{self.id}.")
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            for question in self.questions:
                if question.number == int(key):
                    return question
        raise KeyError(f"bank {self.id!r} has no question {key!r}")

    def question_with_prompt(self, text: str) -> Question | None:
        """The question whose prompt, in any of its languages, `text` is: case, spacing and punctuation
        aside, and allowing a code listing or other material after the prompt (graded-answer files copy
        the exam's wording, not the bank's id), and an exam's numbering before it ("3.", "Fråga 3:",
        "Question 3)"). The longest matching prompt wins."""
        words = _prompt_words(_EXAM_NUMBER.sub("", text, count=1))
        best: tuple[int, Question] | None = None
        for question in self.questions:
            for prompt in question.prompt.values():
                expected = _prompt_words(prompt)
                longer = best is None or len(expected) > best[0]
                if expected and longer and words[: len(expected)] == expected:
                    best = (len(expected), question)
        return best[1] if best else None


_EXAM_NUMBER = re.compile(
    r"^\W*(?:(?:fråga|uppgift|question|problem|q)\s*)?\d{1,3}\s*[.):]\s*", re.IGNORECASE
)


def _prompt_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())
