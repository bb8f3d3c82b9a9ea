"""Graded exams handed back as PDF, read back with pypdf: one file per student from a real SQLite file
graded by MiniLM, in DejaVu Sans when the machine has it and in the PDF core fonts otherwise (with the
fallback for characters those lack); hostile and huge answers; `--with-reference` in every format; the
score table at the top; and `tenta export feedback --format pdf` itself."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from pypdf import PdfReader

from question_bank.models import Bank, Question
from quiz.cli import teacher as teacher_cli
from quiz.context import AppContext
from quiz.teacher.feedback.as_pdf import FONT_FILES, MAX_BLOCK_CHARACTERS, Glyphs, find_font_files
from quiz.teacher.feedback.files import FeedbackFormat, write_feedback
from quiz.teacher.feedback.model import reference_for
from tests.cli.teacher_commands import shared_context, tenta
from tests.teacher.test_feedback_reports import ANNA, COMMENT, collect, graded, section

__all__ = ["graded", "shared_context"]

DEJAVU = find_font_files()
FONTS = [
    pytest.param(DEJAVU, id="dejavu", marks=pytest.mark.skipif(DEJAVU is None, reason="no DejaVu Sans here")),
    pytest.param(None, id="core-fonts"),
]
ODD = "Bell\x07 esc\x1b[31m red\x08 ő ł α≤β → 漢字 ok"
LONG_WORD = "x" * 300
INDENTED_CODE = "```python\ndef f(x):\n    return x * 2  # <b>kept</b>\n```"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    """Text with every run of whitespace as one space: lines a PDF wrapped read as one sentence."""
    return " ".join(text.split())


def fonts_of(path: Path, wanted: str) -> set[str]:
    """The names of the fonts that draw text containing `wanted` on the first page it appears."""
    used: set[str] = set()

    def visit(text: str, _cm: object, _tm: object, font: Mapping[str, object] | None, _size: object) -> None:
        if wanted in text and font is not None:
            used.add(str(font["/BaseFont"]))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
        if used:
            break
    return used


def write_pdfs(
    ctx: AppContext, bank: Bank, out: Path, fonts: Mapping[str, Path] | None, *, with_reference: bool = False
) -> dict[str, Path]:
    """'<name> <id>' → the student's PDF, and 'index' → the index."""
    collected = collect(ctx, bank, with_reference=with_reference)
    paths = write_feedback(
        out, list(collected.students.values()), collected.exam, FeedbackFormat.PDF, pdf_fonts=fonts
    )
    files = dict(zip(collected.students, paths, strict=False))
    files["index"] = paths[-1]
    return files


@pytest.mark.parametrize("fonts", FONTS)
def test_a_students_pdf_has_their_answers_scores_comment_and_key_points(
    graded: AppContext, bank: Bank, tmp_path: Path, fonts: Mapping[str, Path] | None
) -> None:
    collected = collect(graded, bank)
    anna = collected.students[ANNA]
    files = write_pdfs(graded, bank, tmp_path / "out", fonts)
    text = flat(pdf_text(files[ANNA]))

    metadata = PdfReader(files[ANNA]).metadata
    assert metadata is not None and (metadata.title or "").endswith(ANNA)
    assert text.startswith("Neural networks quiz Student: Anna Öberg Bank: teacher-test, version 1")
    assert "Feedback published: 2026-01-15" in text and f"Grade: {anna.grade}" in text
    assert "Question Points Status Question 1 1.25 / 2 set by the teacher Question 2" in text
    assert "Score: 1.25 / 2 points" in text
    assert "Score set by the teacher (Kim) from" in text
    assert flat(COMMENT) in text  # the teacher's "<em>" is text, not markup
    assert "What does dropout do during training?" in text
    assert "Reduces overfitting" in text and "Read: regularisation.md" in text
    assert "In your answer: “We watch the validation loss" in text
    covered = "✓ covered" if fonts is not None else "+ covered"
    assert covered in text and "missing (decided by the teacher" in text
    assert "Reference answer" not in text  # only with --with-reference
    assert "page 1/" in text


@pytest.mark.parametrize("fonts", FONTS)
def test_a_hostile_answer_stays_text_and_code_is_monospace(
    graded: AppContext, bank: Bank, tmp_path: Path, fonts: Mapping[str, Path] | None
) -> None:
    path = write_pdfs(graded, bank, tmp_path / "out", fonts)["Hacker h4x"]
    text = pdf_text(path)

    assert "# Not a heading" in text and "<script>alert('x')</script>" in text
    assert "`not code` **not bold** [not](a link) &amp;" in text
    assert "1. not a list" in text and "- still text" in text
    assert "model.add(Dropout(0.5))  # <b>kept</b>" in text or "model.add(Dropout(0.5)) # <b>kept</b>" in text
    code_fonts = fonts_of(path, "model.add")
    prose_fonts = fonts_of(path, "not a list")
    assert code_fonts and all("Mono" in name or "Courier" in name for name in code_fonts)
    assert prose_fonts and not any("Mono" in name or "Courier" in name for name in prose_fonts)


