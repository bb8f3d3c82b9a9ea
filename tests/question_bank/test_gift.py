"""Moodle GIFT: Moodle's own export, hand-written files, errors by line, and GIFT round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import detect_format, import_file
from question_bank.formats.gift import dump_gift, import_gift
from question_bank.models import Bank, QuestionType
from tests.question_bank.conftest import DATA_DIR, sample_bank_data


def _fractions(bank: Bank, key: str) -> list[tuple[str, float, str]]:
    return [(choice.text, choice.fraction, choice.feedback) for choice in bank.question(key).choices]


def test_moodle_export_with_html_categories_and_feedback() -> None:
    path = DATA_DIR / "moodle_export_dl.gift.txt"
    assert detect_format(path) == "gift"  # Moodle names its GIFT exports .txt
    bank = import_file(path)
    assert [q.id for q in bank.questions] == [
        "dropout-mc",
        "early-stopping-tf",
        "aktivering",
        "lr",
        "epoker",
        "cnn-essay",
        "matrix",
    ]
    dropout = bank.question("dropout-mc")
    assert dropout.prompt == {"sv": "Vad gör Dropout under träningen?"}  # [html] markup is gone
    assert dropout.topics == ("Regularisering",)  # "$course$/top/Default for DL101/" dropped
    assert dropout.general_feedback == "Dropout är en regulariseringsteknik (Srivastava m.fl. 2014)."
    assert _fractions(bank, "dropout-mc")[2] == ("Tar bort lager permanent", -0.5, "Nej.")
    assert _fractions(bank, "early-stopping-tf") == [
        ("True", 1.0, "Rätt."),
        ("False", 0.0, "Fel, läs om early stopping."),
    ]
    assert _fractions(bank, "aktivering") == [
        ("ReLU", 1.0, "Rätt"),
        ("relu", 1.0, ""),
        ("rectifier", 0.5, "Nästan, ge det vanliga namnet."),
    ]
    lr = bank.question("lr").numerical
    assert [(a.value, a.tolerance, a.fraction) for a in lr] == [(0.001, 0.0001, 1.0), (0.01, 0.001, 0.5)]
    epochs = bank.question("epoker").numerical[0]
    assert (epochs.value, epochs.tolerance) == (15.0, 5.0)  # {#10..20}
    essay = bank.question("cnn-essay")
    assert essay.type is QuestionType.FREE_TEXT
    assert essay.topics == ("CNN",)
    assert essay.reference_in("en").startswith("A CNN applies learned convolution filters")
    assert 2 <= len(essay.rubric) <= 6
    assert (
        bank.question("matrix").prompt["sv"]
        == "Om en bild har formen 28:28:3, hur många kanaler har den? Skriv {antal}."
    )
    assert bank.languages == ("sv", "en")


def test_hand_written_gift_with_every_question_type() -> None:
    bank = import_file(DATA_DIR / "handwritten_en.gift")
    assert bank.languages == ("en",)
    sgd = bank.question("sgd-name")
    assert sgd.prompt["en"] == (
        "Which optimiser adapts the learning rate\n"
        "per parameter using running averages of the gradient and its square?"
    )
    assert _fractions(bank, "sgd-name") == [
        ("SGD", 0.0, "plain stochastic gradient descent has one global rate"),
        ("Adam", 1.0, "right: adaptive moment estimation"),
        ("RMSprop", 0.5, "partially right, it adapts the rate but has no momentum term"),
    ]
    assert sgd.topics == ("Optimisation",)
    assert bank.question("missing-word").prompt["en"] == "Dropout is applied during _____ only."
    assert bank.question("ratio").prompt["en"] == "What is 1:4 written as a decimal?"
    assert [a.value for a in bank.question("multi-numeric").numerical] == [32, 64, 128]
    assert bank.question("tf-plain").type is QuestionType.TRUE_FALSE
    assert _fractions(bank, "tf-false") == [
        ("True", 0.0, "ReLU does not saturate for positive inputs."),
        ("False", 1.0, "Correct, it does not saturate."),
    ]
    assert bank.question("escaped").prompt["en"] == "In Python, how do you write an empty dict {}?"
    assert [c.text for c in bank.question("escaped").choices] == ["{}", "dict()"]
    essay = bank.question("essay-overfitting")
    assert essay.prompt["en"] == "Explain **overfitting** and name two ways to reduce it."
    assert "generalises poorly" in essay.reference_in("en")


def test_essay_without_reference_answer_names_its_line() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_gift(DATA_DIR / "essay_without_reference.gift")
    [error] = caught.value.errors
    assert (error.line, error.field) == (5, "missing")
    assert "####" in error.reason


def test_every_broken_question_is_reported_and_nothing_imported() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_gift(DATA_DIR / "broken.gift")
    reasons = {error.line: error.reason for error in caught.value.errors}
    assert set(reasons) == {1, 3, 5}
    assert "does not parse" in reasons[1]
    assert "braces" in reasons[3]
    assert "no reference answer" in reasons[5]  # an essay tenta cannot grade


def _round_trip(bank: Bank, tmp_path: Path) -> Bank:
    path = tmp_path / "export.gift"
    path.write_text(dump_gift(bank), encoding="utf-8")
    return import_gift(path)


@pytest.mark.parametrize("source", ["moodle_export_dl.gift.txt", "handwritten_en.gift"])
def test_gift_round_trip_keeps_prompts_types_choices_answers_feedback(source: str, tmp_path: Path) -> None:
    bank = import_file(DATA_DIR / source)
    again = _round_trip(bank, tmp_path)
    assert len(again.questions) == len(bank.questions)
    for before, after in zip(bank.questions, again.questions, strict=True):
        assert after.id == before.id
        assert after.type == before.type
        assert after.prompt == before.prompt
        assert after.topics == before.topics
        assert after.choices == before.choices
        assert after.numerical == before.numerical
        assert after.general_feedback == before.general_feedback
        assert after.reference_answer == before.reference_answer


def test_gift_round_trip_of_a_native_bank_keeps_code_and_escapes(tmp_path: Path) -> None:
    data = sample_bank_data()
    data["questions"][0]["code"] = {"language": "python", "source": "x = {'a': 1}\nprint(x['a'])"}
    data["questions"][1]["prompt"] = {"sv": "Vilken är en teknik: a=b, ~c, #d {e}?"}
    bank = Bank.model_validate(data)
    again = _round_trip(bank, tmp_path)
    assert again.question("q1").code == bank.question("q1").code
    assert again.question("q1").prompt["sv"] == "Vad är dropout?"
    assert again.question("q2").prompt["sv"] == "Vilken är en teknik: a=b, ~c, #d {e}?"
    assert again.question("q2").choices == bank.question("q2").choices
    assert again.question("q3").numerical == bank.question("q3").numerical


def test_moodle_html_becomes_readable_text_with_images_entities_and_any_tag() -> None:
    bank = import_gift(DATA_DIR / "gift_moodle_html.gift")
    figure = bank.question("DL-conv-01")  # Moodle's `// [id:…]` is the stable id, not the title
    assert figure.prompt["sv"] == "Vad visar figuren?\n\n[image: Ett 3x3-filter]"  # the image is not lost
    assert _fractions(bank, "DL-conv-01") == [
        ("En faltningskärna", 1.0, "Rätt"),  # &nbsp; is a plain space
        ("En pooling-operation", 0.0, "Nej"),  # <u> is markup too, not text
    ]
    assert bank.question("vatten").prompt["sv"] == "Formeln H2O betecknar _____."
    assert bank.question("lista").prompt["sv"] == "Nämn två aktiveringar:\n\n- ReLU\n- tanh"


def test_moodle_tags_and_localised_default_category_become_topics() -> None:
    bank = import_gift(DATA_DIR / "gift_moodle_html.gift")
    assert bank.question("DL-conv-01").topics == ("Faltning", "cnn", "bilder")
    assert bank.question("vatten").topics == ("Faltning",)  # "Standard för DL101" is Moodle's own level


def test_questions_typed_without_blank_lines_between_them_are_still_separate() -> None:
    bank = import_gift(DATA_DIR / "gift_no_blank_lines.gift")
    assert [(q.id, q.type) for q in bank.questions] == [
        ("first", QuestionType.TRUE_FALSE),
        ("second", QuestionType.MULTIPLE_CHOICE),
        ("third", QuestionType.NUMERICAL),
    ]
    assert bank.question("first").prompt["en"] == "Is ReLU linear for positive inputs?"


def test_two_answer_blocks_in_one_question_is_an_error_not_a_garbled_prompt() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_gift(DATA_DIR / "gift_two_answer_blocks.gift")
    [error] = caught.value.errors
    assert error.line == 1
    assert "more than one" in error.reason and "blank line" in error.reason


def test_parse_errors_name_the_question_title(tmp_path: Path) -> None:
    path = tmp_path / "matching.gift"
    path.write_text("::pairs:: Match them. {=Conv -> features =Dense}\n", encoding="utf-8")
    with pytest.raises(InputFileErrors) as caught:
        import_gift(path)
    [error] = caught.value.errors
    assert (error.line, error.field) == (1, "pairs")
    assert error.reason == "matching pair 'Dense' has no '->': write =item -> answer"


def test_numerical_range_midpoint_has_no_float_noise_and_crlf_bom_are_read(tmp_path: Path) -> None:
    path = tmp_path / "range.gift"
    path.write_bytes(b"\xef\xbb\xbf::pi:: Pi to three decimals?\r\n{#3.141..3.142}\r\n")
    [answer] = import_gift(path).question("pi").numerical
    assert (answer.value, answer.tolerance) == (3.1415, 0.0005)


def test_gift_round_trip_keeps_every_topic_as_moodle_tags(tmp_path: Path) -> None:
    data = sample_bank_data()
    data["questions"][0]["topics"] = ["Regularisering", "dropout [del 2]", "nätverk"]
    bank = Bank.model_validate(data)
    assert _round_trip(bank, tmp_path).question("q1").topics == bank.question("q1").topics


def test_gift_saved_by_windows_notepad_in_cp1252_is_read(tmp_path: Path) -> None:
    path = tmp_path / "notepad.gift"
    path.write_bytes(
        "::ovf::Vad är överanpassning? {=När modellen lär sig bruset ~När den är för liten}\n".encode(
            "cp1252"
        )
    )
    bank = import_file(path)
    assert bank.questions[0].prompt["sv"] == "Vad är överanpassning?"
    assert bank.questions[0].choices[0].text == "När modellen lär sig bruset"


def test_numbered_text_exam_in_cp1252_is_detected_and_read(tmp_path: Path) -> None:
    path = tmp_path / "tenta.txt"
    path.write_bytes("1. Vad är dropout?\n\nDropout stänger av neuroner slumpmässigt.\n".encode("cp1252"))
    assert detect_format(path) == "markdown"
    references = import_file(path).questions[0].reference_answer.values()
    assert any("stänger av neuroner" in text for text in references)


def test_an_image_inside_a_sentence_leaves_one_space_on_each_side() -> None:
    from question_bank.formats.common import html_to_text

    assert html_to_text('Se <img src="a.png" alt="graf"> nedan') == "Se [image: graf] nedan"
    assert html_to_text('<p><img src="b.png"> och text</p>') == "[image] och text"


def test_mathml_pasted_into_html_stays_a_readable_formula(tmp_path: Path) -> None:
    """MathType and LMS editors paste MathML into question HTML: powers and fractions must not flatten."""
    path = _gift(
        tmp_path,
        '::Roots::[html]<p>Solve <math xmlns\\="http\\://www.w3.org/1998/Math/MathML"><msup><mi>x</mi><mn>2</mn>'
        "</msup><mo>\\=</mo><mfrac><mn>1</mn><mn>4</mn></mfrac></math>.</p>"
        "{=<mml:math><mml:mfrac><mml:mn>1</mml:mn><mml:mn>2</mml:mn></mml:mfrac></mml:math>"
        " ~<math><mi>&pi;</mi>}\n",
    )
    question = import_file(path).question("Roots")
    assert list(question.prompt.values()) == ["Solve x^2 = 1/4."]
    assert [choice.text for choice in question.choices] == ["1/2", "π"]  # the second formula is never closed


def _gift(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "real.gift"
    path.write_text(body, encoding="utf-8")
    return path


def test_html_source_newlines_and_indentation_read_as_a_browser_shows_them(tmp_path: Path) -> None:
    """[html] text wrapped over lines (and \\n escapes, as Moodle exports long HTML) is one paragraph;
    Moodle's own format keeps its newlines as line breaks."""
    path = _gift(
        tmp_path,
        "::wrapped::[html]<p>Which    data, \\nreproduced\n    below, is a <b>source</b>?</p>{\n"
        "\t=<p>The  raw\n  table<br></p>\n\t~<p>A&nbsp;&nbsp;chart</p>\n}\n\n"
        "::auto::First line <b>bold</b>\nsecond line{T}\n",
    )
    bank = import_gift(path)
    assert bank.question("wrapped").prompt_in("en") == "Which data, reproduced below, is a source?"
    assert [choice.text for choice in bank.question("wrapped").choices] == ["The raw table", "A  chart"]
    assert bank.question("auto").prompt_in("en") == "First line bold\nsecond line"


