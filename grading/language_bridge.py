"""Grade an answer fairly when it is not in the language of the reference, prompt or key point.

A multilingual model places a Swedish sentence and its English translation close together, but not
as close as two English paraphrases: every similarity measured across languages comes out lower
(for multilingual-e5-small about 0.07 on the rescaled reference similarity of an on-topic answer).
The combiner is fitted on answers in the reference's own language, so without a correction a
Swedish answer to an exam whose references are English scores well below the same answer in
English. The bridge maps each similarity feature measured across languages to what the same answer
would have scored in the other language: one factor per feature, fitted on Swedish/English
translations (`python -m grading.training.language_bridge`). A factor keeps 0 at 0, so an answer
unrelated to the question gains nothing from being in another language.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

REFERENCE_FEATURES = (
    "ref_cos",
    "ref_sent_cos",
    "tok_recall",
    "tok_precision",
    "tok_f1",
    "tok_hard",
)
"""Features that compare the answer with the reference answers."""
QUESTION_FEATURES = ("q_cos", "tok_q")
"""Features that compare the answer with the prompt."""


def bridged(value: float, factor: float) -> float:
    return min(1.0, max(0.0, factor * value))


class LanguageBridge(BaseModel):
    """Per feature, what a similarity measured across languages corresponds to within one language."""

    model_config = ConfigDict(frozen=True)

    reference: dict[str, float] = {}
    """For REFERENCE_FEATURES when no reference is in the answer's language."""
    question: dict[str, float] = {}
    """For QUESTION_FEATURES when the prompt is not in the answer's language."""
    point: float = 1.0
    """A key point's similarity and evidence when none of its wordings is in the answer's language."""
    length: dict[str, float] = {}
    """Keyed "sv>en": how much larger the log content-word ratio (len_ratio) of the same answer is in
    the second language than in the first (Swedish compounds are one word where English uses two)."""
    fitted_on: str = ""

    def across(
        self, values: Mapping[str, float], *, reference: tuple[str, str] | None, question: bool
    ) -> dict[str, float]:
        """The features with those measured across languages bridged; the others unchanged.

        `reference` is (answer language, reference language) when no reference is in the answer's.
        """
        factors = {**(self.reference if reference else {}), **(self.question if question else {})}
        if reference and "ref_cos" in self.reference:  # the class's similarity to the reference too
            factors.setdefault("class_ref", self.reference["ref_cos"])
        result = {
            name: bridged(value, factors[name]) if name in factors else value
            for name, value in values.items()
        }
        if reference is not None and "len_ratio" in result:
            result["len_ratio"] += self.length_offset(*reference)
        return result

    def length_offset(self, answer_language: str, reference_language: str) -> float:
        """The len_ratio offset from the answer's language to the reference's (negated the other way)."""
        forward = self.length.get(f"{answer_language}>{reference_language}")
        if forward is not None:
            return forward
        return -self.length.get(f"{reference_language}>{answer_language}", 0.0)
