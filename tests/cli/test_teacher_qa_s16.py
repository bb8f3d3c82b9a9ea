"""Teacher CLI QA (session 16), as a Swedish teacher in Uppsala grading a class on the command line, on a
real SQLite file through the real `tenta` app: feedback files in the language the student answered in (a),
the Ladok grades file opening in Swedish Excel (b), Swedish status words in `override --point` (c),
review flags in the question statistics counted on the attempt the gradebook counts (d), and a
resubmission that changes nothing staying one answer with the teacher's decision (e), and long question
ids whole in `stats` (f)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.records import NewGrade
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, TEACHER_BANK, write_csv
from tests.teacher.test_final_grades import exam_with_exact_scores

SWEDISH_DROPOUT = (
    "Dropout stänger slumpvis av neuroner under träningen, vilket gör att nätverket inte överanpassar "
    "lika mycket till träningsdata."
)
SWEDISH_STOPPING = "Man följer valideringsförlusten och slutar träna när den inte längre blir bättre."


def _answer_id(ctx: AppContext, student: str, question_id: str) -> int:
    return next(
        detail.answer.id
        for detail in ctx.repository.answer_history(bank_id="teacher-test")
        if detail.answer.student_name == student and detail.answer.question_id == question_id
    )


# --- (a) feedback files in the student's language ------------------------------------------------------


@pytest.fixture
def swedish_and_english_class(ctx: AppContext, tmp_path: Path) -> Path:
    rows = [
        ["Åsa Lind", "dropout", SWEDISH_DROPOUT],
        ["Åsa Lind", "early-stopping", SWEDISH_STOPPING],
        ["Tom Reed", "dropout", GOOD_DROPOUT],
        ["Tom Reed", "early-stopping", GOOD_STOPPING],
    ]
    path = write_csv(tmp_path / "class.csv", rows)
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    # Every answer settled by the teacher, so none reads "not graded yet" whatever the grader's confidence.
    for student in ("Åsa Lind", "Tom Reed"):
        answer_id = _answer_id(ctx, student, "dropout")
        decided = ("1", "--point", "overfitting=missing", "--comment", "Läs kapitel 4")
        assert tenta("override", answer_id, *decided)[0] == 0
        answer_id = _answer_id(ctx, student, "early-stopping")
        assert tenta("override", answer_id, "1.5", "--comment", "ok")[0] == 0
    return tmp_path


def test_a_a_student_who_answered_in_swedish_gets_swedish_feedback(swedish_and_english_class: Path) -> None:
    out = swedish_and_english_class / "feedback"

    code, _, _ = tenta("export", "feedback", "--bank", "teacher-test", "--out", out)

    assert code == 0
    swedish = (out / "Åsa-Lind.md").read_text(encoding="utf-8")
    english = (out / "Tom-Reed.md").read_text(encoding="utf-8")
    # Before: 'Your answer:', 'Key points:', '✗ missing (decided by the teacher…)' for Åsa too.
    for wording in (
        "- Totalt: 2.5 / 5 poäng (50 %)",
        "| Fråga | Poäng | Status |",
        "## Fråga 1",
        "Ditt svar:",
        "Bedömningspunkter:",
        "✗ saknas (läraren har bedömt punkten",
        "av läraren (",
        "Lärarens kommentar:",
        "*Du besvarade inte den här frågan.*",
    ):
        assert wording in swedish, wording
    assert "Your answer:" not in swedish and "Key points:" not in swedish
    for wording in ("- Total: 2.5 / 5 points (50 %)", "## Question 1", "Your answer:", "✗ missing (decided"):
        assert wording in english, wording
    assert "Ditt svar:" not in english


def test_a_language_option_writes_every_file_in_one_language(swedish_and_english_class: Path) -> None:
    out = swedish_and_english_class / "html"

    code, _, _ = tenta(
        "export", "feedback", "--bank", "teacher-test", "--out", out, "--format", "html", "--language", "sv"
    )

    assert code == 0
    english_student = (out / "Tom-Reed.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in english_student
    assert "<p>Ditt svar:</p>" in english_student and "✗ saknas" in english_student
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Neural networks quiz: återkoppling" in index and "<td>slutlig</td>" in index

    code, _, _ = tenta("export", "feedback", "--bank", "teacher-test", "--out", out, "-f", "md", "-l", "en")
    assert code == 0
    assert "Your answer:" in (out / "Åsa-Lind.md").read_text(encoding="utf-8")


def test_a_swedish_pdf_feedback_is_worded_in_swedish(swedish_and_english_class: Path) -> None:
    out = swedish_and_english_class / "pdf"

    code, _, _ = tenta("export", "feedback", "--bank", "teacher-test", "--out", out, "--format", "pdf")

    assert code == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out / "Åsa-Lind.pdf").pages)
    assert "Ditt svar:" in text and "Bedömningspunkter:" in text and "sida 1/" in text
    assert "Your answer" not in text


# --- (b) the Ladok grades file in Swedish Excel -----------------------------------------------------------


def test_b_the_grades_file_opens_in_columns_in_swedish_excel(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)
    out = tmp_path / "ladok.csv"

    code, _, _ = tenta(
        "export", "gradebook", "-b", "teacher-test", "-f", "grades", "--grade-scale", "ug-vg", "-o", out
    )

    assert code == 0
    data = out.read_bytes()
    # Before: 'student_id,name,…' with '2.5': one column in Excel with a Swedish list separator.
    assert data.startswith(b"\xef\xbb\xbfstudent_id;name;grade;examination_date;points;max_points\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    anna = next(row for row in rows if row[1] == "Anna")
    assert anna[2:3] + anna[4:] == ["G", "2,5", "5"]

    grades = ("export", "gradebook", "-b", "teacher-test", "-f", "grades", "--grade-scale", "ug-vg")
    code, _, _ = tenta(*grades, "--separator", "comma", "-o", out)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert next(row for row in rows if row[1] == "Anna")[4] == "2.5"


def test_b_the_lms_files_refuse_a_semicolon(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)

    with pytest.raises(TentaError, match="the moodle import reads comma-separated files only"):
        tenta("export", "gradebook", "-b", "teacher-test", "-f", "moodle", "--separator", "semicolon")
    code, stdout, _ = tenta("export", "gradebook", "-b", "teacher-test", "--separator", "semicolon")
    assert code == 0 and stdout.startswith("student;student_id;dropout;")


# --- (c) Swedish status words in override --point --------------------------------------------------------


def test_c_override_takes_swedish_status_words_in_any_case(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", [["Åsa Lind", "dropout", SWEDISH_DROPOUT]])
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0
    answer_id = _answer_id(ctx, "Åsa Lind", "dropout")

    code, _, _ = tenta(
        "override",
        answer_id,
        "--point",
        "random-units=Täckt",
        "--point",
        "overfitting=DELVIS",
        "--comment",
        "ok",
    )

    assert code == 0
    detail = ctx.repository.get_answer(answer_id)
    assert detail.final_score == 1.5
    assert detail.latest_override is not None
    assert detail.latest_override.point_credits == {"random-units": 1.0, "overfitting": 0.5}
    decided = ("--point", "random-units=TÄCKT", "--point", "overfitting=saknas", "--comment", "nej")
    assert tenta("override", answer_id, *decided)[0] == 0
    assert ctx.repository.get_answer(answer_id).final_score == 1.0


def test_c_an_unknown_status_word_names_the_words_accepted(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", [["Åsa Lind", "dropout", SWEDISH_DROPOUT]])
    assert tenta("grade", path, "--bank", "teacher-test")[0] == 0

    with pytest.raises(TentaError) as raised:
        tenta(
            "override",
            _answer_id(ctx, "Åsa Lind", "dropout"),
            "--point",
            "overfitting=klar",
            "--comment",
            "x",
        )

    message = str(raised.value)
    assert "'klar' is not a status" in message
    for word in ("covered", "partial", "missing", "täckt", "delvis", "saknas"):
        assert word in message


# --- (d) question statistics count review flags of the counted attempt only ------------------------------


def _grade(score: float, *, needs_review: bool) -> NewGrade:
    return NewGrade(
        score=score,
        max_points=2.0,
        confidence=0.1 if needs_review else 0.9,
        needs_review=needs_review,
        flags=["low_confidence"] if needs_review else [],
        language="sv",
        grader_version="test",
        model_id="all-MiniLM-L6-v2",
    )


def test_d_statistics_leave_out_the_flag_of_an_attempt_answered_again(ctx: AppContext, bank: Bank) -> None:
    repository = ctx.repository
    student = repository.get_or_create_student("Åsa Lind")
    question = bank.question("dropout")
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    first = repository.submit_answer(student.id, bank, question, "Vet inte riktigt.", submitted_at=start)
    repository.save_grade(first.id, _grade(0.5, needs_review=True))
    again = start + timedelta(hours=1)
    second = repository.submit_answer(student.id, bank, question, SWEDISH_DROPOUT, submitted_at=again)
    repository.save_grade(second.id, _grade(2.0, needs_review=False))
    other = repository.get_or_create_student("Tom Reed")
    flagged = repository.submit_answer(other.id, bank, question, GOOD_DROPOUT, submitted_at=start)
    repository.save_grade(flagged.id, _grade(1.0, needs_review=True))

    dropout = next(item for item in repository.question_statistics(bank.id) if item.question_id == "dropout")

    # Before: 2, Åsa's superseded first attempt counted though `tenta review` leaves it out.
    assert dropout.needs_review == 1
    assert [detail.answer.id for detail in repository.review_queue(bank.id)] == [flagged.id]


# --- (e) a resubmission that changes nothing ----------------------------------------------------------------


def test_e_an_unchanged_resubmission_is_not_a_new_answer_to_review(ctx: AppContext, tmp_path: Path) -> None:
    header = ("student", "question", "answer", "submitted_at")
    two_lines = SWEDISH_DROPOUT.replace(", ", ",\n")
    first = write_csv(
        tmp_path / "first.csv", [["Åsa Lind", "dropout", two_lines, "2026-11-27 10:00"]], header
    )
    assert tenta("grade", first, "--bank", "teacher-test")[0] == 0
    answer_id = _answer_id(ctx, "Åsa Lind", "dropout")
    assert tenta("override", answer_id, "0.25", "--comment", "Nämn överanpassning")[0] == 0
    # The same answer exported again later (a re-upload, Moodle's export of a re-opened attempt), with
    # Windows line endings and a trailing space.
    again = write_csv(
        tmp_path / "again.csv",
        [
            ["Åsa Lind", "dropout", two_lines.replace("\n", "\r\n") + " ", "2026-11-27 11:30"],
            ["Åsa Lind", "early-stopping", SWEDISH_STOPPING, "2026-11-27 11:30"],
        ],
        header,
    )

    code, _, stderr = tenta("grade", again, "--bank", "teacher-test")

    assert code == 0
    mine = [
        d for d in ctx.repository.answer_history(bank_id="teacher-test") if d.answer.question_id == "dropout"
    ]
    # Before: a second dropout answer was stored, graded and counted in place of the overridden one.
    assert [detail.answer.id for detail in mine] == [answer_id]
    assert all(detail.answer.id != answer_id for detail in ctx.repository.review_queue("teacher-test"))
    row = next(r for r in ctx.repository.gradebook("teacher-test").rows if r.student_name == "Åsa Lind")
    assert row.scores["dropout"] == 0.25
    # Before (with the fix above alone): not a word on why the row was not stored.
    assert (
        f"warning: {again}: 1 answer(s) on line(s) 2 repeat the student's earlier answer unchanged: not "
        "stored again, the earlier answer (and any teacher decision on it) counts"
    ) in stderr.splitlines()
    assert "answered 1 question(s) again" not in stderr


def test_e_a_changed_resubmission_is_still_a_new_attempt(ctx: AppContext, tmp_path: Path) -> None:
    header = ("student", "question", "answer", "submitted_at")
    rows = [
        ["Åsa Lind", "dropout", SWEDISH_DROPOUT, "2026-11-27 10:00"],
        ["Åsa Lind", "dropout", SWEDISH_DROPOUT + " Det är en sorts regularisering.", "2026-11-27 11:30"],
        ["Åsa Lind", "dropout", SWEDISH_DROPOUT, "2026-11-27 12:00"],
    ]
    path = write_csv(tmp_path / "three.csv", rows, header)

    code, stdout, _ = tenta("grade", path, "--bank", "teacher-test")

    assert code == 0 and "Stored 3 answers" in stdout


# --- (f) the item analysis shows long question ids whole ---------------------------------------------------


def test_f_stats_show_a_long_question_id_whole_where_there_is_room(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_id = "q03-parameters-hyperparameters"
    questions = [{**TEACHER_BANK["questions"][0], "id": long_id}]  # type: ignore[index]
    ctx.catalog.install(Bank.model_validate({**TEACHER_BANK, "id": "long-ids", "questions": questions}))
    rows = [[name, long_id, GOOD_DROPOUT] for name in ("Åsa Lind", "Tom Reed")]
    assert tenta("grade", write_csv(tmp_path / "long.csv", rows), "--bank", "long-ids")[0] == 0

    monkeypatch.setenv("COLUMNS", "100")
    code, stdout, _ = tenta("stats", "--bank", "long-ids")

    assert code == 0
    # Before: 'q03-parameters-hype…' with 50 columns to spare.
    assert f"│ {long_id} │" in stdout
    monkeypatch.setenv("COLUMNS", "80")
    code, stdout, _ = tenta("stats", "--bank", "long-ids")
    assert code == 0 and max(len(line) for line in stdout.splitlines()) <= 80
    first_cells = [line.split("│")[1].strip() for line in stdout.splitlines() if line.startswith("│ ")]
    assert "".join(first_cells).startswith(long_id) and "…" not in stdout


def test_a_the_index_of_chosen_students_is_in_their_language(swedish_and_english_class: Path) -> None:
    out = swedish_and_english_class / "asa"

    code, _, _ = tenta("export", "feedback", "--bank", "teacher-test", "--out", out, "--student", "åsa lind")

    assert code == 0
    # Before: English, as the whole class (one Swedish, one English student) tied on the bank's language.
    index = (out / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Neural networks quiz: återkoppling") and "| slutlig |" in index


# --- (g) agreement after two overrides is no perfect correlation ------------------------------------------


def test_g_agreement_gives_no_correlation_for_two_overrides(ctx: AppContext, tmp_path: Path) -> None:
    rows = [["Åsa Lind", "dropout", SWEDISH_DROPOUT], ["Tom Reed", "dropout", GOOD_DROPOUT]]
    assert tenta("grade", write_csv(tmp_path / "two.csv", rows), "--bank", "teacher-test")[0] == 0
    for student, score in (("Åsa Lind", "0.5"), ("Tom Reed", "1.5")):
        assert tenta("override", _answer_id(ctx, student, "dropout"), score, "--comment", "x")[0] == 0

    code, stdout, _ = tenta("agreement", "--bank", "teacher-test")

    assert code == 0
    scores_table = stdout.split("Key points")[0]
    cells = {
        line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
        for line in scores_table.splitlines()
        if line.startswith("│ ")
    }
    # Before: 'Pearson r 1.00' (or -1.00): two points always lie on a line.
    assert cells["dropout"][:2] == ["2", "–"] and cells["all"][:2] == ["2", "–"]


# --- (h) a student named on the command line as a teacher types the name --------------------------------


def test_h_a_student_is_found_by_a_name_typed_in_another_case(ctx: AppContext) -> None:
    assert tenta("student", "add", "Åsa Öberg", "--id", "asa.oberg@student.uu.se")[0] == 0
    assert tenta("student", "add", "Tom Reed")[0] == 0

    # Before: "no student named 'åsa öberg' (known: Tom Reed, Åsa Öberg)".
    code, stdout, _ = tenta("student", "extra-time", "åsa öberg", "--percent", "25")
    assert code == 0 and "Åsa Öberg: +25 %" in stdout
    code, stdout, _ = tenta("student", "extra-time", "ASA.OBERG@student.uu.se", "--minutes", "10")
    assert code == 0 and "Åsa Öberg: +10 min" in stdout
    decomposed = "A\u030asa O\u0308berg"  # as a Mac terminal may send it
    assert tenta("student", "extra-time", decomposed, "--clear")[0] == 0


def test_h_two_students_differing_only_in_case_are_both_named(ctx: AppContext) -> None:
    assert tenta("student", "add", "Anna Berg")[0] == 0
    assert tenta("student", "add", "ANNA BERG")[0] == 0

    assert tenta("student", "extra-time", "ANNA BERG", "--percent", "10")[0] == 0  # the exact name wins
    with pytest.raises(TentaError, match="2 students are named 'anna berg'"):
        tenta("student", "extra-time", "anna berg", "--percent", "25")


# --- (i) overriding an attempt the gradebook does not count ---------------------------------------------


def test_i_override_of_an_attempt_answered_again_names_the_answer_that_counts(
    ctx: AppContext, tmp_path: Path
) -> None:
    header = ("student", "question", "answer", "submitted_at")
    rows = [
        ["Åsa Lind", "dropout", "Vet inte riktigt.", "2026-11-27 10:00"],
        ["Åsa Lind", "dropout", SWEDISH_DROPOUT, "2026-11-27 11:30"],
    ]
    assert tenta("grade", write_csv(tmp_path / "twice.csv", rows, header), "--bank", "teacher-test")[0] == 0
    first, second = sorted(d.answer.id for d in ctx.repository.answer_history(bank_id="teacher-test"))

    code, _, stderr = tenta("override", first, "1.5", "--comment", "Rätt tänkt")

    assert code == 0
    # Before: nothing said; the gradebook kept counting the second answer, unchanged.
    assert f"note: Åsa Lind answered dropout again later (answer {second}, final " in stderr
    assert f"count that answer, not this one: tenta override {second}" in stderr
    code, _, stderr = tenta("override", second, "1", "--comment", "ok")
    assert code == 0 and "again later" not in stderr
