"""The grader: question + answer → Grade, the one path used by the app, the CLI and the evaluation.

Free-text answers are split into sentences and encoded once; every rubric point takes its best
match among the sentences, the whole answer and its accepted paraphrases (and, with course
material, its supporting passage). Those similarities, lexical alignment and nearest human-graded
answers feed the shipped linear combiner, whose output is calibrated to a score fraction. Other
question types are graded exactly, without the model.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from grading.acronyms import defined_acronyms, spell_out
from grading.calibration import Calibration
from grading.classmates import MIN_CLASSMATES, ClassIndex
from grading.combine import MINILM_MODEL_ID, ScoringModel, shipped_scoring_model
from grading.diacritics import restore_accents, swedish_accents
from grading.features import (
    LONG_REFERENCE_WORDS,
    FeatureResult,
    PointProfile,
    QuestionProfile,
    compute_features,
    rescale,
)
from grading.feedback_wording import FeedbackWords, closed_answer_language, feedback_words
from grading.misconceptions import (
    BORDERLINE_CONFIDENCE,
    MisconceptionProfile,
    build_misconception_profile,
    detect_misconceptions,
)
from grading.models import Grade, GradeFlag, MisconceptionResult, Passage, PointResult
from grading.numerical import numerical_credit
from grading.retrieval import CourseIndex, GradedAnswerIndex, TextEncoder, TokenTextEncoder
from grading.rubric import clauses, feedback_text, point_status, rubric_credit, rubric_is_authored
from grading.text import (
    clean,
    content_words,
    copies_code,
    guess_language,
    is_code_only,
    is_no_attempt,
    split_sentences,
    truncate,
)
from grading.tokens import TokenStates
from grading.wrong_question import question_similarities
from question_bank.errors import TentaError
from question_bank.models import Bank, Question, QuestionType

GRADER_VERSION = "tenta-grader-1"
MAX_UNITS = 64
MIN_EXAMPLES = 3
"""Below this many graded answers, neighbours are too few to trust and the plain combiner is used."""
PASSAGE_MIN_SIMILARITY = 0.35
DEFAULT_REVIEW_THRESHOLD = 0.2
"""Confidence is a rank among out-of-fold grades (see ScoringModel.confidence_ranks): below 0.2 flags
the least-confident ~20 % (15 % on the hand-graded dl-course answers), whose errors are clearly larger."""
_PROFILE_CACHE_SIZE = 512
_VECTOR_MEMO_SIZE = 50_000
_TOKEN_MEMO_SIZE = 5_000
"""Answer units whose token states stay in memory (~30 KB each): a class's answers to a few questions."""


class GradedExample(BaseModel):
    """A human-graded answer to the same question (teacher grade or override, or an imported dataset)."""

    model_config = ConfigDict(frozen=True)

    answer: str
    fraction: float = Field(ge=0.0, le=1.0)


class GradeRequest(BaseModel):
    """One answer to grade in a batch."""

    model_config = ConfigDict(frozen=True)

    question: Question
    answer: str
    bank: Bank | None = None
    examples: tuple[GradedExample, ...] = ()
    classmates: tuple[str, ...] = ()
    """Other students' answers to the same question (ungraded; the answer itself may be among them, one
    copy is left out): with enough of them in the answer's language, the answer's place in its class
    informs the grade (grading.classmates). A class is prepared once per question and language."""


_PreparedKey = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]
"""An answer, the question's acronyms and its Swedish accents: what prepare_answer's result depends on."""


@dataclass(frozen=True)
class _Prepared:
    """A free-text answer ready for encoding."""

    text: str
    units: list[str]
    """The sentences, then the whole answer (when there is more than one sentence)."""
    language: str | None
    flags: tuple[GradeFlag, ...]

    @property
    def encoded(self) -> list[str]:
        """What goes through the model: the sentences only; the whole answer's vector is their mean."""
        return self.units[:-1] if len(self.units) > 1 else self.units