@pytest.mark.parametrize(
    "category",
    [
        "$course$/top/Default per Reti2020//21/Transport",  # Italian Moodle, '//' escaping a slash
        "$course$/top/Domyślnie dla Sieci/Transport",
        "$course$/top/Kurs 1 alapbeállítása/Transport",  # Hungarian puts the course first
        "$module$/top/Transport",
        "$course$/top/Standard för   DL/ Transport ",
    ],
)
def test_localised_default_categories_and_module_context_are_dropped(tmp_path: Path, category: str) -> None:
    path = _gift(
        tmp_path, f"$CATEGORY: {category}\n\n::q::Which layer carries segments?{{=transport ~link}}\n"
    )
    assert import_gift(path).question("q").topics == ("Transport",)


def test_a_skipped_question_leaves_no_gap_in_numbering_and_is_reported_in_file_order(tmp_path: Path) -> None:
    path = _gift(
        tmp_path,
        "::essay::How are you?{}\n\n::opinion::Why?{}\n\n::kept::1+1=2{T}\n\n::also::2+2=5{F}\n",
    )
    skipped: list[InputFileError] = []
    bank = import_file(path, skipped=skipped)
    assert [(question.id, question.number) for question in bank.questions] == [("kept", 1), ("also", 2)]
    assert [problem.line for problem in skipped] == [1, 3]