@pytest.mark.parametrize("fonts", FONTS)
def test_control_characters_foreign_scripts_long_words_and_a_megabyte_do_not_break_the_pdf(
    ctx: AppContext, bank: Bank, tmp_path: Path, fonts: Mapping[str, Path] | None
) -> None:
    student = ctx.repository.get_or_create_student("Åsa Ödmark")
    huge = f"{ODD}\n{LONG_WORD}\n\n{INDENTED_CODE}\n\n" + "lorem ipsum dolor " * 60_000
    assert len(huge) > 1_000_000
    answer = ctx.repository.submit_answer(student.id, bank, bank.question("dropout"), huge, source="import")
    ctx.repository.add_override(answer.id, 0.5, "Se “Dropout” — kap. 3 ✓", "Kim")
    path = write_pdfs(ctx, bank, tmp_path / "out", fonts)["Åsa Ödmark"]
    reader = PdfReader(path)
    text = pdf_text(path)

    if fonts is not None:
        assert "Bell? esc?[31m red? ő ł α≤β → ?? ok" in text  # only the controls and CJK lack glyphs
        assert "kap. 3 ✓" in text
    else:  # Windows-1252 only: accents dropped, Greek spelled out, arrows in ASCII
        assert "Bell? esc?[31m red? o ? alpha<=beta -> ?? ok" in text
        assert "kap. 3 +" in text
    assert "Åsa Ödmark" in text and "Se “Dropout” —" in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) < 140  # the 300-letter word was wrapped
    assert LONG_WORD in "".join(text.split())
    assert "return x * 2  # <b>kept</b>" in text or "return x * 2 # <b>kept</b>" in text
    shown = len(huge) - MAX_BLOCK_CHARACTERS
    assert f"[… {shown:,} more characters are not shown here" in flat(text)
    assert 5 < len(reader.pages) < 30
    assert "Score: 0.5 / 2 points" in text


def test_glyphs_fall_back_to_what_the_core_fonts_draw() -> None:
    core = Glyphs(None)

    assert core.printable("åäö ÅÄÖ é ü € “a” – — …") == "åäö ÅÄÖ é ü € “a” – — …"
    assert core.printable("ő ŝ ﬁ ₂ ² Σ σ ≥ ✓ ✗ ◐") == "o s fi 2 ² Sigma sigma >= + x ~"
    assert core.printable("a\tb\r\nc\x00d\ud800e\U0010fffd") == "a    b\nc?d?e?"
    assert core.printable("A\u030a") == "Å"  # decomposed letters are composed first


def test_the_reference_answer_is_in_the_students_language_else_the_banks_main_one(bank: Bank) -> None:
    dropout = bank.question("dropout")
    bilingual = Question.model_validate(
        {
            **dropout.model_dump(),
            "reference_answer": {"en": "Switches off random units.", "sv": "Stänger av slumpvisa enheter."},
        }
    )
    gpu = bank.question("gpu")

    assert reference_for(bilingual, "sv", "en", 2).answer == "Stänger av slumpvisa enheter."
    assert reference_for(bilingual, "de", "en", 2).answer == "Switches off random units."
    assert reference_for(dropout, "sv", "en", 2).answer == dropout.reference_answer["en"]
    points = reference_for(dropout, "sv", "en", 2).points
    assert [(point.text, point.points) for point in points] == [
        ("Randomly deactivates neurons during training", 1.0),
        ("Reduces overfitting", 1.0),
    ]
    assert reference_for(gpu, "en", "en", 1).answer == "GPU"