class Grader:
    """Grades answers with one embedding model and its fitted scoring model (see grading.combine)."""

    version = GRADER_VERSION

    def __init__(
        self,
        embedder: TextEncoder,
        scoring: ScoringModel,
        *,
        course_index: CourseIndex | None = None,
        calibration: Calibration | None = None,
        review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
        token_memo_size: int = _TOKEN_MEMO_SIZE,
    ) -> None:
        self.embedder = embedder
        self.token_memo_size = token_memo_size
        self.model_id = embedder.model_id
        self.scoring = scoring
        self.course_index = course_index
        self.calibration = calibration
        self.review_threshold = review_threshold
        self._profiles: OrderedDict[str, QuestionProfile] = OrderedDict()
        self._misconception_profiles: OrderedDict[str, MisconceptionProfile] = OrderedDict()
        self._example_indexes: OrderedDict[str, GradedAnswerIndex] = OrderedDict()
        self._class_indexes: OrderedDict[tuple[str, tuple[str, ...], str | None], ClassIndex | None] = (
            OrderedDict()
        )
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._tokens: OrderedDict[str, TokenStates] = OrderedDict()
        self._bank_reference_vectors: OrderedDict[str, list[tuple[str, np.ndarray]]] = OrderedDict()
        self._prepared: OrderedDict[_PreparedKey, _Prepared | None] = OrderedDict()
        self._profile_name: str | None = None

    @classmethod
    def create(
        cls,
        embedder: TextEncoder,
        *,
        course_index: CourseIndex | None = None,
        calibration: Calibration | None = None,
        review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
        scoring: ScoringModel | None = None,
    ) -> Grader:
        """A grader with the coefficients shipped for the embedder's model (MiniLM's for unknown models)."""
        scoring = (
            scoring or shipped_scoring_model(embedder.model_id) or shipped_scoring_model(MINILM_MODEL_ID)
        )
        if scoring is None:
            raise TentaError("no scoring model is shipped for this installation; reinstall tenta")
        if calibration is not None and calibration.model_id != embedder.model_id:
            raise TentaError(
                f"the calibration was fitted for {calibration.model_id!r}, not for {embedder.model_id!r}"
            )
        if course_index is not None and course_index.model_id != embedder.model_id:
            course_index = None
        return cls(
            embedder,
            scoring,
            course_index=course_index,
            calibration=calibration,
            review_threshold=review_threshold,
        )

    # ------------------------------------------------------------------ public API
    def grade(
        self,
        question: Question,
        answer: str,
        *,
        bank: Bank | None = None,
        examples: Sequence[GradedExample] = (),
    ) -> Grade:
        return self.grade_many(
            [GradeRequest(question=question, answer=answer, bank=bank, examples=tuple(examples))]
        )[0]

    def grade_many(self, requests: Sequence[GradeRequest]) -> list[Grade]:
        """Grade a batch; all free-text answers are encoded in one model call."""
        grades: list[Grade | None] = [None] * len(requests)
        pending: list[tuple[int, _Prepared]] = []
        for position, request in enumerate(requests):
            if request.question.type is not QuestionType.FREE_TEXT:
                grades[position] = grade_exactly(request.question, request.answer, self)
                continue
            prepared = self._prepare(
                request.answer, question_acronyms(request.question), question_accents(request.question)
            )
            if prepared is None:
                grades[position] = self._empty_grade(request.question)
            else:
                pending.append((position, prepared))
        if pending:
            encoded = self._encoded([prepared for _, prepared in pending])
            for (position, prepared), (unit_vectors, answer_tokens) in zip(pending, encoded, strict=True):
                grades[position] = self._grade_free_text(
                    requests[position], prepared, unit_vectors, answer_tokens
                )
        return [grade for grade in grades if grade is not None]

    def features(
        self,
        question: Question,
        answer: str,
        *,
        bank: Bank | None = None,
        examples: Sequence[GradedExample] = (),
    ) -> FeatureResult | None:
        """The combiner's input for an answer (None when empty); used to fit and evaluate the combiner."""
        request = GradeRequest(question=question, answer=answer, bank=bank, examples=tuple(examples))
        return self.features_many([request])[0]

    def features_many(self, requests: Sequence[GradeRequest]) -> list[FeatureResult | None]:
        """`features` of a batch, every answer encoded in one model call: fitting on the datasets
        encodes 10k answers, which one at a time takes three times as long."""
        prepared = [
            self._prepare(
                request.answer, question_acronyms(request.question), question_accents(request.question)
            )
            for request in requests
        ]
        encoded = iter(self._encoded([item for item in prepared if item is not None]))
        results: list[FeatureResult | None] = []
        for request, item in zip(requests, prepared, strict=True):
            if item is None:
                results.append(None)
                continue
            unit_vectors, answer_tokens = next(encoded)
            examples = self._examples_index(request.question, request.examples)
            profile = self.profile(request.question)
            classmates = self._class_values(request, profile, item, unit_vectors[-1], examples)
            results.append(
                self._features(profile, item, unit_vectors, answer_tokens, examples, class_values=classmates)
            )
        return results

    def raw_score(
        self,
        question: Question,
        answer: str,
        *,
        bank: Bank | None = None,
        examples: Sequence[GradedExample] = (),
    ) -> float | None:
        """The combiner's output before calibration (None for empty answers and exact question types)."""
        if question.type is not QuestionType.FREE_TEXT:
            return None
        result = self.features(question, answer, bank=bank, examples=examples)
        if result is None:
            return None
        _, combiner = self.scoring.combiner(
            with_examples="knn_mean" in result.values,
            lexical=result.lexical_available,
            classmates="class_mean" in result.values,
            profile=self._profile_name,
        )
        return combiner.predict(result.values)

    def use_profile(self, dataset: str) -> bool:
        """Grade like a known dataset's graders (combiner and calibration fitted on its training split)."""
        if f"base@{dataset}" not in self.scoring.combiners:
            return False
        self._profile_name = dataset
        return True

    # ------------------------------------------------------------------ free text
    def _grade_free_text(
        self,
        request: GradeRequest,
        prepared: _Prepared,
        unit_vectors: np.ndarray,
        answer_tokens: TokenStates | None,
    ) -> Grade:
        question = request.question
        profile = self.profile(question)
        examples = self._examples_index(question, request.examples)
        classmates = self._class_values(request, profile, prepared, unit_vectors[-1], examples)
        result = self._features(
            profile, prepared, unit_vectors, answer_tokens, examples, class_values=classmates
        )
        key, combiner = self.scoring.combiner(
            with_examples=examples is not None,
            lexical=result.lexical_available,
            classmates=classmates is not None,
            profile=self._profile_name,
        )
        raw = combiner.predict(result.values)
        calibration = self.calibration or self.scoring.calibration(key, self._profile_name)
        model_fraction = min(1.0, max(0.0, calibration(raw)))
        fraction = self._with_rubric(profile, result, model_fraction, with_examples=examples is not None)
        flags = list(prepared.flags)
        wrong_question = self._wrong_question(request, profile, unit_vectors[-1])
        if wrong_question is not None:
            flags.append(GradeFlag.WRONG_QUESTION)
        elif topicality(result.values) < self.scoring.off_topic_below:
            flags.append(GradeFlag.OFF_TOPIC)
            fraction = 0.0
        if is_code_only(prepared.text):
            flags.append(GradeFlag.CODE_ONLY)
        if question.code is not None and copies_code(prepared.text, question.code.source):
            flags.append(GradeFlag.COPIED_CODE)
            fraction = 0.0
        confidence = self._confidence(key, model_fraction, flags, result)
        misconceptions = self._misconceptions(question, prepared, unit_vectors)
        borderline = any(found.borderline for found in misconceptions)
        if borderline:
            confidence *= BORDERLINE_CONFIDENCE
        if confidence < self.review_threshold:
            flags.append(GradeFlag.LOW_CONFIDENCE)
        penalty = sum(found.penalty for found in misconceptions)
        score = round(max(0.0, fraction * question.max_points - penalty), 2)
        points = self._point_results(profile, prepared, result)
        words = feedback_words(prepared.language, question, prepared.text)
        notes = []
        if wrong_question is not None:
            notes.append(words.wrong_question.format(question=wrong_question))
        if GradeFlag.TRUNCATED in flags:
            notes.append(words.truncated)
        if GradeFlag.COPIED_CODE in flags:
            notes.append(words.copied_code)
        return Grade(
            question_id=question.id,
            score=score,
            max_points=question.max_points,
            points=tuple(points),
            misconceptions=tuple(misconceptions),
            feedback=feedback_text(
                points,
                score=score,
                max_points=question.max_points,
                notes=notes,
                words=words,
                misconceptions=misconceptions,
            ),
            confidence=round(confidence, 4),
            needs_review=confidence < self.review_threshold or wrong_question is not None or borderline,
            flags=tuple(dict.fromkeys(flags)),
            language=prepared.language,
            grader_version=self.version,
            model_id=self.model_id,
        )

    def _with_rubric(
        self, profile: QuestionProfile, result: FeatureResult, fraction: float, *, with_examples: bool
    ) -> float:
        """Blend in the credit of an authored rubric's points (what the feedback shows), unless a
        teacher calibration already maps the model to that teacher's scale. Without graded
        neighbours (which carry the teacher's own scale) the blend is stretched to a grader's scale, and
        so is the plain fraction of a long-reference question with a derived rubric: the combiner, fitted
        on short dataset answers, squeezes exam answers toward the middle. A dataset profile's own
        calibration is that dataset's scale already."""
        if self.calibration is not None:
            return fraction
        if not profile.authored_rubric:
            if with_examples or not profile.long_reference or self._profile_name is not None:
                return fraction
            return _stretched(fraction, self.scoring.long_reference_scale)
        credit = rubric_credit(
            [match.evidence for match in result.matches],
            [point.point.weight for point in profile.points],
            self.scoring.point_thresholds,
        )
        weight = self.scoring.authored_rubric_weight
        blended = (1.0 - weight) * fraction + weight * credit
        if with_examples:
            return blended
        return _stretched(blended, self.scoring.authored_rubric_scale)

    def _point_results(
        self, profile: QuestionProfile, prepared: _Prepared, result: FeatureResult
    ) -> list[PointResult]:
        results = []
        for point, match in zip(profile.points, result.matches, strict=True):
            status, credit = point_status(match.evidence, self.scoring.point_thresholds)
            sentence = prepared.units[match.unit_index] if credit > 0 else None
            results.append(
                PointResult(
                    point_id=point.point.id,
                    text=point.point.text,
                    weight=point.point.weight,
                    status=status,
                    similarity=round(match.evidence, 4),
                    credit=credit,
                    matched_sentence=sentence,
                    supporting_passage=point.passage,
                )
            )
        return results

    def _misconceptions(
        self, question: Question, prepared: _Prepared, unit_vectors: np.ndarray
    ) -> list[MisconceptionResult]:
        """The question's misconceptions the answer's sentences, or the clauses of a long one, state
        (grading.misconceptions): one wrong clause in a sentence that also says right things is diluted
        in the sentence's vector. None without misconceptions, and nothing else about the grade changes."""
        if not question.misconceptions:
            return []
        key = question.content_hash()
        profile = self._misconception_profiles.get(key)
        if profile is None:
            profile = _remember(
                self._misconception_profiles, key, build_misconception_profile(question, self.embedder.encode)
            )
        sentences = prepared.units[:-1] if len(prepared.units) > 1 else prepared.units
        parts = [part for sentence in sentences if len(found := clauses(sentence)) > 1 for part in found]
        vectors = np.vstack([unit_vectors[: len(sentences)], self._encode(parts)])
        return detect_misconceptions(profile, [*sentences, *parts], vectors, self.scoring.floor)

    def _confidence(
        self, key: str, fraction: float, flags: Sequence[GradeFlag], result: FeatureResult
    ) -> float:
        """How likely this grade is within a third of the human grade (a model on the features and the
        predicted fraction), as a rank among out-of-fold grades (see ScoringModel.confidence_ranks),
        lowered by warning signs the datasets cannot measure (wrong question, code only, truncation,
        no reference in the answer's language)."""
        model = self.scoring.confidence_models.get(key)
        if model is not None:
            confidence = model.predict({**result.values, "predicted": fraction})
            rank = self.scoring.confidence_ranks.get(key)
            confidence = rank(confidence) if rank is not None else confidence
        else:
            profile = self.scoring.error_profiles.get(key) or self.scoring.error_profiles.get("base")
            confidence = profile.expected_close(fraction) if profile else 0.5
        if GradeFlag.WRONG_QUESTION in flags or GradeFlag.CODE_ONLY in flags:
            confidence *= 0.5
        if GradeFlag.TRUNCATED in flags or not result.lexical_available:
            confidence *= 0.85
        return min(1.0, max(0.0, confidence))

    def _wrong_question(
        self, request: GradeRequest, profile: QuestionProfile, whole: np.ndarray
    ) -> str | None:
        """The id of another question in the bank that the answer seems to answer (grading.wrong_question)."""
        detector = self.scoring.wrong_question
        if request.bank is None or detector is None:
            return None
        others = [entry for entry in self.bank_references(request.bank) if entry[0] != request.question.id]
        references = [profile.reference_vectors, *(vectors for _, vectors in others)]
        similarities = question_similarities(whole, references, self.scoring.floor)
        found = detector.detect(similarities, 0, references, self.scoring.floor)
        return None if found is None else others[found - 1][0]

    def bank_references(self, bank: Bank) -> list[tuple[str, np.ndarray]]:
        """(question id, reference vectors) of every free-text question in a bank, encoded in one call: all
        that wrong-question detection needs (a full profile per question made the first grade ~10 s slower),
        and what its fit and tests measure it on."""
        questions = [question for question in bank.questions if question.type is QuestionType.FREE_TEXT]
        # Keyed by exactly what is cached (ids and reference texts): hashing whole questions took ~3 ms a
        # grade for a 12-question bank.
        identity = "\x1f".join("\x1e".join((q.id, *q.reference_answer.values())) for q in questions)
        key = hashlib.sha256(identity.encode()).hexdigest()
        cached = self._bank_reference_vectors.get(key)
        if cached is None:
            texts = [[clean(text) for text in question.reference_answer.values()] for question in questions]
            vectors = self._encode([text for group in texts for text in group])
            cached, offset = [], 0
            for question, group in zip(questions, texts, strict=True):
                cached.append((question.id, vectors[offset : offset + len(group)]))
                offset += len(group)
            _remember(self._bank_reference_vectors, key, cached)
        return cached

    def _empty_grade(self, question: Question) -> Grade:
        return Grade(
            question_id=question.id,
            score=0.0,
            max_points=question.max_points,
            points=tuple(
                PointResult(
                    point_id=point.id,
                    text=point.text,
                    weight=point.weight,
                    status="missing",
                    similarity=0.0,
                    credit=0.0,
                )
                for point in question.rubric
            ),
            feedback=feedback_words(None, question).no_answer,
            confidence=1.0,
            flags=(GradeFlag.EMPTY,),
            grader_version=self.version,
            model_id=self.model_id,
        )

    # ------------------------------------------------------------------ caches
    def _prepare(
        self, answer: str, acronyms: Mapping[str, str], accents: Mapping[str, str] | None = None
    ) -> _Prepared | None:
        """prepare_answer, memoised like the vectors: graded with its class, an answer is prepared for its
        own grade and again as its classmates' classmate (~2 ms each, mostly guessing the language)."""
        key = (answer, tuple(sorted(acronyms.items())), tuple(sorted((accents or {}).items())))
        if key in self._prepared:
            self._prepared.move_to_end(key)
            return self._prepared[key]
        return _remember(self._prepared, key, prepare_answer(answer, acronyms, accents), self.token_memo_size)

    def whole_answer_vectors(self, answers: Sequence[str]) -> list[np.ndarray | None]:
        """Each answer's whole-answer vector exactly as grading computes it (None when there is nothing
        to grade), for fitting answer-level decisions such as grading.wrong_question."""
        prepared = [prepare_answer(answer) for answer in answers]
        encoded = iter(self._encoded([item for item in prepared if item is not None]))
        return [None if item is None else next(encoded)[0][-1] for item in prepared]

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Encode with a per-grader memo: a text seen before reuses its exact vector, so the same answer
        gets the same grade whether it was graded alone or in a batch (batching shifts the last bits)."""
        missing = list(dict.fromkeys(text for text in texts if text not in self._vectors))
        if missing:
            for text, vector in zip(missing, self.embedder.encode(missing), strict=True):
                self._vectors[text] = vector
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        result = np.stack([self._vectors[text] for text in texts])
        for text in texts:
            self._vectors.move_to_end(text)
        while len(self._vectors) > _VECTOR_MEMO_SIZE:
            self._vectors.popitem(last=False)
        return result

    def _encode_answers(self, texts: list[str]) -> tuple[np.ndarray, list[TokenStates] | None]:
        """Answer units' vectors, and their token states when the model provides them (same forward
        pass); memoised like `_encode`, so a regrade reuses both."""
        if not isinstance(self.embedder, TokenTextEncoder):
            return self._encode(texts), None
        missing = list(dict.fromkeys(text for text in texts if text not in self._tokens))
        if missing:
            vectors, tokens = self.embedder.encode_with_tokens(missing, remember=False)
            for text, vector, states in zip(missing, vectors, tokens, strict=True):
                self._vectors.setdefault(text, vector)
                self._tokens[text] = states
        result = [self._tokens[text] for text in texts]
        for text in texts:
            self._tokens.move_to_end(text)
        while len(self._tokens) > self.token_memo_size:
            self._tokens.popitem(last=False)
        return self._encode(texts), result

    def _joined(self, parts: Sequence[TokenStates]) -> TokenStates:
        return TokenStates.concatenate(parts, self.embedder.dimension)

    def profile(self, question: Question) -> QuestionProfile:
        """The question's vectors and words, built once per question content."""
        key = question.content_hash()
        cached = self._profiles.get(key)
        if cached is not None:
            self._profiles.move_to_end(key)
            return cached
        profile = build_profile(question, self.embedder, self.course_index, self.scoring.floor)
        return _remember(self._profiles, key, profile)

    def _examples_index(
        self, question: Question, examples: Sequence[GradedExample]
    ) -> GradedAnswerIndex | None:
        """The graded answers as a nearest-neighbour index, encoded exactly like answers being graded
        (sentences, their mean, their tokens), so an answer and its graded twin compare as equal."""
        digest = hashlib.sha256(question.id.encode())
        for example in examples:  # keyed before preparing: a batch sharing its examples prepares them once
            digest.update(f"{example.fraction:.6f}\x00{example.answer}\x01".encode("utf-8", "surrogatepass"))
        key = digest.hexdigest()
        cached = self._example_indexes.get(key)
        if cached is not None:
            return cached
        acronyms, accents = question_acronyms(question), question_accents(question)
        usable = [
            (example, prepared)
            for example in examples
            if (prepared := prepare_answer(example.answer, acronyms, accents)) is not None
        ]
        if len(usable) < MIN_EXAMPLES:
            return None
        encoded = self._encoded([prepared for _, prepared in usable])
        cached = GradedAnswerIndex(
            np.stack([unit_vectors[-1] for unit_vectors, _ in encoded]),
            [example.fraction for example, _ in usable],
            [frozenset(content_words(prepared.text, prepared.language)) for _, prepared in usable],
            [tokens for _, tokens in encoded if tokens is not None],
        )
        return _remember(self._example_indexes, key, cached)

    def _class_values(
        self,
        request: GradeRequest,
        profile: QuestionProfile,
        prepared: _Prepared,
        whole: np.ndarray,
        examples: GradedAnswerIndex | None,
    ) -> dict[str, float] | None:
        """The answer's place among its classmates, when it has enough in its language and no graded
        neighbours (which say more); None otherwise."""
        if examples is not None or len(request.classmates) < MIN_CLASSMATES:
            return None
        index = self._class_index(request, profile, prepared.language)
        return index.features(prepared.text, whole) if index is not None else None

    def _class_index(
        self, request: GradeRequest, profile: QuestionProfile, language: str | None
    ) -> ClassIndex | None:
        """The classmates in `language` (and those whose language is unclear; an answer whose language is
        unclear reads the whole class), prepared and encoded exactly like the answers being graded (a
        batch's own answers come from the memo), once per question, class and language."""
        key = (request.question.content_hash(), request.classmates, language)
        if key in self._class_indexes:
            self._class_indexes.move_to_end(key)
            return self._class_indexes[key]
        acronyms, accents = question_acronyms(request.question), question_accents(request.question)
        same_language = [
            prepared
            for text in request.classmates
            if (prepared := self._prepare(text, acronyms, accents)) is not None
            and (language is None or prepared.language in (language, None))
        ]
        index = None
        if len(same_language) >= MIN_CLASSMATES:
            vectors = np.stack([unit_vectors[-1] for unit_vectors, _ in self._encoded(same_language)])
            index = ClassIndex(
                [prepared.text for prepared in same_language],
                vectors,
                profile.reference_vectors,
                floor=self.scoring.floor,
            )
        self._class_indexes[key] = index
        if len(self._class_indexes) > _PROFILE_CACHE_SIZE:
            self._class_indexes.popitem(last=False)
        return index

    def _encoded(self, prepared: Sequence[_Prepared]) -> list[tuple[np.ndarray, TokenStates | None]]:
        """Each prepared answer's unit vectors (its sentences, then the whole answer) and its joined token
        states, every answer encoded in one model call."""
        vectors, tokens = self._encode_answers([unit for item in prepared for unit in item.encoded])
        encoded: list[tuple[np.ndarray, TokenStates | None]] = []
        offset = 0
        for item in prepared:
            count = len(item.encoded)
            joined = self._joined(tokens[offset : offset + count]) if tokens is not None else None
            encoded.append((with_whole_answer(vectors[offset : offset + count]), joined))
            offset += count
        return encoded

    def _features(
        self,
        profile: QuestionProfile,
        prepared: _Prepared,
        unit_vectors: np.ndarray,
        answer_tokens: TokenStates | None,
        examples: GradedAnswerIndex | None,
        *,
        class_values: dict[str, float] | None,
    ) -> FeatureResult:
        return compute_features(
            profile,
            answer_text=prepared.text,
            language=prepared.language,
            unit_vectors=unit_vectors,
            floor=self.scoring.floor,
            examples=examples,
            answer_tokens=answer_tokens,
            token_floor=self.scoring.token_floor,
            bridge=self.scoring.language_bridge,
            class_values=class_values,
        )


