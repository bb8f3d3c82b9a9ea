"""Classmates: the other students' answers to the same question, read side by side (never their grades).

A teacher who grades a pile of answers learns from the pile itself: most students in a class get a
question roughly right, so an answer that says what many classmates say is more often right than one
that stands alone, and a class that drifts away from the reference says something about the question.
When a batch holds enough answers to a question in the answer's language, four features describe the
answer's place in its class: its mean and its top-fifth similarity to the classmates' answers, how
close the class as a whole is to the reference, and how far the answer's own similarity to the
reference stands above or below the class's (in class standard deviations). No grade of a classmate is
used, so this works on a fresh exam; graded answers (grading.retrieval.GradedAnswerIndex) are stronger
and take over when a question has them.

Measured out of fold on questions the engine never saw (grading/training/fit.py, e5, every answer of a
question read with all its classmates): dataset profiles Mohler Pearson 0.619 -> 0.663, SciEntsBank
macro-F1 0.697 -> 0.708, Beetle 0.772 -> 0.782; the pooled app default 0.547 -> 0.578, 0.661 -> 0.676,
0.703 -> 0.728. An answer whose language is unclear (short or code-like: 9 % of the datasets' answers)
counts in every language's class.
"""

from __future__ import annotations

import numpy as np

from grading.features import rescale

MIN_CLASSMATES = 10
"""Fewer answers in the answer's language say little about a class, and the answer is graded alone. On
the bundled course's 157 hand-graded answers (six or seven per question and language, written to span
the grades rather than by one class) reading them as classmates lowered Pearson 0.851 -> 0.839."""
CLASS_FEATURES = ("class_mean", "class_top", "class_ref", "class_z")
TOP_SHARE = 0.2
"""class_top averages the answer's similarity to its closest fifth of the class (at least one)."""
_MIN_SPREAD = 0.01
"""Floor of the class's spread of reference similarity, so a class that wrote one thing does not
turn a tiny difference into a huge class_z."""
_Z_LIMIT = 5.0


class ClassIndex:
    """Whole-answer vectors of a question's classmates (one language) and their similarity to the
    question's best reference; `features` leaves out one copy of the answer being graded. Similarities
    are rescaled per model like every other feature (grading.features.rescale)."""

    def __init__(
        self, texts: list[str], vectors: np.ndarray, reference_vectors: np.ndarray, *, floor: float
    ) -> None:
        self.texts = texts
        self.vectors = vectors
        self.reference_vectors = reference_vectors
        self.floor = floor
        self.reference_similarity = (
            (vectors @ reference_vectors.T).max(axis=1) if len(reference_vectors) else np.zeros(len(texts))
        )

    def __len__(self) -> int:
        return len(self.texts)

    def features(self, text: str, vector: np.ndarray) -> dict[str, float] | None:
        """The answer's place in its class; None when fewer than MIN_CLASSMATES others remain."""
        keep = np.ones(len(self.texts), dtype=bool)
        if text in self.texts:
            keep[self.texts.index(text)] = False
        if int(keep.sum()) < MIN_CLASSMATES:
            return None
        others = self.vectors[keep]
        similarities = others @ vector
        top = np.sort(similarities)[-max(1, int(len(similarities) * TOP_SHARE)) :]
        centroid = others.mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        class_ref = (
            float((self.reference_vectors @ (centroid / norm)).max())
            if norm > 0 and len(self.reference_vectors)
            else 0.0
        )
        class_reference = self.reference_similarity[keep]
        own_reference = float((self.reference_vectors @ vector).max()) if len(self.reference_vectors) else 0.0
        spread = max(float(class_reference.std()), _MIN_SPREAD)
        standing = (own_reference - float(class_reference.mean())) / spread
        return {
            "class_mean": float(rescale(similarities, self.floor).mean()),
            "class_top": float(rescale(top, self.floor).mean()),
            "class_ref": float(rescale(np.array([class_ref]), self.floor)[0]),
            "class_z": float(np.clip(standing, -_Z_LIMIT, _Z_LIMIT)),
        }
