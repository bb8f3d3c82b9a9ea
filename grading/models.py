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


class Grade(BaseModel):
    """A grade for one answer; identical input gives an identical Grade."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    score: float = Field(ge=0.0)
    max_points: float = Field(gt=0.0)
    points: tuple[PointResult, ...] = ()
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