_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


def _remember(
    cache: OrderedDict[_Key, _Value], key: _Key, value: _Value, limit: int = _PROFILE_CACHE_SIZE
) -> _Value:
    """Store `value` in a grader's bounded cache, dropping the oldest entry past `limit`."""
    cache[key] = value
    if len(cache) > limit:
        cache.popitem(last=False)
    return value


def with_whole_answer(sentence_vectors: np.ndarray) -> np.ndarray:
    """Sentence vectors plus, for several sentences, the whole answer as their normalised mean.

    Encoding the answer once more would double the model work; the mean of its sentences measured as
    well on the datasets (see grading/training/fit.py) and keeps grading close to one raw encode.
    """
    if len(sentence_vectors) <= 1:
        return sentence_vectors
    mean = sentence_vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    whole = mean / norm if norm > 0 else mean
    return np.vstack([sentence_vectors, whole.astype(sentence_vectors.dtype)])


def _stretched(fraction: float, scale: tuple[float, float]) -> float:
    slope, offset = scale
    return min(1.0, max(0.0, slope * fraction + offset))


def topicality(values: dict[str, float]) -> float:
    """How much the answer is about the question at all: best similarity to reference, prompt or a point."""
    return max(values["ref_cos"], values["q_cos"], values["point_cov"])


