"""The learned combiner: features → a raw score, shipped as plain JSON numbers (never pickle).

Either a linear model or a small gradient-boosted tree ensemble, fitted offline
(grading/training/fit.py) on the public graded datasets; at run time it is a dot product or a few
hundred threshold comparisons in numpy. There is one set per situation, because some features exist only
sometimes: nearest graded neighbours need examples, lexical alignment needs a reference in the
answer's language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from grading.calibration import Calibration
from grading.language_bridge import LanguageBridge
from grading.wrong_question import WrongQuestionModel

MINILM_MODEL_ID = "all-MiniLM-L6-v2"


class LinearModel(BaseModel):
    """raw = intercept + Σ coefficient · (feature − mean) / scale."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["linear"] = "linear"
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float

    def predict(self, values: Mapping[str, float]) -> float:
        x = np.array([values.get(name, 0.0) for name in self.features], dtype=np.float64)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(self.intercept + z @ np.asarray(self.coefficients))


class Tree(BaseModel):
    """One regression tree as parallel node arrays; a node with feature -1 is a leaf.

    At a split node, x[feature] <= threshold goes to `left`, else to `right` (scikit-learn's rule).
    """

    model_config = ConfigDict(frozen=True)

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def predict(self, x: np.ndarray) -> float:
        node = 0
        while self.feature[node] >= 0:
            node = self.left[node] if x[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


class TreeEnsemble(BaseModel):
    """raw = base + Σ tree(x) (leaf values already include the learning rate); `logistic` maps the
    sum through a sigmoid (a probability, used for confidence)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["trees"] = "trees"
    features: tuple[str, ...]
    base: float
    trees: tuple[Tree, ...]
    logistic: bool = False
    fixed: dict[str, float] = Field(default_factory=dict)
    """Inputs that are constant for this ensemble: a dataset profile fitted on all datasets pooled
    reads its own dataset indicator as 1 (the other indicators as 0)."""

    def predict(self, values: Mapping[str, float]) -> float:
        x = np.array(
            [self.fixed.get(name, values.get(name, 0.0)) for name in self.features], dtype=np.float64
        )
        total = self.base + sum(tree.predict(x) for tree in self.trees)
        return float(1.0 / (1.0 + np.exp(-total))) if self.logistic else float(total)


Combiner = LinearModel | TreeEnsemble

CLOSE_ENOUGH = 1 / 3
"""A grade counts as agreeing with the teacher when within a third of the maximum score of theirs."""


class ErrorProfile(BaseModel):
    """Share of grades within CLOSE_ENOUGH of the human grade by predicted fraction (out of fold)."""

    model_config = ConfigDict(frozen=True)

    edges: tuple[float, ...]
    close_share: tuple[float, ...]

    def expected_close(self, fraction: float) -> float:
        index = int(np.searchsorted(self.edges, fraction, side="right")) - 1
        return self.close_share[min(max(index, 0), len(self.close_share) - 1)]


class ScoringModel(BaseModel):
    """Everything fitted for one embedding model: cosine floor, combiners, calibrations, error profiles."""

    model_config = ConfigDict(frozen=True)

    model_id: str
    floor: float = Field(description="Typical cosine of unrelated texts for this model.")
    token_floor: float = Field(
        default=0.0, description="Typical cosine of unrelated tokens (grading.tokens)."
    )
    wrong_question: WrongQuestionModel | None = None
    """Tells an answer filed under the wrong question (grading.wrong_question); None: no detection."""
    off_topic_below: float = 0.1
    """Answers whose best similarity to reference, prompt and points is below this are off topic (score 0)."""
    combiners: dict[str, Combiner]
    calibrations: dict[str, Calibration]
    error_profiles: dict[str, ErrorProfile] = Field(default_factory=dict)
    confidence_models: dict[str, TreeEnsemble] = Field(default_factory=dict)
    """Per combiner key: the probability that a grade is within CLOSE_ENOUGH of the human grade, from
    the features and the predicted fraction (fitted on out-of-fold grades)."""
    confidence_ranks: dict[str, Calibration] = Field(default_factory=dict)
    """Per combiner key: that probability → its rank among out-of-fold grades on unseen questions, so
    confidence 0.2 means "less likely to be right than 80 % of the engine's grades". The probability
    itself is bimodal (binary-labelled datasets make mid-scale grades hopeless), so a threshold on the
    rank flags a predictable share of answers: review_threshold 0.2 flags the least-confident ~20 %."""
    point_thresholds: tuple[float, float] = (0.45, 0.7)
    """Rescaled similarity at which a key point counts as partial, and as covered."""
    authored_rubric_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    """Share of the score given by the rubric's point credits when the rubric was written by a person
    (the datasets' rubrics are derived from their references, so this is a design choice, not fitted)."""
    authored_rubric_scale: tuple[float, float] = (1.0, 0.0)
    """Slope and offset for the blended fraction of an authored-rubric question graded without graded
    neighbours. The combiner is fitted on short dataset answers and squeezes long rubric answers
    toward the middle; this is fitted on hand-graded answers to a course exam
    (`python -m grading.training.rubric_scale`)."""
    long_reference_scale: tuple[float, float] = (1.0, 0.0)
    """Slope and offset for the fraction of a question with a derived rubric (key points cut out of its
    reference) and a long reference (see grading.features.LONG_REFERENCE_WORDS), graded without graded
    neighbours: the same squeeze as `authored_rubric_scale`, for an exam imported as it is; fitted on
    hand-graded answers to the seed exam imported from its file (`python -m grading.training.rubric_scale
    --imported`)."""
    language_bridge: LanguageBridge = Field(default_factory=LanguageBridge)
    """Similarities measured across languages mapped to within-language ones (grading.language_bridge)."""
    notes: str = ""

    def combiner(
        self, *, with_examples: bool, lexical: bool, classmates: bool = False, profile: str | None = None
    ) -> tuple[str, Combiner]:
        """The combiner for the features at hand; a dataset profile's own combiner when one was fitted.
        Classmates' features (grading.classmates) only count without graded neighbours."""
        key = ("knn" if with_examples else "base") + ("" if lexical else "_nolex")
        key += "_class" if classmates and not with_examples else ""
        alone = key.removesuffix("_class")
        for candidate in dict.fromkeys((key, alone, alone.removesuffix("_nolex"), "base")):
            if profile is not None and f"{candidate}@{profile}" in self.combiners:
                return candidate, self.combiners[f"{candidate}@{profile}"]
            if candidate in self.combiners:
                return candidate, self.combiners[candidate]
        raise KeyError(key)

    def calibration(self, combiner_key: str, profile: str | None = None) -> Calibration:
        """The calibration of a combiner, for a dataset profile when one was fitted."""
        if profile is not None and f"{combiner_key}@{profile}" in self.calibrations:
            return self.calibrations[f"{combiner_key}@{profile}"]
        return self.calibrations.get(combiner_key) or self.calibrations["base"]

    def save(self, path: Path) -> None:
        """Compact JSON: the tree node arrays are most of it (indenting would more than double it)."""
        path.write_text(self.model_dump_json(), encoding="utf-8")


def _data_file(model_id: str) -> str:
    return "".join(char if char.isalnum() or char in "-_." else "_" for char in model_id) + ".json"


@cache
def shipped_scoring_model(model_id: str) -> ScoringModel | None:
    """The coefficients shipped with tenta for `model_id`, or None for a model we never fitted."""
    resource = resources.files("grading") / "data" / _data_file(model_id)
    if not resource.is_file():
        return None
    return ScoringModel.model_validate(json.loads(resource.read_text(encoding="utf-8")))


def shipped_path(model_id: str) -> Path:
    return Path(str(resources.files("grading") / "data" / _data_file(model_id)))
