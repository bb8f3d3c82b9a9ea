"""The teacher commands end to end: real SQLite file, real MiniLM, the real `tenta` app (and process)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from question_bank.errors import TentaError
from question_bank.formats.detect import EXPORTERS
from quiz.context import AppContext
from quiz.scores import format_score
from quiz.teacher.batch import store_submissions
from quiz.teacher.grouping import AnswerGroup, answer_groups, find_group
from quiz.teacher.submissions import read_submissions
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, WEAK_DROPOUT, write_csv


def test_grade_stores_grades_summarises_and_writes_results(class_submissions: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"

    code, stdout, _ = tenta(
        "grade", class_submissions, "--bank", "teacher-test", "--out", out, "--batch-size", "5"
    )

    assert code == 0
    assert "Stored 18 answers" in stdout and "18 to grade" in stdout
    assert "answers/s" in stdout
    assert "dropout" in stdout and "early-stopping" in stdout
    text = out.read_text(encoding="utf-8-sig")
    assert "[covered]" in text or "[missing]" in text
    assert "Örjan" in text

    code, stdout, _ = tenta("grade", class_submissions, "--bank", "teacher-test")

    assert code == 0
    assert "0 to grade, 18 already graded" in stdout


def test_bad_rows_are_reported_with_line_numbers_and_the_run_fails(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "student,question,answer\n"
        f"anna,1,{GOOD_DROPOUT}\n"
        "bo,7,unknown question\n"
        ",1,no student\n"
        "cia,2,\n"
        'dan,1,"broken "quote\n'
        f"eva,1,{WEAK_DROPOUT}\n",
        encoding="utf-8",
    )

    code, stdout, stderr = tenta("grade", path, "--bank", "teacher-test")

    assert code == 1
    assert "Stored 2 answers" in stdout
    for line, field in ((3, "question"), (4, "student"), (5, "answer"), (6, None)):
        assert f"mixed.csv:{line}: " in stderr
        if field:
            assert f"mixed.csv:{line}: {field}" in stderr
    assert "mixed.csv:5: answer: not answered; nothing stored" in stderr, "a blank answer is a warning"
    assert "3 row(s) not imported" in stderr
    assert len(ctx.repository.answer_history(bank_id="teacher-test")) == 2


def test_override_survives_regrade_and_is_audited(ctx: AppContext, class_submissions: Path) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    details = ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
    target = next(d for d in details if d.answer.student_name == "Björn")

    code, stdout, _ = tenta(
        "override", target.answer.id, "75%", "--comment", "generöst, men ok", "--teacher", "Kim"
    )
    assert code == 0 and "1.5/2" in stdout

    code, stdout, _ = tenta("regrade", "--bank", "teacher-test")
    assert code == 0
    assert "Regraded 18 answer(s)" in stdout and "1 override(s) kept" in stdout
    after = ctx.repository.get_answer(target.answer.id)
    assert after.final_score == 1.5
    assert len(after.grades) == 2

    code, stdout, _ = tenta("audit", target.answer.id)
    assert code == 0
    for event in ("submitted", "graded", "overridden", "generöst, men ok", "Kim"):
        assert event in stdout


def test_override_by_key_points_is_scored_audited_compared_and_exported(
    ctx: AppContext, class_submissions: Path, tmp_path: Path
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    details = ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
    weak, strong = (next(d for d in details if d.answer.student_name == name) for name in ("Björn", "Åsa"))

    code, stdout, _ = tenta(
        "override",
        weak.answer.id,
        "--point",
        "random-units=partial",
        "--point",
        "overfitting=missing",
        "--comment",
        "nämner bara snabbhet",
        "--teacher",
        "Kim",
    )

    assert code == 0
    assert "final score 0.5/2 from key points" in stdout
    assert "random-units" in stdout and "partial" in stdout
    stored = ctx.repository.get_answer(weak.answer.id).latest_override
    assert stored is not None and stored.point_credits == {"random-units": 0.5, "overfitting": 0.0}

    code, stdout, _ = tenta("override", strong.answer.id, "1.5", "-p", "overfitting=0.5", "--teacher", "Kim")
    assert code == 0 and "final score 1.5/2 (given; key points kept)" in stdout
    strong_override = ctx.repository.get_answer(strong.answer.id).latest_override
    assert strong_override is not None and strong_override.point_credits == {"overfitting": 0.5}

    code, stdout, _ = tenta("audit", weak.answer.id)
    assert code == 0
    assert "key points: random-units=partial, overfitting=missing" in stdout
    assert "nämner bara snabbhet" in stdout and "Key points" in stdout
    rows = {line.split("│")[1].strip(): line for line in stdout.splitlines() if line.count("│") == 6}
    assert rows["random-units"].split("│")[4].strip() == "partial", "the teacher column"
    assert rows["overfitting"].split("│")[4].strip() == "missing"

    code, stdout, _ = tenta("agreement", "--bank", "teacher-test")
    assert code == 0
    assert "│ point " in stdout and "│ answer " in stdout and "overfitting: Reduces overfitting" in stdout
    assert "c/p/m" in stdout and "f/p/z" in stdout, "the legend explains both row kinds"

    answers = tmp_path / "answers.jsonl"
    assert tenta("export", "answers", "--bank", "teacher-test", "--out", answers)[0] == 0
    records = {r["answer_id"]: r for r in map(json.loads, answers.read_text(encoding="utf-8").splitlines())}
    assert records[weak.answer.id]["override"]["point_credits"] == {"random-units": 0.5, "overfitting": 0.0}
    assert records[weak.answer.id]["final_score"] == 0.5


def test_override_with_a_point_the_question_lacks_names_answer_and_point(
    ctx: AppContext, class_submissions: Path
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    detail = ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")[0]

    with pytest.raises(TentaError) as raised:
        tenta("override", detail.answer.id, "--point", "kp9=covered")
    with pytest.raises(TentaError, match=f"answer {detail.answer.id}: give a score or key-point decisions"):
        tenta("override", detail.answer.id)

    assert raised.value.message == (
        f"answer {detail.answer.id}: question dropout has no key point 'kp9' "
        "(its key points: random-units, overfitting)"
    )
    assert ctx.repository.get_answer(detail.answer.id).overrides == []


def test_review_agreement_stats_and_exports(ctx: AppContext, class_submissions: Path, tmp_path: Path) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    for detail in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout"):
        ctx.repository.add_override(detail.answer.id, 0.0, "", "Kim")
    ctx.repository.request_regrade(
        ctx.repository.answer_history(bank_id="teacher-test")[0].answer.id, "snälla"
    )

    code, stdout, _ = tenta("review", "--bank", "teacher-test")
    assert code == 0 and "regrade requested: snälla" in stdout

    code, stdout, _ = tenta("agreement", "--bank", "teacher-test")
    assert code == 0
    assert "Pearson r" in stdout and "dropout" in stdout and "Randomly deactivates" in stdout

    code, stdout, _ = tenta("stats", "--bank", "teacher-test")
    assert code == 0
    assert "facility" in stdout and "Cronbach" in stdout and "6 students" in stdout

    gradebook = tmp_path / "gradebook.csv"
    answers = tmp_path / "answers.jsonl"
    assert tenta("export", "gradebook", "--bank", "teacher-test", "--out", gradebook)[0] == 0
    assert tenta("export", "answers", "--bank", "teacher-test", "--out", answers)[0] == 0
    assert len(gradebook.read_text(encoding="utf-8-sig").splitlines()) == 7
    records = [json.loads(line) for line in answers.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 18 and sum(1 for r in records if r["override"]) == 6

    code, stdout, _ = tenta("export", "bank", "teacher-test", "--format", "gift")
    assert code == 0 and "::" in stdout and "{" in stdout


def test_gradebook_goes_to_moodle_and_canvas_with_overrides_feedback_and_missing_ids_named(
    ctx: AppContext, tmp_path: Path
) -> None:
    header = ("student", "student_id", "question", "answer")
    exam = write_csv(
        tmp_path / "exam.csv",
        [
            ["Åsa Öberg", "asa@uni.se", "1", GOOD_DROPOUT],
            ["Åsa Öberg", "asa@uni.se", "3", "GPU"],
            ["Bo Ek", "s1234", "1", WEAK_DROPOUT],
            ["Bo Ek", "s1234", "3", "Hard disk"],
            ["Cecilia Lund", "", "3", "GPU"],
        ],
        header=header,
    )
    assert tenta("grade", exam, "--bank", "teacher-test")[0] == 0
    (asa_dropout,) = [
        detail
        for detail in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
        if detail.answer.student_name == "Åsa Öberg"
    ]
    assert (
        tenta(
            "override", asa_dropout.answer.id, "1.5", "--comment", "Nämn överanpassning", "--teacher", "Kim"
        )[0]
        == 0
    )
    late = write_csv(tmp_path / "late.csv", [["Bo Ek", "s1234", "2", GOOD_STOPPING]], header=header)
    store_submissions(
        ctx.repository, ctx.catalog.load("teacher-test"), read_submissions(late)
    )  # not graded yet
    bo_dropout = next(
        d.final_score
        for d in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
        if d.answer.student_name == "Bo Ek"
    )
    assert bo_dropout is not None
    out = tmp_path / "lms" / "moodle.csv"

    code, stdout, stderr = tenta(
        "export", "gradebook", "--bank", "teacher-test", "--format", "moodle", "--out", out
    )

    assert code == 0 and "Wrote the moodle gradebook of 3 students" in stdout
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["Full name", "Email address", "ID number", "Neural networks quiz", "Feedback"],
        ["Bo Ek", "", "s1234", "-", ""],
        ["Cecilia Lund", "", "", "1", ""],
        ["Åsa Öberg", "asa@uni.se", "", "2.5", "Q1: Nämn överanpassning"],
    ]
    (unmatched,) = [line for line in stderr.splitlines() if "Moodle matches students" in line]
    assert unmatched.startswith("moodle: ") and unmatched.endswith(": Bo Ek, Cecilia Lund")
    assert any(line.endswith("(no grade): Bo Ek") for line in stderr.splitlines())

    code, stdout, stderr = tenta(
        "export", "gradebook", "-b", "teacher-test", "-f", "canvas", "--per-question"
    )

    assert code == 0
    quiz = "Neural networks quiz"
    assert list(csv.reader(io.StringIO(stdout))) == [
        [
            "Student",
            "ID",
            "SIS User ID",
            "SIS Login ID",
            "Section",
            quiz,
            f"{quiz}: Q1",
            f"{quiz}: Q2",
            f"{quiz}: Q3",
        ],
        ["Points Possible", "", "", "", "", "5", "2", "2", "1"],
        ["Bo Ek", "", "s1234", "s1234", "", "", format_score(bo_dropout), "", "0"],
        ["Cecilia Lund", "", "", "", "", "1", "0", "0", "1"],
        ["Åsa Öberg", "", "", "asa@uni.se", "", "2.5", "1.5", "0", "1"],
    ]
    assert "by exact name only: Cecilia Lund" in stderr

    code, stdout, _ = tenta("export", "gradebook", "-b", "teacher-test", "--out", tmp_path / "sheet.csv")
    assert code == 0
    sheet = (tmp_path / "sheet.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sheet[0] == "student,student_id,dropout,early-stopping,gpu,total,max_total,percent"


def test_bank_export_help_lists_every_bank_format() -> None:
    code, stdout, _ = tenta("export", "bank", "--help")

    assert code == 0
    assert "|".join(EXPORTERS) in "".join(stdout.replace("│", " ").split())


def test_groups_apply_a_score_to_a_whole_group(ctx: AppContext, class_submissions: Path) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")

    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test")
    assert code == 0 and "6 answers in 2 groups" in stdout

    groups = answer_groups(ctx.repository, ctx.embedder, "teacher-test", "dropout")
    code, stdout, _ = tenta(
        "groups",
        "dropout",
        "--bank",
        "teacher-test",
        "--apply",
        groups[0].id,
        "--score",
        "2",
        "--comment",
        "ok",
    )
    assert code == 0 and "3 answer(s)" in stdout
    assert all(ctx.repository.get_answer(m.answer.id).final_score == 2.0 for m in groups[0].members)


def test_groups_apply_key_point_decisions_to_a_whole_group(ctx: AppContext, class_submissions: Path) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    group = answer_groups(ctx.repository, ctx.embedder, "teacher-test", "dropout")[0]

    code, stdout, _ = tenta(
        "groups", "dropout", "--bank", "teacher-test", "--apply", group.id, "--point", "overfitting=missing"
    )

    assert code == 0 and f"{group.size} answer(s)" in stdout
    for member in group.members:
        detail = ctx.repository.get_answer(member.answer.id)
        assert detail.overrides[-1].point_credits == {"overfitting": 0.0}
        assert detail.final_score is not None and detail.final_score <= 1.0  # at most the other point
    with pytest.raises(TentaError, match="--apply GROUP"):
        tenta("groups", "dropout", "--bank", "teacher-test", "--point", "overfitting=covered")


def _dropout_groups(ctx: AppContext, threshold: float = 0.85) -> list[AnswerGroup]:
    return answer_groups(ctx.repository, ctx.embedder, "teacher-test", "dropout", threshold=threshold)


def test_groups_move_take_out_merge_and_confirm_are_kept_when_grouping_again(
    ctx: AppContext, class_submissions: Path
) -> None:
    """The class: three identical good dropout answers (one group) and three identical weak ones."""
    tenta("grade", class_submissions, "--bank", "teacher-test")
    good, weak = _dropout_groups(ctx)
    weak_ids = sorted(member.answer.id for member in weak.members)

    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--move", weak_ids[0], "--to", good.id)
    assert code == 0 and f"answer {weak_ids[0]} moved to group {good.id}." in stdout
    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--out", weak_ids[1])
    assert code == 0 and f"answer {weak_ids[1]} is now a group of its own: g{weak_ids[1]}." in stdout
    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--confirm", good.id)
    assert code == 0 and f"group {good.id} confirmed (4 answer(s) reviewed)." in stdout

    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--threshold", "0.99")
    assert code == 0 and "6 answers in 3 groups" in stdout
    row = next(line for line in stdout.splitlines() if f" {good.id} " in line)
    assert " 4 " in row and "confirmed" in row and "0/4" in row
    assert "shaped" in next(line for line in stdout.splitlines() if f" g{weak_ids[1]} " in line)

    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--show", good.id)
    assert code == 0 and f"group {good.id} (confirmed): 4 answer(s)" in stdout
    moved = next(line for line in stdout.splitlines() if line.strip("│ ").startswith(str(weak_ids[0])))
    assert "placed" in moved and "auto" in moved

    alone = next(g for g in _dropout_groups(ctx) if g.member(weak_ids[2]) is not None)
    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--merge", alone.id, "--to", good.id)
    assert code == 0 and f"group {alone.id} (1 answer(s)) merged into {good.id}." in stdout
    assert {m.answer.id for m in find_group(_dropout_groups(ctx, 0.99), good.id).members} >= {
        weak_ids[0],
        weak_ids[2],
    }


def test_groups_name_unknown_answers_and_groups_and_incomplete_options(
    ctx: AppContext, class_submissions: Path
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    good, _ = _dropout_groups(ctx)
    stopping = ctx.repository.answer_history(bank_id="teacher-test", question_id="early-stopping")[
        0
    ].answer.id

    with pytest.raises(TentaError, match="answer 9999 is not an answer to dropout"):
        tenta("groups", "1", "--bank", "teacher-test", "--move", "9999", "--to", good.id)
    with pytest.raises(TentaError, match=f"answer {stopping} is not an answer to dropout"):
        tenta("groups", "1", "--bank", "teacher-test", "--out", stopping)
    with pytest.raises(TentaError, match="there is no answer group 'g777'"):
        tenta("groups", "1", "--bank", "teacher-test", "--confirm", "g777")
    with pytest.raises(TentaError, match="need --to GROUP"):
        tenta("groups", "1", "--bank", "teacher-test", "--move", "1")
    with pytest.raises(TentaError, match="--confirm and --apply are separate operations"):
        tenta(
            "groups", "1", "--bank", "teacher-test", "--confirm", good.id, "--apply", good.id, "--score", "1"
        )
    with pytest.raises(TentaError, match="is not confirmed"):
        tenta("groups", "1", "--bank", "teacher-test", "--unconfirm", good.id)
    assert ctx.repository.group_layout("teacher-test", "dropout").pins == []


def test_groups_preview_and_apply_keep_an_answers_own_override_unless_replaced(
    ctx: AppContext, class_submissions: Path
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    good, _ = _dropout_groups(ctx)
    own = good.members[1].answer.id
    tenta("override", own, "1", "--comment", "half", "--teacher", "Kim")

    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--show", good.id, "--score", "2")
    assert code == 0
    line = next(line for line in stdout.splitlines() if line.strip("│ ").startswith(str(own)))
    assert "own · Kim" in line and "1/2 kept (own)" in line
    assert "--apply keeps it unless --replace-own" in stdout

    code, stdout, _ = tenta(
        "groups", "1", "--bank", "teacher-test", "--apply", good.id, "--score", "2", "--teacher", "Lo"
    )
    assert code == 0 and f"Group {good.id}: 2 answer(s) decided" in stdout
    assert f"kept their own override: {own} (own · Kim)" in stdout
    assert ctx.repository.get_answer(own).final_score == 1.0

    code, stdout, _ = tenta(
        "groups",
        "1",
        "--bank",
        "teacher-test",
        "--apply",
        good.id,
        "--score",
        "2",
        "--teacher",
        "Lo",
        "--replace-own",
    )
    assert (
        code == 0
        and f"Group {good.id}: 1 answer(s) decided" in stdout
        and "2 already had this decision" in stdout
    )
    assert ctx.repository.get_answer(own).final_score == 2.0
    code, stdout, _ = tenta("groups", "1", "--bank", "teacher-test", "--show", good.id)
    assert stdout.count(f"group {good.id} · Lo") == 3
    with pytest.raises(TentaError, match="--replace-own goes with --apply"):
        tenta("groups", "1", "--bank", "teacher-test", "--replace-own")


@pytest.mark.slow
def test_a_killed_run_resumes_and_grades_only_what_is_missing(ctx: AppContext, tmp_path: Path) -> None:
    total = 40
    rows = [[f"student {i}", str(1 + i % 2), f"{GOOD_DROPOUT} Variant {i}."] for i in range(total)]
    path = write_csv(tmp_path / "many.csv", rows)
    env = {**os.environ, "TENTA_MODEL": "all-MiniLM-L6-v2"}
    command = [str(Path(sys.executable).parent / "tenta"), "grade", str(path), "--bank", "teacher-test"]
    repository = ctx.repository

    def grade_count() -> int:
        return sum(len(detail.grades) for detail in repository.answer_history(bank_id="teacher-test"))

    process = subprocess.Popen([*command, "--batch-size", "1"], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while grade_count() < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    graded_before = grade_count()
    assert len(repository.answer_history(bank_id="teacher-test")) == total  # all stored before grading
    assert 0 < graded_before < total

    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    assert finished.returncode == 0, finished.stderr
    expected = f"{total - graded_before} to grade, {graded_before} already graded"
    assert expected in " ".join(finished.stdout.split())
    details = repository.answer_history(bank_id="teacher-test")
    assert len(details) == total
    assert all(len(detail.grades) == 1 for detail in details)


def test_calibrate_from_overrides_fits_the_teachers_scale(
    ctx: AppContext, class_submissions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENTA_MODEL", "all-MiniLM-L6-v2")  # the calibrate command opens its own context
    tenta("grade", class_submissions, "--bank", "teacher-test")
    with pytest.raises(TentaError, match="at least two overridden answers"):
        tenta("calibrate", "--from-overrides")

    for detail in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout"):
        tenta("override", detail.answer.id, "2", "--comment", "full marks")
    code, stdout, _ = tenta("calibrate", "--from-overrides", "--bank", "teacher-test")
    assert code == 0, stdout

    saved = json.loads((ctx.settings.data_dir / "calibration.json").read_text(encoding="utf-8"))
    assert (
        saved["model_id"] == "all-MiniLM-L6-v2"
        and saved["source"] == "teacher overrides in bank teacher-test"
    )
    assert min(saved["y"]) == 1.0  # every override gave full marks, so the teacher's scale maps everything up


def test_grade_refuses_a_results_file_it_cannot_write_before_storing_anything(
    class_submissions: Path, tmp_path: Path
) -> None:
    """`--out results.txt` was refused only after the whole class was stored and graded."""
    with pytest.raises(TentaError, match=r"x\.txt: write results to a \.csv, \.tsv or \.jsonl file"):
        tenta("grade", class_submissions, "--bank", "teacher-test", "--out", tmp_path / "x.txt")

    code, _, _ = tenta("export", "answers", "--bank", "teacher-test", "--out", tmp_path / "a.csv")
    assert code == 0
    assert "Örjan" not in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