def test_with_reference_adds_the_reference_and_rubric_in_every_format(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    collected = collect(graded, bank, with_reference=True)
    students = list(collected.students.values())
    out = tmp_path / "out"
    markdown = write_feedback(out, students, collected.exam, FeedbackFormat.MARKDOWN)
    html = write_feedback(out, students, collected.exam, FeedbackFormat.HTML)
    pdf = write_feedback(out, students, collected.exam, FeedbackFormat.PDF, pdf_fonts=DEJAVU)
    hacker = list(collected.students).index("Hacker h4x")
    reference = bank.question("dropout").reference_answer["en"]

    unanswered = section(markdown[hacker].read_text(encoding="utf-8"), "Question 2")
    assert "*You did not answer this question.*" in unanswered
    assert "Reference answer:" in unanswered and "> Training stops when the validation loss" in unanswered
    assert "- Monitors the validation loss (1 p)" in unanswered
    first = section(markdown[hacker].read_text(encoding="utf-8"), "Question 1")
    assert f"> {reference}" in first and "- Reduces overfitting (1 p)" in first
    assert "> GPU" in section(markdown[hacker].read_text(encoding="utf-8"), "Question 3")
    page = html[hacker].read_text(encoding="utf-8")
    assert page.count('<div class="reference">') == 3
    assert "<li>Randomly deactivates neurons during training (1 p)</li>" in page
    text = flat(pdf_text(pdf[hacker]))
    assert text.count("Reference answer:") == 3 and flat(reference) in text
    assert "Rubric: • Randomly deactivates neurons during training (1 p) • Reduces overfitting (1 p)" in text


def test_the_score_table_at_the_top_shows_every_question(
    graded: AppContext, bank: Bank, tmp_path: Path
) -> None:
    collected = collect(graded, bank)
    paths = write_feedback(
        tmp_path / "out", list(collected.students.values()), collected.exam, FeedbackFormat.MARKDOWN
    )
    texts = dict(zip(collected.students, (path.read_text(encoding="utf-8") for path in paths), strict=False))
    orjan = texts["Örjan orjan@uni.se"]
    hacker = texts["Hacker h4x"]

    assert "- Bank: teacher-test, version 1" in orjan
    assert "| Question 2 | – / 2 | being reviewed |" in orjan
    assert re.search(r"\| Question 1 \| [\d.]+ / 2 \| graded \|", orjan)
    assert "| Question 2 | 0 / 2 | not answered |" in hacker
    assert "| Question 1 | – / 2 | not graded yet |" in texts["Dan"]
    assert orjan.index("| Question 3 |") < orjan.index("## Question 1")


def test_export_feedback_as_pdf(graded: AppContext, tmp_path: Path) -> None:
    out = tmp_path / "pdf"

    code, stdout, stderr = tenta(
        "export", "feedback", "-b", "teacher-test", "-o", out, "-f", "pdf", "--with-reference", "-s", "h4x"
    )

    assert code == 0, stderr
    assert "Wrote feedback for 1 student(s) of bank teacher-test" in stdout and "index.pdf" in stdout
    assert sorted(path.name for path in out.iterdir()) == ["Hacker_h4x.pdf", "index.pdf"]
    student = flat(pdf_text(out / "Hacker_h4x.pdf"))
    assert "Student: Hacker (h4x)" in student and "Reference answer:" in student
    index = flat(pdf_text(out / "index.pdf"))
    assert "Neural networks quiz: feedback" in index and "Hacker h4x" in index and "Hacker_h4x.pdf" in index
    if DEJAVU is None:
        assert "DejaVu Sans was not found" in stderr
    else:
        assert "DejaVu" not in stderr


def test_dejavu_is_found_in_one_folder_or_split_over_two_and_missing_files_mean_core_fonts(
    tmp_path: Path,
) -> None:
    debian, fedora_sans, fedora_mono, empty = (tmp_path / name for name in ("deb", "sans", "mono", "none"))
    for folder in (debian, fedora_sans, fedora_mono, empty):
        folder.mkdir()
    for name in FONT_FILES.values():
        (debian / name).write_bytes(b"ttf")
        ((fedora_mono if "Mono" in name else fedora_sans) / name).write_bytes(b"ttf")
    (fedora_sans / FONT_FILES["B"]).unlink()

    assert find_font_files([empty, debian]) == {style: debian / name for style, name in FONT_FILES.items()}
    assert find_font_files([fedora_sans, fedora_mono]) is None  # no bold: all or nothing
    (fedora_sans / FONT_FILES["B"]).write_bytes(b"ttf")
    found = find_font_files([fedora_sans, fedora_mono])
    assert found is not None and found["mono"].parent == fedora_mono and found[""].parent == fedora_sans
    assert find_font_files([empty]) is None


def test_export_feedback_as_pdf_without_dejavu_says_so_and_still_writes_every_file(
    graded: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(teacher_cli, "find_font_files", lambda: find_font_files([tmp_path / "no-fonts"]))
    out = tmp_path / "pdf"

    code, stdout, stderr = tenta("export", "feedback", "-b", "teacher-test", "-o", out, "-f", "pdf")

    assert code == 0, stderr
    assert "DejaVu Sans was not found" in stderr and "Wrote feedback for 5 student(s)" in stdout
    assert len(list(out.glob("*.pdf"))) == 6
    text = flat(pdf_text(next(out.glob("Hacker*.pdf"))))
    assert "<script>alert('x')</script>" in text and "+ covered" not in text and "x missing" in text