def question_acronyms(question: Question) -> Mapping[str, str]:
    """The acronyms the question's references, prompts and key points define (grading.acronyms)."""
    point_texts = (text for point in question.rubric for text in (point.text, *point.paraphrases))
    return _acronyms_of((*question.reference_answer.values(), *question.prompt.values(), *point_texts))


@lru_cache(maxsize=_PROFILE_CACHE_SIZE)
def _acronyms_of(texts: tuple[str, ...]) -> Mapping[str, str]:
    """Cached per question's texts, read-only: a batch looks them up for every answer and classmate, and
    finding the definitions took a third of a millisecond each time."""
    return MappingProxyType(defined_acronyms(texts))


def question_accents(question: Question) -> Mapping[str, str]:
    """The Swedish words the question writes with å, ä or ö, by their form typed without them
    (grading.diacritics): its Swedish prompt and reference and its Swedish key-point wordings."""
    point_texts = tuple(text for point in question.rubric for text in (point.text, *point.paraphrases))
    swedish = (question.prompt.get("sv", ""), question.reference_answer.get("sv", ""))
    return _accents_of(swedish, point_texts)


@lru_cache(maxsize=_PROFILE_CACHE_SIZE)
def _accents_of(swedish: tuple[str, ...], point_texts: tuple[str, ...]) -> Mapping[str, str]:
    """Cached per question's texts: a grade looks them up for every answer and classmate."""
    return swedish_accents((*swedish, *(text for text in point_texts if guess_language(text) == "sv")))


