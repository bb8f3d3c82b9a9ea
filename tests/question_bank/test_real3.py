"""Round 3 of real exchange files written by other tools (tests/question_bank/data/real3, sources in its
README): each imported and checked question by question against the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import QuestionType
from tests.question_bank.conftest import DATA_DIR

REAL = DATA_DIR / "real3"


def test_moodle_nested_categories_become_topic_paths_and_an_essay_without_model_answer_is_named() -> None:
    skipped: list[InputFileError] = []
    bank = import_file(REAL / "moodle_nested_categories_with_questions.xml", skipped=skipped)
    assert [(q.id, q.type, q.topics) for q in bank.questions] == [
        ("iota-question", QuestionType.TRUE_FALSE, ("Iota",)),
        ("kappa-question", QuestionType.TRUE_FALSE, ("Iota/Kappa",)),
        ("lambda-question", QuestionType.TRUE_FALSE, ("Iota/Kappa/Lambda",)),
        ("mu-question", QuestionType.TRUE_FALSE, ("Iota/Mu",)),
    ]
    for question in bank.questions:
        assert [(c.text, c.fraction) for c in question.choices] == [("True", 1.0), ("False", 0.0)]
    assert bank.questions[0].prompt_in("en") == "Testing Iota Question"
    assert [(error.line, error.field) for error in skipped] == [(55, "Kappa Essay Question")]
    assert "no reference answer" in skipped[0].reason


def test_moodle_idnumber_with_html_characters_is_made_an_id() -> None:
    question = import_file(REAL / "moodle_html_chars_in_idnumbers.xml").questions[0]
    assert (question.id, question.topics, question.type) == ("t-f", ("Alpha",), QuestionType.TRUE_FALSE)


def test_moodle_19_image_tag_is_media_and_cloze_is_named_unsupported() -> None:
    skipped: list[InputFileError] = []
    bank = import_file(REAL / "moodle_old_image_tag_and_cloze.xml", skipped=skipped)
    (question,) = bank.questions
    assert question.prompt_in("en").endswith("used in Moodle 1.9\n\n[image: moodle.png]")
    assert question.media == ("moodle.png",)
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("wrong answer", 0.0),
        ("another wrong answer", 0.0),
        ("right answer", 1.0),
    ]
    assert [error.field for error in skipped] == ["cloze question with image"]
    assert "embedded answers (Cloze)" in skipped[0].reason


def test_moodle_multiple_answers_share_the_points_and_keep_general_feedback() -> None:
    question = import_file(REAL / "moodle_multichoice_multiple_answers.xml").questions[0]
    assert question.id == "Multi-choice-001"
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("Tokyo", 0.0),
        ("Spain", 0.0),
        ("London", 0.5),
        ("Barcelona", 0.0),
        ("Paris", 0.5),
    ]
    assert question.general_feedback == "Berlin, Paris and London"


def test_gift_examples_from_moodles_format_php() -> None:
    skipped: list[InputFileError] = []
    bank = import_file(REAL / "gift_format_php_examples.gift", skipped=skipped)
    kinds = [question.type for question in bank.questions]
    assert kinds == [
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.TRUE_FALSE,
        QuestionType.SHORT_EXACT,
        QuestionType.NUMERICAL,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.SHORT_EXACT,
        QuestionType.NUMERICAL,
    ]
    assert [error.line for error in skipped] == [15]  # the matching question
    assert bank.question("q2").prompt_in("en") == "Grant is _____ in Grant's tomb."
    assert [(c.text, c.fraction) for c in bank.question("q3").choices] == [("True", 0.0), ("False", 1.0)]
    hometown = bank.question("jesus-hometown-short-answer-ex")
    assert [(c.text, c.fraction) for c in hometown.choices] == [
        ("Nazareth", 1.0),
        ("Nazereth", 0.75),
        ("Bethlehem", 0.25),
    ]
    born = bank.question("numerical-example").numerical
    assert [(a.value, a.tolerance, a.fraction) for a in born] == [(1822.0, 0.0, 1.0), (1822.0, 2.0, 0.5)]
    # a feedback's continuation line loses the indentation lining it up in the file
    assert born[1].feedback == "He was born in 1822.\nYou get 50% credit for being close."


def test_gift_escaped_control_characters_are_choices() -> None:
    question = import_file(REAL / "gift_escape_all.gift").questions[0]
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("~", 0.0),
        ("=", 0.0),
        ("#", 0.0),
        ("{", 0.0),
        ("}", 0.0),
        (":", 0.0),
        ("\\", 1.0),
    ]
    assert question.choices[0].feedback == "~ is a control character."
    assert question.choices[-1].feedback == (
        "Correct! \\ (backslash) is not a control character. BUT,\n"
        "it is used to escape the control characters."
    )


def test_gift_numerical_forms() -> None:
    answers = [
        [(a.value, a.tolerance, a.fraction) for a in q.numerical]
        for q in import_file(REAL / "gift_numerical.gift").questions
    ]
    assert answers == [
        [(1822.0, 0.0, 1.0)],
        [(3.1415, 0.0005, 1.0)],
        [(3.1415, 0.0005, 1.0)],  # {#3.141..3.142}
        [(3.0, 2.0, 1.0)],  # {#1..5}
        [(1822.0, 0.0, 1.0), (1822.0, 2.0, 0.5)],
    ]


def test_a_file_whose_only_question_is_left_out_says_why(tmp_path: Path) -> None:
    """Moodle's `// [id:393]` essay without a model answer: with --skip-unsupported nothing is left, and
    the error says so instead of 'no questions found'."""
    with pytest.raises(InputFileErrors) as caught:
        import_file(REAL / "gift_tag_id_and_two_tags.gift", skipped=[])
    expected = "no questions left: the only question was left out as unsupported (line 3: essay question"
    assert expected in str(caught.value)
    answered = tmp_path / "essay.gift"
    source = (REAL / "gift_tag_id_and_two_tags.gift").read_text(encoding="utf-8")
    answered.write_text(source.replace("{}", "{####A good essay.}"), encoding="utf-8")
    question = import_file(answered).questions[0]
    assert (question.id, question.topics) == ("393", ("fred", "barney-wilma"))


def test_canvas_new_quizzes_stimulus_is_put_before_its_child_question() -> None:
    """A Canvas New Quizzes stimulus (text_only_question) named by `parent_stimulus_item_ident`: its text
    leads the child question's prompt, and it is not reported as left out (it is not lost)."""
    notes: list[str] = []
    bank = import_file(REAL / "canvas_stimulus_with_child_item.xml", notes=notes)
    (question,) = bank.questions
    assert question.prompt_in("en") == "some content\n\nthe answer is letter A"  # was: the stimulus dropped
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("A", 1.0),
        ("B", 0.0),
        ("C", 0.0),
        ("D", 0.0),
    ]
    assert notes == []


