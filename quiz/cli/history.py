"""`tenta history`: past quiz sessions with scores, or one session answer by answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.records import AnswerDetail, SessionDetail, SessionSummary
from db.repository import Repository
from question_bank.errors import TentaError
from quiz.context import AppContext
from quiz.local_time import local_minute
from quiz.modes import ROW_TOPICS, session_label
from quiz.progress import counted_summaries, counted_summary, ended_early, unanswered_label, unanswered_note
from quiz.scores import format_score, score_out_of

PROMPT_PREVIEW = 160


def _console() -> Console:
    return Console(highlight=False)


def _short_when(moment: datetime) -> str:
    """ "25 Nov 14:05" this year, "2024-11-25" before: dates stay narrow in the table."""
    local = moment.astimezone()
    return (
        local.strftime("%d %b %H:%M")
        if local.year == datetime.now().astimezone().year
        else f"{local:%Y-%m-%d}"
    )


def _score(summary: SessionSummary) -> str:
    if summary.score is None:
        return "-"
    return f"{format_score(summary.score)}/{format_score(summary.max_points)}"


def _percent(summary: SessionSummary) -> str:
    return "-" if summary.percent is None else f"{summary.percent:.0f}%"


def _student_id(repository: Repository, name: str | None) -> int | None:
    if name is None:
        return None
    student = repository.find_student(name)
    if student is None:
        known = ", ".join(student.name for student in repository.list_students()) or "none yet"
        raise TentaError(f"no student named {name!r} (known: {known})")
    return student.id


def history(
    session_id: Annotated[int | None, typer.Argument(help="Show this session answer by answer.")] = None,
    student: Annotated[
        str | None, typer.Option("--student", "-s", help="Only this student's sessions.")
    ] = None,
    bank: Annotated[str | None, typer.Option("--bank", "-b", help="Only sessions of this bank.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many sessions.")] = 50,
) -> None:
    """Past quiz sessions with scores; with SESSION_ID, each answer with its grade and feedback."""
    repository = AppContext().repository
    if session_id is not None:
        detail = repository.session_detail(session_id)
        _print_session(detail.model_copy(update={"summary": counted_summary(detail)}))
        return
    sessions = repository.history(student_id=_student_id(repository, student), bank_id=bank)
    console = _console()
    if not sessions:
        console.print(
            "No quiz sessions yet." if student is None else f"No quiz sessions for {escape(student)}."
        )
        return
    shown = counted_summaries(repository, sessions[:limit])
    several_students = len({summary.student_id for summary in shown}) > 1
    any_review = any(summary.needs_review_count for summary in shown)
    table = Table(
        title=f"Quiz history ({len(sessions)} sessions)" if len(sessions) > 1 else "Quiz history",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    if several_students:
        table.add_column("Student", min_width=8)
    table.add_column("Bank", no_wrap=True)
    table.add_column("Mode", min_width=9)
    table.add_column("Status", no_wrap=True)
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    if any_review:
        table.add_column("Review", justify="right")
    for summary in shown:
        cells = [str(summary.session_id), _short_when(summary.started_at)]
        if several_students:
            cells.append(escape(summary.student_name))
        cells += [
            escape(summary.bank_id),
            escape(session_label(summary.mode, summary.topics, max_topics=ROW_TOPICS)),
            summary.status.value.replace("_", " "),
            f"{summary.answered_count}/{summary.question_count}",
            _score(summary),
            _percent(summary),
        ]
        if any_review:
            cells.append(str(summary.needs_review_count) if summary.needs_review_count else "")
        table.add_row(*cells)
    console.print(table)
    if len(sessions) > limit:
        console.print(f"{len(sessions) - limit} older sessions not shown (use --limit).")


def _print_session(detail: SessionDetail) -> None:
    console = _console()
    summary = detail.summary
    console.print(
        f"[bold]Session {summary.session_id}[/] · {escape(summary.student_name)} · "
        f"{escape(summary.bank_id)} v{escape(summary.bank_version)} · "
        f"{escape(session_label(summary.mode, summary.topics))} · "
        f"{summary.status.value.replace('_', ' ')} · {local_minute(summary.started_at)}"
    )
    left = unanswered_note(summary)
    console.print(
        f"Score: {_score(summary)} ({_percent(summary)}), {summary.answered_count} of "
        f"{summary.question_count} answered" + (f" ({left})" if left else "")
    )
    flagged = [str(item.position + 1) for item in detail.items if item.flagged]
    if flagged:
        console.print(f"Flagged ⚑: question {', '.join(flagged)}")
    for item in detail.items:
        flag = " ⚑ flagged" if item.flagged else ""
        console.rule(
            f"{item.position + 1}. {escape(item.question_id)} ({format_score(item.max_points)} p){flag}",
            align="left",
        )
        prompt = item.prompt if len(item.prompt) <= PROMPT_PREVIEW else item.prompt[:PROMPT_PREVIEW] + "…"
        console.print(f"[dim]{escape(prompt)}[/]")
        if item.answer is None:
            why = f" ({unanswered_label(summary)})" if ended_early(summary) else ""
            console.print(f"Not answered{why}." + (" (unsubmitted draft saved)" if item.draft else ""))
            continue
        _print_answer(console, item.answer)


def _print_answer(console: Console, detail: AnswerDetail) -> None:
    console.print(f"[bold]Answer[/] ({local_minute(detail.answer.submitted_at)}):")
    console.print(escape(detail.answer.text.strip()) or "[dim](empty)[/]")
    grade, override = detail.latest_grade, detail.latest_override
    final = (
        "not graded yet"
        if detail.final_score is None
        else score_out_of(detail.final_score, detail.max_points)
    )
    console.print(f"[bold]Score:[/] {final}" + ("  [yellow]needs review[/]" if detail.needs_review else ""))
    if grade is not None:
        console.print(
            f"  auto: {score_out_of(grade.score, grade.max_points)}, "
            f"confidence {grade.confidence:.2f} ({escape(grade.grader_version)}, {escape(grade.model_id)})"
        )
    if override is not None:
        comment = f": {escape(override.comment)}" if override.comment else ""
        console.print(f"  override by {escape(override.teacher)}: {format_score(override.score)}{comment}")
        decided = [point for point in detail.final_points if "decided_by" in point]
        if decided:
            listed = "; ".join(
                f"[{point['status']}] {point.get('text', point['point_id'])}" for point in decided
            )
            console.print(f"  key points as the teacher judged them: {escape(listed)}")
    if detail.regrade_requested:
        console.print(f"  regrade requested: {escape(detail.regrade_reason or '')}")
    if grade is not None and grade.feedback.strip():
        console.print(f"[bold]Feedback:[/] {escape(grade.feedback.strip())}")


def register(app: typer.Typer) -> None:
    """Add `tenta history` to the root app."""
    app.command("history")(history)