def prepare_answer(
    answer: str, acronyms: Mapping[str, str] | None = None, accents: Mapping[str, str] | None = None
) -> _Prepared | None:
    """Clean, truncate and split an answer, spelling out the question's acronyms it uses bare and giving a
    Swedish answer typed without å, ä and ö its letters back; None when nothing is left to grade (blank,
    or only "I don't know")."""
    text = clean(answer)
    if not any(char.isalnum() for char in text) or is_no_attempt(text):
        return None
    text, truncated = truncate(spell_out(text, acronyms or {}))
    language = guess_language(text)
    restored = restore_accents(text, accents or {}, language)
    if restored != text:
        text, language = restored, "sv"
    sentences = split_sentences(text)[:MAX_UNITS] or [text]
    units = [*sentences, text] if len(sentences) > 1 else [text]
    return _Prepared(
        text=text,
        units=units,
        language=language,
        flags=(GradeFlag.TRUNCATED,) if truncated else (),
    )


def build_profile(
    question: Question, embedder: TextEncoder, course_index: CourseIndex | None, floor: float
) -> QuestionProfile:
    """Encode a question's prompt, references and rubric wordings in one call; find supporting passages."""
    references = [(language, clean(text)) for language, text in question.reference_answer.items()]
    prompts = [clean(text) for text in question.prompt.values()]
    point_texts = [tuple(dict.fromkeys([point.text, *point.paraphrases])) for point in question.rubric]
    texts = [text for _, text in references] + prompts + [text for group in point_texts for text in group]
    vectors = embedder.encode(texts)
    reference_vectors = vectors[: len(references)]
    prompt_vectors = vectors[len(references) : len(references) + len(prompts)]
    offset = len(references) + len(prompts)
    question_words = frozenset(
        word for text in prompts for language in ("en", "sv", None) for word in content_words(text, language)
    )
    reference_tokens, question_tokens, wording_tokens = _profile_tokens(
        question, embedder, references, prompts, point_texts
    )
    points = []
    for index, (point, group) in enumerate(zip(question.rubric, point_texts, strict=True)):
        languages = tuple(guess_language(text) for text in group)
        group_vectors = vectors[offset : offset + len(group)]
        offset += len(group)
        passage, passage_vector = _supporting_passage(course_index, embedder, group_vectors[0], floor)
        points.append(
            PointProfile(
                point=point,
                texts=group,
                vectors=group_vectors,
                words=tuple(
                    frozenset(content_words(text, language or "en"))
                    for text, language in zip(group, languages, strict=True)
                ),
                passage=passage,
                passage_vector=passage_vector,
                tokens=wording_tokens[index] if wording_tokens else (),
                languages=languages,
            )
        )
    return QuestionProfile(
        question_id=question.id,
        references=tuple(text for _, text in references),
        reference_languages=tuple(language for language, _ in references),
        reference_vectors=reference_vectors,
        prompt_vectors=prompt_vectors,
        question_words=question_words,
        reference_words=tuple(frozenset(content_words(text, language)) for language, text in references),
        points=tuple(points),
        authored_rubric=rubric_is_authored(question.rubric, list(question.reference_answer.values())),
        long_reference=any(len(text.split()) >= LONG_REFERENCE_WORDS for _, text in references),
        reference_tokens=reference_tokens,
        question_tokens=question_tokens,
        prompt_languages=tuple(question.prompt),
    )