@pytest.mark.parametrize(
    ("name", "value", "tolerance"),
    [
        ("canvas_numeric_margin_error_percent.xml", 200.0, 40.0),  # 20 % margin, also as 160..240
        ("canvas_numeric_precision.xml", 1000.0, 0.005),  # precision: (999.995, 1000.005]
    ],
)
def test_canvas_numerical_margins(name: str, value: float, tolerance: float) -> None:
    question = import_file(REAL / name).questions[0]
    assert question.type is QuestionType.NUMERICAL
    assert [(a.value, a.tolerance) for a in question.numerical] == [(value, tolerance)]


def test_canvas_answer_feedback_and_general_feedback() -> None:
    question = import_file(REAL / "canvas_mc_feedback.xml").questions[0]
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("A", 1.0, "Answer A Feedback"),
        ("B", 0.0, "Answer B Feedback"),
        ("C", 0.0, "Answer C Feedback"),
        ("D", 0.0, "Answer D Feedback"),
    ]
    assert question.general_feedback == "General Feedback"  # correct/incorrect feedback has no place


def test_canvas_multiple_answers_give_partial_credit_and_cost_a_share_per_wrong_tick() -> None:
    question = import_file(REAL / "canvas_multiple_answer.xml").questions[0]
    assert not question.all_or_nothing
    assert [(c.text, round(c.fraction, 4)) for c in question.choices] == [
        ("A", 0.3333),
        ("B", -0.3333),
        ("C", 0.3333),
        ("D", 0.3333),
    ]


def test_canvas_true_false_and_short_answer_with_per_answer_feedback() -> None:
    truth, blank = import_file(REAL / "canvas_every_interaction_excerpt.xml").questions
    assert truth.type is QuestionType.TRUE_FALSE
    assert [(c.text, c.fraction, c.feedback) for c in truth.choices] == [
        ("True", 1.0, "Answer Feedback, True, Correct"),
        ("False", 0.0, "Answer Feedback, False, Incorrect"),
    ]
    assert blank.type is QuestionType.SHORT_EXACT
    assert [(c.text, c.fraction, c.feedback) for c in blank.choices] == [
        ("Blank", 1.0, "Answer Feedback, Correct, Blank"),
        ("blank", 1.0, "Answer Feedback, Correct, blank"),
    ]
    assert truth.general_feedback == blank.general_feedback == "Item Feedback, Neutral"
