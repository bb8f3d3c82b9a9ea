"""Spreadsheet CSV: Excel, Anki and Quizlet exports, encodings, quoting; errors name line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import detect_format, import_file
from question_bank.models import QuestionType
from tests.question_bank.conftest import DATA_DIR


def test_semicolon_csv_with_swedish_headers_quotes_and_multiline_cells() -> None:
    path = DATA_DIR / "rows_semicolon.csv"
    assert detect_format(path) == "csv"
    bank = import_file(path)
    assert bank.languages == ("sv",)
    first, second = bank.questions
    assert first.prompt == {"sv": "Vad är överanpassning?"}
    assert [p.text for p in first.rubric] == ["lär sig brus i träningsdatan", "sämre på ny data"]
    assert [p.weight for p in first.rubric] == pytest.approx([2 / 3, 1 / 3])
    assert first.max_points == 2 and first.topics == ("Regularisering",)
    assert second.prompt["sv"] == 'Vad gör en "pooling"-operation, t.ex. max pooling?'
    assert second.max_points == 1.5  # Swedish decimal comma
    assert 1 <= len(second.rubric) <= 6  # proposed from the reference answer


def test_bad_rows_are_reported_by_line_and_column_and_nothing_imported() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_file(DATA_DIR / "rows_bad.csv")
    found = {(error.line, error.field) for error in caught.value.errors}
    assert found == {(4, "column 3 (key_points)"), (4, "column 4 (max_points)")}
    assert any("must be a positive number" in error.reason for error in caught.value.errors)


def test_bom_utf8_and_embedded_newlines(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_bytes(
        '\ufeffquestion,reference_answer\n"Förklara\nbackpropagation, kort.","Gradienter, lager för lager."\n'
        '"Vad är en epok?","Ett helt varv genom datan."\n'.encode()
    )
    bank = import_file(path)
    assert bank.question(1).prompt["sv"] == "Förklara\nbackpropagation, kort."
    assert bank.question(2).prompt["sv"] == "Vad är en epok?"


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_text("question,answr\nVad?,Svar.\n", encoding="utf-8")
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    reasons = [(error.line, error.field, error.reason) for error in caught.value.errors]
    assert (
        1,
        "column 2",
        "unknown column 'answr' "
        "(known: question, reference_answer, key_points, max_points, topic, id, feedback, correct_feedback, "
        "partial_feedback, incorrect_feedback, deck, time_limit, answer_numbering, question_type, image, "
        "answer 1 … (choices))",
    ) in reasons
    assert any("missing required column 'reference_answer'" in reason for _, _, reason in reasons)


def test_empty_cells_are_errors_at_their_row(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_text('question,reference_answer\n"Vad är ReLU?",""\n"","Ett svar."\n', encoding="utf-8")
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    found = {(error.line, error.field) for error in caught.value.errors}
    assert found == {(2, "column 2 (reference_answer)"), (3, "column 1 (question)")}


def test_windows_excel_export_in_cp1252_with_padding_columns_and_units() -> None:
    bank = import_file(DATA_DIR / "csv_excel_sv_cp1252.csv")
    first, second = bank.questions
    assert first.reference_answer["sv"] == "Modellen lär sig bruset – och presterar sämre på ny data."
    assert (first.max_points, first.topics) == (1.5, ("Regularisering",))
    assert (second.max_points, second.topics) == (2, ("CNN",))
    assert [question.number for question in bank.questions] == [1, 2]


def test_utf16_unicode_text_export_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_bytes(
        "Question\tAnswer\r\nVad är en epok?\tEtt varv genom all träningsdata.\r\n".encode("utf-16")
    )
    assert import_file(path).question(1).prompt == {"sv": "Vad är en epok?"}


def test_anki_plain_text_export_is_detected_and_its_headers_obeyed(tmp_path: Path) -> None:
    path = tmp_path / "deck.txt"
    path.write_bytes((DATA_DIR / "csv_anki_export.csv").read_bytes())
    assert detect_format(path) == "csv"
    first, second = import_file(path).questions
    assert first.prompt["en"] == "What is dropout?"
    assert (
        first.reference_answer["en"] == "It randomly disables neurons during training\nto reduce overfitting."
    )
    assert first.topics == ("regularisation", "dl")
    assert second.prompt["en"] == 'What does "ReLU" compute?'


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("What is dropout?,Dropout disables neurons at random.\nWhat is a GPU?,A graphics processor.\n", ","),
        (
            "Vad är dropout?;Slumpvis avstängda neuroner, under träning.\n"
            "Vad är en GPU?;En grafikprocessor.\n",
            ";",
        ),
        (
            "sep=;\r\nVad är dropout?;Slumpvis avstängda neuroner.\r\nVad är en GPU?;En grafikprocessor.\r\n",
            ";",
        ),
    ],
)
def test_header_less_two_column_files_are_question_and_answer(
    tmp_path: Path, text: str, delimiter: str
) -> None:
    path = tmp_path / "cards.csv"
    path.write_text(text, encoding="utf-8")
    bank = import_file(path)
    assert len(bank.questions) == 2
    assert bank.question(1).prompt_in("xx").endswith("dropout?")
    assert bank.question(2).reference_in("xx") in ("A graphics processor.", "En grafikprocessor.")
    assert delimiter not in bank.question(1).prompt_in("xx")


@pytest.mark.parametrize(
    "header",
    [
        " Question , Reference Answer , Key Points , Max Points , Topic ",
        "Fråga,Svar,Nyckelpunkter,Poäng,Ämne",
        "Front,Back,Rubric,Marks,Tags",
        "Question text,Correct answer,Grading criteria,Points (max),Category",
    ],
)
def test_header_names_in_any_case_language_and_spacing(tmp_path: Path, header: str) -> None:
    path = tmp_path / "exam.csv"
    path.write_text(
        f"{header}\n"
        "What is SGD?,Gradient steps on mini-batches.,updates weights|uses mini-batches,2,Optimering\n",
        encoding="utf-8",
    )
    question = import_file(path).question(1)
    assert [point.text for point in question.rubric] == ["updates weights", "uses mini-batches"]
    assert (question.max_points, question.topics) == (2, ("Optimering",))


def test_reordered_columns_feedback_and_free_text_ids(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_text(
        "Points,Feedback,Answer,Question name,Question\n"
        '3,"See lecture 4.",Pooling shrinks feature maps.,Pooling basics,What does pooling do?\n',
        encoding="utf-8",
    )
    question = import_file(path).question(1)
    assert (question.id, question.max_points, question.general_feedback) == (
        "pooling-basics",
        3,
        "See lecture 4.",
    )
    assert question.prompt_in("en") == "What does pooling do?"


def test_key_points_as_a_bulleted_list_in_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_text(
        "question,reference_answer,key_points\n"
        '"What is dropout?","It disables neurons.","- 2: disables neurons\n- reduces overfitting"\n',
        encoding="utf-8",
    )
    rubric = import_file(path).question(1).rubric
    assert [point.text for point in rubric] == ["disables neurons", "reduces overfitting"]
    assert [point.weight for point in rubric] == pytest.approx([2 / 3, 1 / 3])


def test_unknown_column_with_data_is_an_error_but_an_empty_one_is_ignored(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("question,reference_answer,Notes,\nVad är ReLU?,max(0; x),,\n", encoding="utf-8")
    assert import_file(empty).question(1).reference_in("sv") == "max(0; x)"
    lossy = tmp_path / "lossy.csv"
    lossy.write_text("question,reference_answer,,\nVad är ReLU?,max(0; x),,viktig\n", encoding="utf-8")
    with pytest.raises(InputFileErrors) as caught:
        import_file(lossy)
    assert [(error.line, error.field) for error in caught.value.errors] == [(1, "column 4")]


def test_unclosed_quote_is_an_error_at_its_line_not_a_swallowed_file(tmp_path: Path) -> None:
    path = tmp_path / "exam.csv"
    path.write_text(
        'question,reference_answer\nVad?,Svar.\n"Vad är ReLU?,max(0, x)\nVad?,Svar.\n', encoding="utf-8"
    )
    with pytest.raises(InputFileError) as caught:
        import_file(path)
    assert (caught.value.line, caught.value.reason) == (
        3,
        "CSV syntax: a quoted cell starting here is never closed",
    )


def test_header_less_row_split_by_an_unquoted_comma_is_an_error_not_a_key_point(tmp_path: Path) -> None:
    path = tmp_path / "cards.csv"
    path.write_text(
        "What is dropout?,Neurons are disabled at random.\n"
        "What is ReLU?,max(0, x)\nWhat is a GPU?,A processor.\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    assert [(error.line, error.reason) for error in caught.value.errors] == [
        (2, "row has 3 cells but the file has 2 columns")
    ]


def test_numbered_text_exam_with_tabs_is_not_taken_for_a_table(tmp_path: Path) -> None:
    path = tmp_path / "exam.txt"
    path.write_text("1.\tVad är dropout?\n2.\tVad är en GPU?\n", encoding="utf-8")
    assert detect_format(path) == "markdown"


def test_anki_plain_text_export_with_comment_deck_and_notetype_columns(tmp_path: Path) -> None:
    """Anki skips every '#' line of its header; the deck column gives the title and topics."""
    path = tmp_path / "export.txt"
    path.write_text(
        "#separator:tab\n#html:true\n# exported 2024-05-01 from my notes\n"
        "#notetype column:1\n#deck column:2\n#tags column:5\n"
        "Basic\tLitteratur::Realism\tVem skrev Röda rummet?\tAugust Strindberg\tsv19\n"
        "Basic\tLitteratur::Romantik\tVem skrev Frithiofs saga?\tEsaias Tegnér\t\n",
        encoding="utf-8",
    )
    bank = import_file(path)
    assert bank.title == "Litteratur"
    assert [question.topics for question in bank.questions] == [("Realism", "sv19"), ("Romantik",)]
    assert bank.questions[1].reference_in("sv") == "Esaias Tegnér"


def test_anki_notes_export_names_each_question_by_its_guid(tmp_path: Path) -> None:
    """Anki's 'Notes in Plain Text' export with '#guid column' (Anki 2.1.55+): the guid is the question
    id, as for an .apkg, so importing a newer export of the deck names the same questions (was: q1, q2;
    a base91 guid becomes a stable hash)."""
    path = tmp_path / "notes.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n"
        "R1a4B7c9D2\tBasic\tOps::WiFi\tWhat does <code>genpmk</code> do?\tPrecomputes PMKs.\twifi\n"
        "e[9V!q/Gw\tBasic\tOps::WiFi\tWhat does a deauth do?\tDisconnects a client.\twifi\n",
        encoding="utf-8",
    )
    first, second = import_file(path).questions
    assert first.id == "R1a4B7c9D2"
    assert second.id.startswith("anki-") and second.id == import_file(path).questions[1].id
    assert first.prompt_in("en") == "What does genpmk do?"
    assert second.reference_in("en") == "Disconnects a client."


def test_anki_cloze_rows_are_asked_blanked_and_answered_filled(tmp_path: Path) -> None:
    path = tmp_path / "cloze.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#notetype:Cloze\n"
        "Dropout sets {{c1::a random share of activations}} to zero during {{c2::training::phase}}.\t"
        "Not at inference time.\n",
        encoding="utf-8",
    )
    question = import_file(path).questions[0]
    assert question.prompt_in("en") == "Dropout sets _____ to zero during _____ (phase)."
    assert (
        question.reference_in("en") == "Dropout sets a random share of activations to zero during training."
    )
    assert question.general_feedback == "Not at inference time."


@pytest.mark.parametrize(
    ("notetype", "basic"),
    [
        ("Bas (skriv in svaret)", "Grundläggande"),  # Anki in Swedish
        ("Einfach (Antwort eintippen)", "Einfach"),  # German
        ("问答题（输入答案）", "问答题"),  # Simplified Chinese, full-width brackets
    ],
)
def test_anki_type_in_note_is_a_short_answer_under_its_localised_name(
    tmp_path: Path, notetype: str, basic: str
) -> None:
    """Anki names its stock note types in the language it runs in, and the 'Notes in Plain Text' export
    writes that name: 'Basic (type in the answer)' in Swedish, German or Chinese is a typed short answer
    too (was: free text, read by its English name only), in the notetype column and in '#notetype:'.
    The plain Basic type stays free text."""
    columns = tmp_path / "columns.txt"
    columns.write_text(
        "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n"
        f"{notetype}\tKemi\tVilken ädelgas har atomnummer 10?\tneon\n"
        f"{basic}\tKemi\tVarför reagerar ädelgaser sällan?\tDe har fulla yttre elektronskal.\n",
        encoding="utf-8",
    )
    typed, plain = import_file(columns).questions
    assert (typed.type, [choice.text for choice in typed.choices]) == (QuestionType.SHORT_EXACT, ["neon"])
    assert plain.type is QuestionType.FREE_TEXT
    header = tmp_path / "header.txt"
    header.write_text(
        f"#separator:tab\n#notetype:{notetype}\nVilken ädelgas har atomnummer 18?\targon\n", encoding="utf-8"
    )
    (only,) = import_file(header).questions
    assert (only.type, [choice.text for choice in only.choices]) == (QuestionType.SHORT_EXACT, ["argon"])


def test_quizlet_export_with_a_definition_over_several_lines(tmp_path: Path) -> None:
    """Quizlet writes 'term<TAB>definition' without quoting; a line without a tab continues the card above."""
    path = tmp_path / "quizlet.txt"
    path.write_text(
        "overfitting\tlow training error but high test error\nfix: regularise or add data\n"
        "epoch\tone pass over the training set\n",
        encoding="utf-8",
    )
    assert detect_format(path) == "csv"
    bank = import_file(path)
    assert [(question.prompt_in("en"), question.reference_in("en")) for question in bank.questions] == [
        ("overfitting", "low training error but high test error\nfix: regularise or add data"),
        ("epoch", "one pass over the training set"),
    ]


def test_reference_written_as_a_marking_scheme_gives_the_rubric(tmp_path: Path) -> None:
    path = tmp_path / "scheme.csv"
    path.write_text(
        "question,reference_answer\n"
        '"What is the learning rate?","Model answer: The step size of gradient descent.\n'
        'Marking:\n- Says it is the step size (1 p)\n- Explains that too large a rate diverges (2 p)"\n',
        encoding="utf-8",
    )

    (question,) = import_file(path).questions

    assert question.reference_in("en") == "The step size of gradient descent."
    assert [point.text for point in question.rubric] == [
        "Says it is the step size",
        "Too large a rate diverges",
    ]
    assert question.max_points == 3.0


def test_choice_columns_make_multiple_choice_rows_keyed_by_letter_or_text(tmp_path: Path) -> None:
    """Quiz-site CSVs (Quizizz, Blooket, hand-made): Option A-D columns, the answer as a letter or text."""
    path = tmp_path / "quiz.csv"
    path.write_text(
        "Question,Option A,Option B,Option C,Correct Answer,Explanation\n"
        "What does CPU stand for?,Central Processing Unit,Computer Personal Unit,Core Unit,A,The chip.\n"
        "Which language styles web pages?,HTML,CSS,SQL,css,\n",
        encoding="utf-8",
    )
    cpu, css = import_file(path).questions
    assert cpu.type is QuestionType.MULTIPLE_CHOICE
    assert [choice.fraction for choice in cpu.choices] == [1.0, 0.0, 0.0]
    assert cpu.general_feedback == "The chip."
    assert cpu.reference_answer == {}
    assert [choice.fraction for choice in css.choices] == [0.0, 1.0, 0.0]


def test_quizizz_csv_poll_rows_are_left_out_when_asked(tmp_path: Path) -> None:
    """A poll has no correct answer: an unsupported row (was: 'Question Type' an unknown column)."""
    path = tmp_path / "quizizz.csv"
    path.write_text(
        "Question Text,Question Type,Option 1,Option 2,Correct Answer,Image Link\n"
        "Which activation is linear for x > 0?,Multiple Choice,ReLU,Sigmoid,1,\n"
        "Favourite optimiser?,Poll,Adam,SGD,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    assert [(error.line, error.unsupported) for error in caught.value.errors] == [(3, True)]
    skipped: list[InputFileError] = []
    bank = import_file(path, skipped=skipped)
    assert [question.choices[0].fraction for question in bank.questions] == [1.0]
    assert [(error.line, error.field) for error in skipped] == [(3, "column 2 (question_type)")]


QUIZIZZ_CSV = """\
Question Text,Question Type,Option 1,Option 2,Option 3,Option 4,Option 5,Correct Answer,Time in seconds
Largest planet?,Multiple Choice,Mars,Jupiter,Venus,,,2,30
Favourite optimiser?,{kind},Adam,SGD,,,,{answer},30
Why does dropout help?,Open-Ended,,,,,,It prevents co-adaptation.,60
"""


def test_rows_left_out_keep_the_ids_and_numbers_of_the_rows_after_them(tmp_path: Path) -> None:
    """A skipped row leaves a gap in the generated ids (q1, q3) rather than renumbering: the id of a row
    is its position among the data rows, so a re-import, with or without the row left out, and a later
    fix of the skipped row keep every other question's id (and its students' history) the same."""
    path = tmp_path / "quizizz.csv"
    path.write_text(QUIZIZZ_CSV.format(kind="Poll", answer=""), encoding="utf-8")
    skipped: list[InputFileError] = []
    first = import_file(path, skipped=skipped)
    assert [(q.id, q.number) for q in first.questions] == [("q1", 1), ("q3", 3)]
    assert [error.line for error in skipped] == [3]
    assert import_file(path, skipped=[]).questions == first.questions  # re-import: same ids

    path.write_text(QUIZIZZ_CSV.format(kind="Multiple Choice", answer="1"), encoding="utf-8")
    fixed = import_file(path)
    assert [q.id for q in fixed.questions] == ["q1", "q2", "q3"]
    assert fixed.question("q3").prompt == first.question("q3").prompt
