"""Releasing a group decision, the answer-group audit trail and anonymous grading, end to end through
`tenta` on a real SQLite file with the real MiniLM model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from db.records import AuditKind, NewGrade
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.cli import teacher as teacher_cli
from quiz.context import AppContext
from quiz.settings import Settings
from quiz.teacher.anonymous import KEY_FILE, pseudonyms_for
from quiz.teacher.grouping import AnswerGroup, answer_groups
from quiz.teacher.review import scaled_auto_score
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import TEACHER_BANK

NAMES = ("Åsa", "Björn", "Cecilia", "Dan", "Eva", "Örjan")
PSEUDONYM = re.compile(r"Student \d{4}")


def _good_group(ctx: AppContext) -> AnswerGroup:
    """The three identical good dropout answers (Åsa, Cecilia, Eva)."""
    good = answer_groups(ctx.repository, ctx.embedder, "teacher-test", "dropout")[0]
    assert good.size == 3
    return good


def _groups(*args: str | int) -> str:
    code, stdout, _ = tenta("groups", "dropout", "--bank", "teacher-test", *args)
    assert code == 0, stdout
    return stdout


def test_release_sends_group_decisions_back_to_auto_keeps_own_and_a_second_release_changes_nothing(
    ctx: AppContext, class_submissions: Path
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    good = _good_group(ctx)
    plain, own_before, own_after = (member.answer.id for member in good.members)
    tenta("override", own_before, "1", "--comment", "alone first", "--teacher", "Kim")
    _groups("--apply", good.id, "--score", "0.5", "--replace-own", "--teacher", "Lo")
    tenta("override", own_after, "1.5", "--comment", "alone after", "--teacher", "Kim")
    auto = {m.answer.id: scaled_auto_score(m) for m in good.members}

    preview = _groups("--release", good.id, "--dry-run")
    assert f"Dry run: --release {good.id} would change 2 answer(s); nothing was stored." in preview
    assert re.search(
        rf"answer {own_before} \(\w+\): 0\.5/2 \(group {good.id} · Lo\) → 1/2 \(own override again\)", preview
    )
    assert re.search(rf"answer {own_after} \(\w+\): 1\.5/2 \(own · Kim\) → 1\.5/2 \(kept \(own\)\)", preview)
    assert ctx.repository.get_answer(plain).final_score == 0.5
    with pytest.raises(TentaError, match="--dry-run goes with --release GROUP"):
        _groups("--apply", good.id, "--score", "1", "--dry-run")

    stdout = _groups("--release", good.id, "--teacher", "Lo")

    summary = f"Group {good.id}: 1 answer(s) back to their auto grade (audited); 1 back to their own override"
    assert summary in stdout
    assert f"kept their own override: {own_after} — withdraw them too with --replace-own" in stdout
    assert re.search(rf"answer {plain} \(\w+\): 0\.5/2 \(group {good.id} · Lo\) → .*\(auto\)", stdout)
    repository = ctx.repository
    assert repository.get_answer(plain).overrides == []
    assert repository.get_answer(plain).final_score == pytest.approx(auto[plain])
    assert [o.comment for o in repository.get_answer(own_before).overrides] == ["alone first"]
    assert repository.get_answer(own_before).final_score == 1.0
    assert repository.get_answer(own_after).final_score == 1.5

    trail_before = [len(repository.audit_trail(m.answer.id)) for m in good.members]
    stdout = _groups("--release", good.id, "--teacher", "Lo")
    assert f"Group {good.id}: no answer changed" in stdout
    assert [len(repository.audit_trail(m.answer.id)) for m in good.members] == trail_before

    stdout = _groups("--release", good.id, "--teacher", "Lo", "--replace-own")
    assert f"Group {good.id}: 2 answer(s) back to their auto grade" in stdout
    for answer_id in (own_before, own_after):
        detail = repository.get_answer(answer_id)
        assert detail.overrides == [] and detail.final_score == pytest.approx(auto[answer_id])

    code, stdout, _ = tenta("audit", own_after)
    assert code == 0
    released = [line for line in stdout.splitlines() if "group_released" in line]
    assert len(released) == 1 and "Lo" in released[0] and "replace_own=True" in released[0]
    assert (
        "withdrew override" in stdout
        and "(own · Kim) 'alone after'" in stdout
        and f"(group {good.id} · Lo)" in stdout
    )


def test_release_needs_a_group_and_replace_own_goes_with_apply_or_release(
    ctx: AppContext, class_submissions: Path
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    with pytest.raises(TentaError, match="there is no answer group 'g999'"):
        _groups("--release", "g999")
    with pytest.raises(TentaError, match="--release and --apply are separate operations"):
        _groups("--release", _good_group(ctx).id, "--apply", "g1", "--score", "1")
    with pytest.raises(TentaError, match="--replace-own goes with --apply GROUP or --release GROUP"):
        _groups("--replace-own")


def test_audit_shows_moves_take_outs_merges_and_every_confirmation_with_who_and_when(
    ctx: AppContext, class_submissions: Path
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    good, weak = answer_groups(ctx.repository, ctx.embedder, "teacher-test", "dropout")
    moved, taken, _ = sorted(member.answer.id for member in weak.members)
    _groups("--move", moved, "--to", good.id, "--teacher", "Kim")
    _groups("--out", taken, "--teacher", "Kim")
    _groups("--merge", f"g{taken}", "--to", good.id, "--teacher", "Lo")
    _groups("--confirm", good.id, "--teacher", "Kim")
    _groups("--unconfirm", good.id, "--teacher", "Lo")
    _groups("--confirm", good.id, "--teacher", "Lo")

    kinds = [(event.kind, event.actor) for event in ctx.repository.audit_trail(taken)][-5:]
    assert kinds == [
        (AuditKind.TAKEN_OUT_OF_GROUP, "Kim"),
        (AuditKind.GROUP_MERGED, "Lo"),
        (AuditKind.GROUP_CONFIRMED, "Kim"),
        (AuditKind.GROUP_UNCONFIRMED, "Lo"),
        (AuditKind.GROUP_CONFIRMED, "Lo"),
    ]
    code, stdout, _ = tenta("audit", moved)
    assert code == 0
    lines = stdout.splitlines()
    move = next(line for line in lines if "moved_to_group" in line)
    assert "Kim" in move and f"group={good.id}" in move and f"previous_group={weak.id}" in move
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", move)
    confirmations = [line for line in lines if "group_confirmed" in line]
    assert [("Kim" in line, "Lo" in line) for line in confirmations] == [(True, False), (False, True)]
    assert "answers=5" in confirmations[0]
    assert any("group_unconfirmed" in line and "confirmed_by=Kim" in line for line in lines)
    stdout = _groups("--show", good.id)
    assert f"group {good.id} (confirmed): 5 answer(s), confirmed by Lo" in stdout


def _anonymous_context(ctx: AppContext, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> AppContext:
    """Another run of the program on the same data dir and database, with the setting given."""
    again = AppContext(settings)
    again.__dict__["embedder"] = ctx.embedder
    monkeypatch.setattr(teacher_cli, "make_context", lambda: again)
    return again


def test_anonymous_grading_shows_one_stable_pseudonym_per_student_and_exports_keep_names(
    ctx: AppContext, class_submissions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenta("grade", class_submissions, "--bank", "teacher-test")
    good = _good_group(ctx)
    representative = good.representative.answer
    ctx.repository.request_regrade(representative.id, "please look again")

    code, review, _ = tenta("review", "--bank", "teacher-test", "--anonymous")
    assert code == 0
    row = next(line for line in review.splitlines() if line.startswith(f"│ {representative.id} "))
    pseudonym = PSEUDONYM.search(row)
    assert pseudonym is not None and representative.student_name not in row
    assert not any(name in review for name in NAMES)
    assert not (ctx.settings.data_dir / KEY_FILE).exists(), "the key is kept in the database (0009)"

    show = _groups("--show", good.id, "--anonymous")
    assert pseudonym.group() in show and not any(name in show for name in NAMES)
    assert len(set(PSEUDONYM.findall(show))) == 3
    code, audit, _ = tenta("audit", representative.id, "--anonymous")
    assert f"Answer {representative.id} by {pseudonym.group()} to dropout" in audit

    code, named, _ = tenta("review", "--bank", "teacher-test")
    assert representative.student_name in named and not PSEUDONYM.search(named)

    stale = NewGrade(score=0.0, max_points=2.0, confidence=0.9, grader_version="old", model_id="old")
    ctx.repository.save_grade(representative.id, stale)
    code, regraded, _ = tenta("regrade", "--bank", "teacher-test", "--dry-run", "--anonymous")
    row = next(line for line in regraded.splitlines() if line.startswith(f"│ {representative.id} "))
    assert pseudonym.group() in row and "0/2" in row and representative.student_name not in regraded

    monkeypatch.setenv("TENTA_ANONYMOUS_GRADING", "true")
    same = ctx.settings
    from_env = Settings(data_dir=same.data_dir, cache_dir=same.cache_dir, model=same.model)
    assert from_env.anonymous_grading is True
    again = _anonymous_context(ctx, monkeypatch, from_env)
    again.repository.get_or_create_student("Zelda Newcomer", "zelda-1")
    code, later, _ = tenta("review", "--bank", "teacher-test")
    assert pseudonym.group() in later and representative.student_name not in later
    code, named, _ = tenta("review", "--bank", "teacher-test", "--names")
    assert representative.student_name in named

    code, gradebook, _ = tenta("export", "gradebook", "--bank", "teacher-test")
    assert code == 0 and all(name in gradebook for name in NAMES) and not PSEUDONYM.search(gradebook)


def test_review_and_regrade_over_two_banks_name_each_answer_by_its_own_banks_pseudonym(
    ctx: AppContext, class_submissions: Path
) -> None:
    """The same class sat the quiz and its retake (two banks): without --bank, review and regrade list
    both, and one student's two answers carry two different pseudonyms, the same in both commands."""
    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    (ctx.settings.data_dir / KEY_FILE).write_text("5e" * 32 + "\n", encoding="ascii")
    ctx.catalog.install(Bank.model_validate({**TEACHER_BANK, "id": "retake"}))
    tenta("grade", class_submissions, "--bank", "teacher-test")
    tenta("grade", class_submissions, "--bank", "retake")
    answers = [
        next(
            detail.answer
            for detail in ctx.repository.answer_history(bank_id=bank_id)
            if detail.answer.student_name == "Cecilia" and detail.answer.question_id == "dropout"
        )
        for bank_id in ("teacher-test", "retake")
    ]
    stale = NewGrade(score=0.0, max_points=2.0, confidence=0.9, grader_version="old", model_id="old")
    for answer in answers:
        ctx.repository.request_regrade(answer.id, "please look again")
        ctx.repository.save_grade(answer.id, stale)
    pseudonyms = pseudonyms_for(ctx.repository, ctx.settings.data_dir)
    expected = [pseudonyms.name(answer.student_id, answer.bank_id) for answer in answers]

    _, review, _ = tenta("review", "--anonymous", "--all")
    _, regraded, _ = tenta("regrade", "--dry-run", "--anonymous", "--all")

    assert expected[0] != expected[1]
    for stdout in (review, regraded):
        rows = [next(line for line in stdout.splitlines() if line.startswith(f"│ {a.id} ")) for a in answers]
        assert [PSEUDONYM.findall(row) for row in rows] == [[expected[0]], [expected[1]]]
        assert not any(name in stdout for name in NAMES)
