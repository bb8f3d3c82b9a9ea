"""What a grading produces: the score and the evidence behind it, per rubric point."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PointStatus(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"


class GradeFlag(StrEnum):
    EMPTY = "empty"
    TRUNCATED = "truncated"
    OFF_TOPIC = "off_topic"
    WRONG_QUESTION = "wrong_question"
    CODE_ONLY = "code_only"
    COPIED_CODE = "copied_code"
    LOW_CONFIDENCE = "low_confidence"


class Passage(BaseModel):
    """A piece of course material that supports a rubric point."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="Document path or title the passage came from.")
    text: str
    score: float = Field(description="Similarity of the passage to the rubric point.")


class PointResult(BaseModel):
    """How one rubric point fared in an answer."""

    model_config = ConfigDict(frozen=True)

    point_id: str
    text: str
    weight: float
    status: PointStatus
    similarity: float = Field(
        description="Evidence for the point (0 unrelated .. 1 said): best sentence similarity and token "
        "coverage of the point, on the scale of the covered / partial thresholds."
    )
    credit: float = Field(ge=0.0, le=1.0, description="Share of this point's weight awarded.")
    matched_sentence: str | None = None
    supporting_passage: Passage | None = None


class MisconceptionResult(BaseModel):
    """A wrong statement of the question's misconceptions that an answer sentence makes, and what it cost."""

    model_config = ConfigDict(frozen=True)

    misconception_id: str
    text: str
    penalty: float = Field(gt=0.0, description="Points deducted (before the score is floored at 0).")
    similarity: float = Field(
        description="The sentence's similarity to the misconception's closest wording (0 unrelated..1 said)."
    )
    margin: float = Field(
        description="How much closer the sentence is to the misconception than to any key point or "
        "reference sentence; a small margin makes the detection borderline."
    )
    matched_sentence: str
    feedback: str = ""
    borderline: bool = False


class Grade(BaseModel):
    """A grade for one answer; identical input gives an identical Grade."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    score: float = Field(ge=0.0)
    max_points: float = Field(gt=0.0)
    points: tuple[PointResult, ...] = ()
    misconceptions: tuple[MisconceptionResult, ...] = ()
    feedback: str = ""
    confidence: float = Field(ge=0.0, le=1.0)
    needs_review: bool = False
    flags: tuple[GradeFlag, ...] = ()
    language: str | None = None
    grader_version: str
    model_id: str

    @property
    def fraction(self) -> float:
        return self.score / self.max_points