def _profile_tokens(
    question: Question,
    embedder: TextEncoder,
    references: Sequence[tuple[str, str]],
    prompts: Sequence[str],
    point_texts: Sequence[tuple[str, ...]],
) -> tuple[tuple[TokenStates, ...], TokenStates | None, list[tuple[TokenStates, ...]]]:
    """Token states of every complete model answer (the references, and with a single key point its
    wording and accepted paraphrases, which are whole answers too), of the prompts, and of each key
    point's wordings."""
    if not isinstance(embedder, TokenTextEncoder):
        return (), None, []
    answers = [text for _, text in references]
    if len(question.rubric) == 1:
        answers += [clean(text) for text in (question.rubric[0].text, *question.rubric[0].paraphrases)]
    answers = list(dict.fromkeys(text for text in answers if text))
    wordings = [text for group in point_texts for text in group]
    _, states = embedder.encode_with_tokens([*answers, *prompts, *wordings])
    question_tokens = TokenStates.concatenate(
        states[len(answers) : len(answers) + len(prompts)], embedder.dimension
    )
    offset = len(answers) + len(prompts)
    wording_tokens = []
    for group in point_texts:
        wording_tokens.append(tuple(states[offset : offset + len(group)]))
        offset += len(group)
    return tuple(states[: len(answers)]), question_tokens, wording_tokens