def test_essay_feedback_written_as_a_marking_scheme_gives_the_rubric(tmp_path: Path) -> None:
    """'Model answer: … Marking: (1 p) …; (1 p) …' in an essay's general feedback: the criteria are the
    key points (weights from their points, max points their sum), the model answer the reference."""
    path = tmp_path / "essays.gift"
    path.write_text(
        "::dropout-essay::Explain what dropout does and why it is used.{\n"
        "####Model answer: Dropout randomly switches off neurons during training. This reduces "
        "overfitting. Marking: (1 p) mentions that neurons are switched off at random; (2 p) explains "
        "that it reduces overfitting}\n\n"
        "::plain-essay::Explain early stopping.{\n"
        "####Training stops when the validation loss stops improving. This avoids overfitting.}\n",
        encoding="utf-8",
    )

    bank = import_file(path)

    essay = bank.question("dropout-essay")
    assert essay.reference_answer == {
        "en": "Dropout randomly switches off neurons during training. This reduces overfitting."
    }
    assert [(point.text, round(point.weight * 3, 6)) for point in essay.rubric] == [
        ("Neurons are switched off at random", 1.0),  # weights are shares of the question: 1/3 and 2/3
        ("It reduces overfitting", 2.0),
    ]
    assert essay.max_points == 3.0
    plain = bank.question("plain-essay")  # no criteria: today's behaviour
    assert plain.reference_in("en") == (
        "Training stops when the validation loss stops improving. This avoids overfitting."
    )
    assert 1 <= len(plain.rubric) <= 6 and plain.max_points == 1.0


