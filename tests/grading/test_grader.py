"""The Grader on real MiniLM: rubric statuses, flags, bad input, determinism, exact question types."""

from __future__ import annotations

import pytest

from grading.embedder import Embedder
from grading.grader import GradedExample, Grader, GradeRequest
from grading.models import Grade, GradeFlag, PointStatus
from question_bank.models import Bank, Choice, NumericalAnswer, Question, QuestionType

GOOD = "Dropout switches off random neurons while the network trains. This reduces overfitting."
WRONG = "Dropout is when students leave school before they graduate."

BAD_INPUTS = [
    "",
    "   \n\t  ",
    "x" * 1_000_000,
    ("Dropout " * 200_000),
    "\x00\x01\x02 dropout \x1b[31m neurons \x7f",
    "Dropout stänger av neurons randomly, det minskar overfitting. 🎲",
    "```python\nmodel.add(Dropout(0.5))\n```",
    "model.add(Dropout(0.5))\nmodel.fit(x, y)",
    "?!?!…",
    "\ud800 lone surrogate",
]


def test_good_answer_covers_points_and_beats_wrong(minilm_grader: Grader, dropout_question: Question) -> None:
    good = minilm_grader.grade(dropout_question, GOOD)
    wrong = minilm_grader.grade(dropout_question, WRONG)
    assert good.score > wrong.score + 0.4  # a fifth of the points between right and on-topic-but-wrong
    statuses = {point.point_id: point.status for point in good.points}
    assert statuses == {"mechanism": PointStatus.COVERED, "purpose": PointStatus.COVERED}
    matched = {point.point_id: point.matched_sentence for point in good.points}
    assert matched["purpose"] == "This reduces overfitting."
    assert 0 < good.score <= good.max_points == 2


def test_missing_point_is_named_in_feedback(minilm_grader: Grader, dropout_question: Question) -> None:
    grade = minilm_grader.grade(
        dropout_question, "Dropout switches off random neurons while the network trains."
    )
    statuses = {point.point_id: point.status for point in grade.points}
    assert statuses["mechanism"] is PointStatus.COVERED
    assert statuses["purpose"] is not PointStatus.COVERED
    assert "It reduces overfitting" in grade.feedback


def test_same_input_same_grade(minilm_embedder: Embedder, dropout_question: Question) -> None:
    first = Grader.create(minilm_embedder).grade(dropout_question, GOOD)
    second = Grader.create(minilm_embedder).grade(dropout_question, GOOD)
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