def _supporting_passage(
    course_index: CourseIndex | None, embedder: TextEncoder, point_vector: np.ndarray, floor: float
) -> tuple[Passage | None, np.ndarray | None]:
    if course_index is None:
        return None, None
    found = course_index.search(point_vector, k=1)
    if not found or float(rescale(np.array([found[0].score]), floor)[0]) < PASSAGE_MIN_SIMILARITY:
        return None, None
    return found[0], embedder.encode([found[0].text])[0]


# ---------------------------------------------------------------------- exact question types


def _normalise(text: str, *, keep_case: bool = False) -> str:
    cleaned = clean(text) if keep_case else clean(text).casefold()
    return " ".join(cleaned.strip(" .!?").split())


def grade_exactly(question: Question, answer: str, grader: Grader) -> Grade:
    """Multiple choice, true/false, numerical and short exact answers: Moodle-style fractions, no model."""
    text = clean(answer)
    words = feedback_words(closed_answer_language(text), question)
    fraction, feedback = 0.0, ""
    flags: tuple[GradeFlag, ...] = ()
    if not text:
        flags, feedback = (GradeFlag.EMPTY,), words.no_answer
    elif question.type is QuestionType.NUMERICAL:
        credit = numerical_credit(question, text, words)
        fraction, feedback = credit.fraction, credit.feedback
    else:
        selected = _selected_choices(question, text)
        fraction, verdict = _choice_credit(question, selected, words)
        parts = [verdict, *(question.choices[index].feedback for index in selected)]
        feedback = " ".join(part for part in parts if part)
    fraction = min(1.0, max(0.0, fraction))
    score = round(fraction * question.max_points, 2)
    summary = words.score_line(score, question.max_points)
    return Grade(
        question_id=question.id,
        score=score,
        max_points=question.max_points,
        feedback="\n".join(part for part in (summary, feedback, question.general_feedback) if part),
        confidence=1.0,
        flags=flags,
        grader_version=grader.version,
        model_id=grader.model_id,
    )