def test_matching_becomes_a_choice_per_item_among_all_answers(tmp_path: Path) -> None:
    """GIFT matching (was: refused as unsupported): as Moodle imports it, every unescaped '=' starts a
    pair, `= -> answer` is a distractor, escapes are read; each item an equal share of Moodle's 1 point."""
    path = _gift(
        tmp_path,
        "// [id:kinds]\n::T:: Match these {\n =cat -> animal =oak -> tree =rose -> flower\n"
        " =x \\= 1 -> equation\\: yes = -> mineral\n####Living things.}\n",
    )
    notes: list[str] = []
    bank = import_gift(path, notes=notes)
    assert [question.id for question in bank.questions] == [f"kinds-{n}" for n in range(1, 5)]
    oak = bank.question("kinds-2")
    assert (oak.type, oak.prompt_in("en")) == (QuestionType.MULTIPLE_CHOICE, "Match these\n\noak → _____")
    assert [(c.text, c.fraction) for c in oak.choices] == [
        ("animal", 0.0),
        ("tree", 1.0),
        ("flower", 0.0),
        ("equation: yes", 0.0),
        ("mineral", 0.0),
    ]
    assert bank.question("kinds-4").prompt_in("en").endswith("\n\nx = 1 → _____")
    assert [question.max_points for question in bank.questions] == [0.25] * 4
    assert oak.general_feedback == "Living things."
    assert notes == [
        f"{path}:2: T: a matching question with 4 items: imported as 4 questions, one per item, each asking "
        "it as _____ and worth its points"
    ]