@pytest.mark.parametrize("answer", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
def test_bad_input_gets_a_valid_grade(minilm_grader: Grader, small_bank: Bank, answer: str) -> None:
    question = small_bank.questions[0]
    grade = minilm_grader.grade(question, answer, bank=small_bank)
    assert isinstance(grade, Grade)
    assert 0 <= grade.score <= grade.max_points
    assert 0 <= grade.confidence <= 1
    assert grade.feedback


def test_very_long_answer_is_truncated_and_flagged(minilm_grader: Grader, dropout_question: Question) -> None:
    grade = minilm_grader.grade(dropout_question, GOOD + " " + "More words here. " * 100_000)
    assert GradeFlag.TRUNCATED in grade.flags


class CountingEncoder:
    """Wraps the real embedder and counts calls, to prove empty answers never reach the model."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.calls = 0

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.encode(texts)


@pytest.mark.parametrize("answer", ["", "   ", "\n\n\t", "\x00\x01", "...", "- \n* "])
def test_empty_answer_scores_zero_without_model_call(
    minilm_embedder: Embedder, dropout_question: Question, answer: str
) -> None:
    encoder = CountingEncoder(minilm_embedder)
    grade = Grader.create(encoder).grade(dropout_question, answer)
    assert encoder.calls == 0
    assert grade.score == 0 and GradeFlag.EMPTY in grade.flags and grade.confidence == 1.0


@pytest.mark.parametrize(
    "answer", ["I don't know.", "I DON\u2019T KNOW", "Vet inte", "jag vet inte!", "No idea", "ingen aning"]
)
def test_an_answer_saying_only_i_dont_know_scores_zero_as_no_answer(
    minilm_embedder: Embedder, dropout_question: Question, answer: str
) -> None:
    """Embedding similarity gave "I don't know." 0.23 of 2, confidence 0.95: never reviewed."""
    encoder = CountingEncoder(minilm_embedder)
    grade = Grader.create(encoder).grade(dropout_question, answer)
    assert encoder.calls == 0
    assert grade.score == 0 and GradeFlag.EMPTY in grade.flags


@pytest.mark.parametrize(
    "answer",
    [
        "I don't know the exact rate, but dropout switches off random neurons",
        "Vet inte om det är rätt: dropout",
    ],
)
def test_an_attempt_that_also_says_i_dont_know_is_graded(
    minilm_embedder: Embedder, dropout_question: Question, answer: str
) -> None:
    grade = Grader.create(minilm_embedder).grade(dropout_question, answer)
    assert GradeFlag.EMPTY not in grade.flags and grade.score > 0


def test_answer_to_another_question_is_flagged(minilm_grader: Grader, small_bank: Bank) -> None:
    dropout = small_bank.question("dropout")
    answer = "The learning rate is the size of the step gradient descent takes when updating the weights."
    grade = minilm_grader.grade(dropout, answer, bank=small_bank)
    assert GradeFlag.WRONG_QUESTION in grade.flags
    assert grade.needs_review
    assert "learning-rate" in grade.feedback
    own = minilm_grader.grade(dropout, GOOD, bank=small_bank)
    assert GradeFlag.WRONG_QUESTION not in own.flags


def test_off_topic_answer_scores_zero(minilm_grader: Grader, dropout_question: Question) -> None:
    grade = minilm_grader.grade(dropout_question, "My favourite pizza has pineapple and ham on it.")
    assert GradeFlag.OFF_TOPIC in grade.flags
    assert grade.score == 0


def test_grade_many_equals_grade_one_by_one(minilm_grader: Grader, small_bank: Bank) -> None:
    dropout = small_bank.question("dropout")
    answers = [GOOD, WRONG, "", "It prevents overfitting."]
    batch = minilm_grader.grade_many([GradeRequest(question=dropout, answer=answer) for answer in answers])
    single = [minilm_grader.grade(dropout, answer) for answer in answers]
    assert batch == single


def test_features_of_a_batch_equal_features_one_by_one(minilm_embedder: Embedder, small_bank: Bank) -> None:
    """Fitting extracts features in batches (one model call each); each answer must get the features it
    gets alone, including its graded neighbours when several requests share the same examples."""
    question = small_bank.questions[0]
    examples = (
        GradedExample(answer="Dropout switches off random neurons while training.", fraction=1.0),
        GradedExample(answer="It removes outliers from the data set.", fraction=0.0),
        GradedExample(answer="Neurons are dropped at random so the net cannot overfit.", fraction=1.0),
    )
    answers = ["Random neurons are turned off during training.", "   ", "Dropout deletes bad rows."]
    requests = [GradeRequest(question=question, answer=answer, examples=examples) for answer in answers]

    batched = Grader.create(minilm_embedder).features_many(requests)
    alone = [
        Grader.create(minilm_embedder).features(question, answer, examples=examples) for answer in answers
    ]

    assert batched[1] is None and alone[1] is None
    for batch_result, alone_result in ((batched[0], alone[0]), (batched[2], alone[2])):
        assert batch_result is not None and alone_result is not None
        assert "knn_tok_good" in batch_result.values
        assert batch_result.values == pytest.approx(alone_result.values, abs=1e-4)
    assert batched[0] is not None and batched[2] is not None
    assert batched[0].values["ref_cos"] != pytest.approx(batched[2].values["ref_cos"], abs=1e-3)


def test_answers_like_the_correct_graded_ones_are_closer_to_their_prototype(
    minilm_grader: Grader, dropout_question: Question
) -> None:
    """proto_good / proto_bad: similarity to the mean correct and the mean wrong graded answer."""
    examples = [
        GradedExample(answer="Dropout switches off random neurons while training.", fraction=1.0),
        GradedExample(answer="Neurons are dropped at random so the network cannot overfit.", fraction=0.8),
        GradedExample(answer="It removes outliers from the data set.", fraction=0.0),
        GradedExample(answer="Dropout deletes bad rows of the training data.", fraction=0.2),
    ]
    right = minilm_grader.features(
        dropout_question, "Random neurons are turned off in training.", examples=examples
    )
    wrong = minilm_grader.features(dropout_question, "It throws away noisy rows of data.", examples=examples)
    only_right = minilm_grader.features(
        dropout_question, "Random neurons are turned off in training.", examples=examples[:2] + examples[:1]
    )
    assert right is not None and wrong is not None and only_right is not None
    assert right.values["proto_good"] > right.values["proto_bad"]
    assert wrong.values["proto_bad"] > wrong.values["proto_good"]
    assert right.values["proto_gap"] > 0 > wrong.values["proto_gap"]
    assert only_right.values["proto_bad"] == 0.0  # no wrong graded answer: no wrong prototype
    assert only_right.values["proto_gap"] == only_right.values["proto_good"]


def test_graded_neighbours_move_the_score(minilm_grader: Grader, dropout_question: Question) -> None:
    answer = "It turns neurons off."
    examples_low = [GradedExample(answer=f"It turns neurons off{'!' * i}", fraction=0.0) for i in range(5)]
    examples_high = [GradedExample(answer=f"It turns neurons off{'!' * i}", fraction=1.0) for i in range(5)]
    low = minilm_grader.grade(dropout_question, answer, examples=examples_low)
    high = minilm_grader.grade(dropout_question, answer, examples=examples_high)
    assert high.score > low.score


def test_low_confidence_sets_needs_review(minilm_embedder: Embedder, dropout_question: Question) -> None:
    strict = Grader.create(minilm_embedder, review_threshold=1.0)
    grade = strict.grade(dropout_question, "Something about neurons maybe.")
    assert grade.needs_review and GradeFlag.LOW_CONFIDENCE in grade.flags
    lenient = Grader.create(minilm_embedder, review_threshold=0.0)
    assert not lenient.grade(dropout_question, GOOD).needs_review


def test_authored_rubric_credit_counts_in_the_score(
    minilm_embedder: Embedder, dropout_question: Question
) -> None:
    """A teacher-written rubric fully covered lifts the score towards full marks; without the blend the
    same answer gets the model's (dataset-trained, stricter) score."""
    from grading.combine import shipped_scoring_model

    shipped = shipped_scoring_model(minilm_embedder.model_id)
    assert shipped is not None
    unscaled = shipped.model_copy(update={"authored_rubric_scale": (1.0, 0.0)})
    blended = Grader.create(minilm_embedder, scoring=unscaled).grade(dropout_question, GOOD)
    model_only = Grader.create(
        minilm_embedder, scoring=unscaled.model_copy(update={"authored_rubric_weight": 0.0})
    ).grade(dropout_question, GOOD)
    assert all(point.status is PointStatus.COVERED for point in blended.points)
    assert model_only.score < blended.score
    expected = 0.5 * model_only.score + 0.5 * blended.max_points
    assert blended.score == pytest.approx(expected, abs=0.011)


def test_authored_rubric_scale_stretches_grades_without_graded_neighbours(
    minilm_embedder: Embedder, dropout_question: Question
) -> None:
    """The fitted slope/offset maps the blend to a grader's scale; graded neighbours carry the
    teacher's own scale, so with them the blend is left alone."""
    from grading.combine import shipped_scoring_model

    shipped = shipped_scoring_model(minilm_embedder.model_id)
    assert shipped is not None
    answer = "Some neurons are switched off."
    examples = [GradedExample(answer=f"Neurons are removed{'!' * i}", fraction=0.5) for i in range(5)]

    def graded(scale: tuple[float, float], with_examples: bool) -> float:
        scoring = shipped.model_copy(update={"authored_rubric_scale": scale})
        grader = Grader.create(minilm_embedder, scoring=scoring)
        return grader.grade(dropout_question, answer, examples=examples if with_examples else ()).score

    plain = graded((1.0, 0.0), with_examples=False)
    assert 0 < plain < dropout_question.max_points
    assert graded((1.0, 0.25), with_examples=False) == pytest.approx(plain + 0.5, abs=0.011)
    assert graded((3.0, 0.0), with_examples=False) == pytest.approx(min(2.0, 3 * plain), abs=0.011)
    assert graded((1.0, 0.25), with_examples=True) == graded((1.0, 0.0), with_examples=True)


def test_derived_rubric_is_not_blended(minilm_embedder: Embedder, dropout_question: Question) -> None:
    from grading.rubric import derive_rubric

    reference = dropout_question.reference_answer["en"]
    derived = dropout_question.model_copy(
        update={"rubric": derive_rubric([reference]), "reference_answer": {"en": reference}}
    )
    grader = Grader.create(minilm_embedder)
    assert not grader.profile(derived).authored_rubric
    assert grader.profile(dropout_question).authored_rubric


def _exact(kind: QuestionType, **fields: object) -> Question:
    return Question(id=f"q-{kind.value}", type=kind, prompt={"en": "Pick"}, max_points=2, **fields)  # type: ignore[arg-type]


def test_exact_question_types_are_graded_without_model(minilm_embedder: Embedder) -> None:
    encoder = CountingEncoder(minilm_embedder)
    grader = Grader.create(encoder)
    choices = (Choice(text="ReLU", fraction=1.0), Choice(text="Sigmoid", fraction=0.0))
    multiple = _exact(QuestionType.MULTIPLE_CHOICE, choices=choices)
    assert grader.grade(multiple, "relu").score == 2
    assert grader.grade(multiple, "a").score == 2
    assert grader.grade(multiple, "b").score == 0
    true_false = _exact(
        QuestionType.TRUE_FALSE, choices=(Choice(text="True", fraction=1.0), Choice(text="False"))
    )
    assert grader.grade(true_false, "sant").score == 2
    assert grader.grade(true_false, "false").score == 0
    numerical = _exact(QuestionType.NUMERICAL, numerical=(NumericalAnswer(value=0.5, tolerance=0.01),))
    assert grader.grade(numerical, "about 0,505").score == 2
    assert grader.grade(numerical, "0.6").score == 0
    exact = _exact(QuestionType.SHORT_EXACT, choices=(Choice(text="back*propagation", fraction=1.0),))
    assert grader.grade(exact, "Back-propagation").score == 2
    assert grader.grade(exact, "gradient").score == 0
    assert encoder.calls == 0


def test_an_escaped_asterisk_in_a_short_answer_is_an_asterisk(minilm_grader: Grader) -> None:
    """Moodle reads `\\*` in an accepted short answer as the character itself, `*` as any text: `2\\*3`
    (imported from Moodle XML or GIFT as typed) accepts '2*3' and not '2+3'; before, it wanted a backslash
    before any text, so '2*3' scored 0."""
    literal = _exact(QuestionType.SHORT_EXACT, choices=(Choice(text="2\\*3", fraction=1.0),))
    assert minilm_grader.grade(literal, "2*3").score == 2
    assert minilm_grader.grade(literal, "2+3").score == 0
    mixed = _exact(QuestionType.SHORT_EXACT, choices=(Choice(text="a\\*b*", fraction=1.0),))
    assert minilm_grader.grade(mixed, "a*b squared").score == 2
    assert minilm_grader.grade(mixed, "ab squared").score == 0


def test_an_answer_that_pastes_the_questions_code_back_scores_zero(minilm_grader: Grader) -> None:
    from question_bank.models import CodeBlock, RubricPoint

    source = "model = Sequential()\nmodel.add(Dense(64, activation='relu'))\nmodel.add(Dropout(0.5))\n"
    question = Question(
        id="explain-code",
        prompt={"en": "Explain what this code does."},
        code=CodeBlock(source=source + "model.compile(optimizer='adam', loss='mse')"),
        reference_answer={
            "en": "It builds a network with a 64-unit ReLU layer and dropout, trained with Adam."
        },
        rubric=(RubricPoint(id="layers", text="A 64-unit ReLU layer followed by dropout", weight=1),),
        max_points=4,
    )
    copied = minilm_grader.grade(question, source)
    explained = minilm_grader.grade(
        question, "It builds a small network: a dense layer of 64 ReLU units, then dropout of half the units."
    )
    assert copied.score == 0 and GradeFlag.COPIED_CODE in copied.flags
    assert "repeats the question's code" in copied.feedback
    assert explained.score > 0 and GradeFlag.COPIED_CODE not in explained.flags