def _choice_credit(question: Question, selected: Sequence[int], words: FeedbackWords) -> tuple[float, str]:
    """The ticked choices' fractions added up (Moodle's multichoice), with no verdict to add. An
    all-or-nothing question (QTI match_correct, Moodle multichoiceset) instead earns everything exactly
    when the ticked set is the set of positive-fraction choices and nothing otherwise; the verdict then
    says so and counts what was ticked, as Moodle's "number of correct responses" does."""
    if not question.all_or_nothing:
        if len(selected) > 1 and question.takes_one_answer:
            return 0.0, words.one_answer_only.format(count=len(selected))
        return sum(question.choices[index].fraction for index in selected), ""
    correct = {index for index, choice in enumerate(question.choices) if choice.fraction > 0}
    ticked = set(selected)
    if ticked == correct:
        return 1.0, words.all_or_nothing_right
    return 0.0, words.all_or_nothing_missed(
        ticked=len(ticked & correct), correct=len(correct), wrong=len(ticked - correct)
    )


def _wildcard_pattern(accepted: str) -> str:
    """A short answer as Moodle matches it: `*` stands for any text, `\\*` for an asterisk itself."""
    parts = re.split(r"(?<!\\)\*", accepted)
    return "^" + ".*".join(re.escape(part.replace("\\*", "*")) for part in parts) + "$"


def _selected_choices(question: Question, text: str) -> list[int]:
    """Choices named by the answer: by full text, by letter (a, b, …) or number, comma/newline separated."""
    keep_case = question.case_sensitive  # short exact only (Moodle's usecase, SHORTANSWER_C)
    normalised = _normalise(text, keep_case=keep_case)
    texts = [_normalise(choice.text, keep_case=keep_case) for choice in question.choices]
    if question.type is QuestionType.SHORT_EXACT:
        for index, choice in enumerate(texts):
            if re.match(_wildcard_pattern(choice), normalised):
                return [index]
        return []
    if normalised in texts:
        return [texts.index(normalised)]
    if question.type is QuestionType.TRUE_FALSE:
        synonyms = {
            "true": ("true", "sant", "ja", "yes", "t"),
            "false": ("false", "falskt", "nej", "no", "f"),
        }
        for index, choice in enumerate(texts):
            for canonical, words in synonyms.items():
                if normalised in words and (choice in words or choice == canonical):
                    return [index]
    selected: list[int] = []
    for raw_token in re.split(r"[,;\n]+|\s+", normalised):
        token = raw_token.strip(" .)(")
        if len(token) == 1 and token.isalpha() and ord(token) - ord("a") < len(texts):
            selected.append(ord(token) - ord("a"))
        elif token.isdigit() and 1 <= int(token) <= len(texts):
            selected.append(int(token) - 1)
    return list(dict.fromkeys(selected))