def test_matching_answer_keeps_a_hash_and_needs_two_pairs(tmp_path: Path) -> None:
    """Moodle's matching has no per-pair feedback: '#' is part of the answer; one pair is too few."""
    path = _gift(tmp_path, "::lang:: Pair them {=Microsoft -> C# =Sun -> Java}\n\n::one:: Pair {=a -> b}\n")
    with pytest.raises(InputFileErrors) as caught:
        import_gift(path)
    [error] = caught.value.errors
    assert (error.line, error.field) == (3, "one")
    assert error.reason == "a matching question needs at least two pairs (=item -> answer)"
    path.write_text("::lang:: Pair them {=Microsoft -> C# =Sun -> Java}\n", encoding="utf-8")
    assert [c.text for c in import_gift(path).question("lang-1").choices] == ["C#", "Java"]


def _gift_in_categories(tmp_path: Path, name: str, *categories: str) -> Path:
    """A GIFT file with one short-answer question in each category ('': no category line before it)."""
    path = tmp_path / name
    path.write_text(
        "".join(
            (f"$CATEGORY: {category}\n\n" if category else "")
            + f"::q{number}::Vad är {number} + 1? {{={number + 1}}}\n\n"
            for number, category in enumerate(categories, start=1)
        ),
        encoding="utf-8",
    )
    return path


def test_the_category_a_gift_export_was_made_of_titles_the_bank(tmp_path: Path) -> None:
    """Moodle exports a category with its subcategories and names the file after it; that category's name
    is the bank's title (was: the file name, also under `tenta bank import --id`), and the id still comes
    from the file name."""
    path = _gift_in_categories(
        tmp_path,
        "questions-DL101-Djupinlärning-20240512-0930.txt",
        "$course$/top/Standard för DL101/Djupinlärning",
        "$course$/top/Standard för DL101/Djupinlärning/CNN",
        "$course$/top/Standard för DL101/Djupinlärning/Regularisering",
    )
    bank = import_file(path)
    assert (bank.id, bank.title) == ("questions-dl101-djupinlarning-20240512-0930", "Djupinlärning")
    assert [q.topics for q in bank.questions] == [
        ("Djupinlärning",),
        ("Djupinlärning/CNN",),
        ("Djupinlärning/Regularisering",),
    ]


@pytest.mark.parametrize(
    "categories",
    [
        ("$course$/top/Default for DL101/CNN", "$course$/top/Default for DL101/Regularisering"),  # siblings
        ("$course$/top/Default for DL101", "$course$/top/Default for DL101"),  # Moodle's own, no name
        ("", "$course$/top/CNN"),  # a question before any category line
    ],
)
def test_a_gift_file_whose_questions_share_no_named_category_is_titled_by_its_name(
    tmp_path: Path, categories: tuple[str, ...]
) -> None:
    assert import_file(_gift_in_categories(tmp_path, "dl_week_3.gift", *categories)).title == "dl week 3"
