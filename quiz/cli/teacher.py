"""`tenta grade / groups / review / override / audit / regrade / agreement / stats / export`: after the exam.

Thin shells over quiz.teacher: each command parses options, calls the service and prints with rich.
Problems with input rows go to stderr with file:line and make the command exit 1 after the valid
rows have been handled.
"""

from __future__ import annotations

import dataclasses
import getpass
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from db.records import AnswerDetail, Gradebook, credit_status
from db.repository import latest_per_student_question
from grading.models import GradeFlag, PointStatus
from question_bank.errors import InputFileError, TentaError
from question_bank.grade_scales import PRESETS, GradeBoundary, describe_scale, scale_option
from question_bank.models import Bank
from quiz.cli import bank as bank_cli
from quiz.context import AppContext
from quiz.grading_service import ensure_grader
from quiz.local_time import LOCAL_TIME_EXAMPLES, local_minute, read_local_time
from quiz.scores import format_score
from quiz.teacher import analysis, grouping
from quiz.teacher.anonymous import Pseudonyms, pseudonyms_for, shown
from quiz.teacher.batch import (
    DEFAULT_BATCH_SIZE,
    answer_details,
    grade_pending,
    pending_answers,
    resolve_question,
    resubmissions,
    store_submissions,
    summarise,
)
from quiz.teacher.exports import (
    CsvSeparator,
    GradebookFormat,
    check_answers_file,
    check_folder,
    check_writable,
    final_grades,
    grade_counts,
    gradebook_table,
    held_for_review,
    held_questions,
    last_answer_dates,
    question_columns,
    review_reasons,
    write_answers,
    write_table,
)
from quiz.teacher.feedback.as_pdf import find_font_files
from quiz.teacher.feedback.files import FeedbackFormat, write_feedback
from quiz.teacher.feedback.model import collect_feedback, majority_language, select_students
from quiz.teacher.feedback.wording import DocumentLanguage
from quiz.teacher.grouping import answer_groups, find_group
from quiz.teacher.review import (
    POINT_DECISIONS,
    agreement,
    answers_to_regrade,
    apply_override,
    auto_point_credits,
    parse_score,
    point_decisions,
    regrade,
    scaled_auto_score,
)
from quiz.teacher.submissions import NOT_ANSWERED, DateOrder, parse_timestamp, read_submissions

T = TypeVar("T")

console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)
"""One warning or error = one line, however long: `file:line: field:` is how an editor or grep finds it,
and stderr often goes to a file, where rich would otherwise wrap at 80 columns."""

BankOption = Annotated[
    str | None, typer.Option("--bank", "-b", help="Bank id (default: the configured default bank).")
]
AllOption = Annotated[bool, typer.Option("--all", help="List every row, not only the first 25.")]
PointOption = Annotated[
    list[str] | None,
    typer.Option(
        "--point",
        "-p",
        help="A key point's decision: ID=covered, ID=partial, ID=missing (or täckt, delvis, saknas) or "
        "ID=0.75 (repeat for more points; undecided points keep the auto grade's credit). Without a score, "
        "the score follows the points.",
    ),
]
GradeScaleOption = Annotated[
    str | None,
    typer.Option(
        "--grade-scale",
        help=f"Final grades from the total: a preset ({', '.join(PRESETS)}) or boundaries lowest first, "
        "as a share or in points, e.g. 'U:0,G:50%,VG:75%' or 'U:0,G:24p,VG:36p'. Overrides the bank's "
        "grade_scale.",
    ),
]
TeacherOption = Annotated[
    str | None, typer.Option("--teacher", help="Name recorded with the decision (default: your login).")
]
AnonymousOption = Annotated[
    bool | None,
    typer.Option(
        "--anonymous/--names",
        help="Hide student names behind a pseudonym ('Student 4821'), the same for a student throughout "
        "one bank and different in each bank, while grading; default: the TENTA_ANONYMOUS_GRADING setting.",
    ),
]
EXCERPT_LENGTH = 70
TABLE_ROWS = 25
"""Rows shown per listing unless --all is given; the rest are counted."""
WHY_MIN_WIDTH = max(
    len(word) for text in [*GradeFlag, "regrade requested:"] for word in text.replace("_", " ").split()
)
"""`tenta review`'s why column fits every word of a flag's name and of 'regrade requested:' whole."""
_AUTO_COLUMNS = analysis.POINT_STATUSES


def make_context() -> AppContext:
    """The application context commands work on (tests replace this to share a loaded model)."""
    return AppContext()


def register(app: typer.Typer) -> None:
    """Add the teacher commands (and the `export` group) to the root app."""
    app.command("grade")(grade_command)
    app.command("groups")(groups_command)
    app.command("review")(review_command)
    # A negative score ('-0.5') is an argument for the command's own range check, not an unknown option.
    app.command("override", context_settings={"ignore_unknown_options": True})(override_command)
    app.command("audit")(audit_command)
    app.command("regrade")(regrade_command)
    app.command("agreement")(agreement_command)
    app.command("stats")(stats_command)
    export_app = typer.Typer(
        help="Write the gradebook, graded answers, feedback for students or a bank to files.",
        no_args_is_help=True,
    )
    export_app.command("gradebook")(export_gradebook_command)
    export_app.command("answers")(export_answers_command)
    export_app.command("feedback")(export_feedback_command)
    export_app.command("bank")(bank_cli.export)  # the same command as `tenta bank export`
    app.add_typer(export_app, name="export")


# --- helpers ---------------------------------------------------------------------------------------


def _bank(ctx: AppContext, bank_id: str | None) -> Bank:
    return ctx.catalog.load(bank_id or ctx.settings.default_bank)


def _check_bank_filter(ctx: AppContext, bank_id: str | None) -> None:
    """A --bank filter that found nothing must not read as "nothing to do" when the id is a typo: unless
    the bank is installed, say so. Called only on an empty result, so answers to a bank removed since
    they were given are still found by its id."""
    if bank_id is not None:
        ctx.catalog.load(bank_id)


def _grade_scale(text: str | None, bank: Bank, max_total: float) -> tuple[GradeBoundary, ...]:
    """--grade-scale when given (points converted with the exam's total), else the bank's own scale."""
    override = scale_option(text, max_points=max_total or None)
    return bank.grade_scale if override is None else override


def _grade_counts_line(counts: Sequence[tuple[str, int]]) -> str:
    return " · ".join(f"{grade} {count}" for grade, count in counts)


def _teacher(name: str | None) -> str:
    return name or getpass.getuser()


def _excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _points(score: float | None, max_points: float) -> str:
    return f"{format_score(score) or '–'}/{format_score(max_points)}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _shown(rows: Sequence[T], show_all: bool) -> Sequence[T]:
    return rows if show_all else rows[:TABLE_ROWS]


def _print_more(rows: Sequence[object], show_all: bool) -> None:
    if not show_all and len(rows) > TABLE_ROWS:
        console.print(f"[dim]… and {len(rows) - TABLE_ROWS} more (--all lists every one)[/]")


def _report_problems(problems: Sequence[InputFileError], warnings: Sequence[InputFileError] = ()) -> None:
    blank = [warning for warning in warnings if warning.reason == NOT_ANSWERED]
    summed = len(blank) > 1
    for warning in warnings:
        if not (summed and warning.reason == NOT_ANSWERED):
            error_console.print(f"[yellow]warning:[/] {escape(warning.message)}")
    if summed:
        error_console.print(f"[yellow]warning:[/] {escape(_blank_answers_line(blank))}")
    for problem in problems:
        error_console.print(f"[bold red]error:[/] {problem.message}")


def _blank_answers_line(blank: Sequence[InputFileError]) -> str:
    """Blank answer cells in one line with a count per answer column: a class's exam leaves dozens, and a
    line each buried the warnings that need the teacher."""
    per_column = Counter(warning.field or "answer" for warning in blank)
    counts = ", ".join(f"{column} ×{per_column[column]}" for column in sorted(per_column, key=_natural))
    return f"{blank[0].path}: {len(blank)} blank answers (not answered) were not stored: {counts}"


def _natural(text: str) -> list[str | int]:
    """'Svar 2' before 'Svar 10'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class RateColumn(ProgressColumn):
    """Throughput in answers per second since the bar started: the span the summary line's rate covers.
    (rich's own speed leaves out the time to the first step, the first batch, so it read several times
    the summary's rate.)"""

    def render(self, task: Task) -> Text:
        speed = _rate(task)
        return Text("– answers/s" if speed is None else f"{speed:.1f} answers/s", style="cyan")


def _rate(task: Task) -> float | None:
    """Answers per second from the task's start to its end (or now); None before any time has passed."""
    elapsed = task.finished_time or task.elapsed
    return task.completed / elapsed if elapsed else None


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
    )


# --- grade -----------------------------------------------------------------------------------------


def grade_command(
    submissions: Annotated[
        Path,
        typer.Argument(help="CSV/TSV, Excel (.xlsx) or JSONL: student, question, answer[, submitted_at]."),
    ],
    bank_id: BankOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Also write scores and key-point feedback (.csv or .jsonl)."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Answers per grading batch.")] = DEFAULT_BATCH_SIZE,
    date_order: Annotated[
        DateOrder | None,
        typer.Option(
            "--date-order",
            help="How to read slash dates when none in the time column shows it: dmy (3/4/2025 is 3 April, "
            "the default) or mdy (March 4, US exports). A date such as 14/3 or 3/14 decides it by itself.",
        ),
    ] = None,
) -> None:
    """Store every answer of a submissions file, grade the ungraded ones in batches, and summarise."""
    check_answers_file(out)
    ctx = make_context()
    bank = _bank(ctx, bank_id)
    parsed = read_submissions(submissions, date_order=date_order)
    for note in parsed.notes:
        console.print(note, markup=False)
    stored = store_submissions(ctx.repository, bank, parsed)
    problems = parsed.errors + stored.errors
    problems.sort(key=lambda problem: problem.line or 0)
    if not stored.answers:
        _refuse_unreadable(submissions, problems, parsed.warnings)
    pending = pending_answers(ctx.repository, stored.answers)
    console.print(
        f"Stored {len(stored.answers)} answers from {submissions.name} for bank {bank.id}: "
        f"{len(pending)} to grade, {len(stored.answers) - len(pending)} already graded."
    )
    failures: dict[int, str] = {}
    if pending:
        with console.status("Loading the grading model…"):
            ensure_grader(ctx, ingest_course_material=True)
        with _progress() as progress:
            task = progress.add_task("Grading", total=len(pending))
            run = grade_pending(
                ctx, pending, batch_size=batch_size, progress=lambda done: progress.advance(task, done)
            )
        bar = progress.tasks[0]
        elapsed = bar.finished_time or bar.elapsed or 0.0
        failures = run.failures
        rate = _rate(bar) or 0.0
        console.print(
            f"Graded {run.graded} answers in {elapsed:.1f} s "
            f"([bold]{rate:.1f} answers/s[/], as the bar: model loading not counted)."
        )
    details = answer_details(ctx.repository, stored.answers)
    _print_summary(bank, details, ctx.repository.review_queue(bank.id))
    if out is not None:
        write_answers(out, details, _external_ids(ctx))
        console.print(f"Wrote {len(details)} graded answers to {out}")
    _report_problems(problems, parsed.warnings + resubmissions(submissions, stored))
    for answer_id, reason in failures.items():
        error_console.print(f"[bold red]error:[/] answer {answer_id} could not be graded: {reason}")
    if problems or failures:
        error_console.print(
            f"{len(problems)} row(s) not imported, {len(failures)} answer(s) not graded; "
            "fix them and run the same command again (stored answers are not duplicated)."
        )
        raise typer.Exit(1)


def _refuse_unreadable(
    path: Path, problems: Sequence[InputFileError], warnings: Sequence[InputFileError]
) -> NoReturn:
    """A file none of whose rows could be stored gets the reasons and a clear failure, not a summary of
    nothing that reads as if the file had been graded."""
    _report_problems(problems, warnings)
    if problems:
        reason = f"{len(problems)} row(s) not imported, see the errors above"
    else:
        reason = "see the warnings above" if warnings else "every answer is empty"
    error_console.print(
        f"[bold red]error:[/] no answer could be read from {escape(str(path))} ({reason}); "
        "nothing was stored."
    )
    raise typer.Exit(1)


def _print_summary(bank: Bank, details: Sequence[AnswerDetail], queue: Sequence[AnswerDetail]) -> None:
    """Per question, each student's latest answer in the file (a second attempt in the same file replaces
    the first); the review counts are the file's answers that `queue` (the bank's review queue, as
    `tenta review` lists it) holds, so an answer the student has since answered again is not counted and
    a regrade request on an earlier attempt is."""
    table = Table(title=f"{bank.title} — this file", title_justify="left")
    longest_id = max((len(detail.answer.question_id) for detail in details), default=0)
    for column, justify in (
        ("question", "left"),
        ("answers", "right"),
        ("graded", "right"),
        ("mean", "right"),
        ("mean %", "right"),
        ("needs review", "right"),
    ):
        # A question id ('q03-parameters-hyperparameters') stays whole on its line while it takes at most
        # 40 % of the width, the headers wrapping to make room, rather than ending in '…' at 80 columns;
        # on a narrower screen it folds.
        whole = column == "question" and longest_id <= console.width * 0.4
        table.add_column(column, justify=justify, no_wrap=whole, overflow="fold")  # type: ignore[arg-type]
    latest = list(latest_per_student_question(details).values())
    queued = {detail.answer.id for detail in queue}
    for item in summarise(bank, latest, queued):
        table.add_row(
            item.question_id,
            str(item.answers),
            str(item.graded),
            _points(item.mean_score, item.max_points),
            _percent(item.mean_score / item.max_points if item.mean_score is not None else None),
            str(item.needs_review),
        )
    console.print(table)
    review = sum(1 for detail in details if detail.answer.id in queued)
    others = len(queued) - review
    if not (review or others):
        return
    mine = f"{review} answer(s) of this file need review" if review else "No answer of this file needs review"
    elsewhere = f" ({others} more from other files or the app)" if others else ""
    console.print(f"{mine}{elsewhere}: run `tenta review --bank {bank.id}`.")


def _pseudonyms(ctx: AppContext, anonymous: bool | None) -> Pseudonyms | None:
    """Pseudonyms when grading anonymously (the option, else the setting), None to show names."""
    hidden = ctx.settings.anonymous_grading if anonymous is None else anonymous
    return pseudonyms_for(ctx.repository, ctx.settings.data_dir) if hidden else None


def _external_ids(ctx: AppContext) -> dict[int, str | None]:
    return {student.id: student.external_id for student in ctx.repository.list_students()}


# --- groups ----------------------------------------------------------------------------------------


def groups_command(
    question: Annotated[str, typer.Argument(help="Question id or number.")],
    *,
    bank_id: BankOption = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Cosine similarity to the representative needed to join a group (the auto grades must "
            "agree too). Default: the model's, as far above its chance level (e5 0.92, MiniLM 0.67).",
        ),
    ] = None,
    members: Annotated[int, typer.Option(min=0, help="Other answers to show per group.")] = 2,
    show: Annotated[
        str | None,
        typer.Option(
            help="GROUP: list its answers (ids, who decided each, new members); with --score/--point, "
            "preview what --apply would do to each."
        ),
    ] = None,
    apply: Annotated[
        str | None,
        typer.Option(help="GROUP: decide every answer of this group, with --score and/or --point."),
    ] = None,
    score: Annotated[
        str | None, typer.Option(help="With --apply: the score for each answer (points or %, e.g. 75%).")
    ] = None,
    point: PointOption = None,
    comment: Annotated[str, typer.Option(help="Comment stored with each override.")] = "",
    replace_own: Annotated[
        bool,
        typer.Option(
            "--replace-own", help="With --apply: also replace overrides a teacher gave an answer on its own."
        ),
    ] = False,
    move: Annotated[
        int | None, typer.Option(help="ANSWER_ID: move this answer into the group named by --to.")
    ] = None,
    merge: Annotated[
        str | None, typer.Option(help="GROUP: move every answer of this group into the group named by --to.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="GROUP that --move or --merge puts answers in.")
    ] = None,
    take_out: Annotated[
        int | None,
        typer.Option("--out", help="ANSWER_ID: take this answer out of its group (a group of its own)."),
    ] = None,
    confirm: Annotated[
        str | None,
        typer.Option(
            help="GROUP: mark it reviewed; regrouping keeps it, later matching answers show as new."
        ),
    ] = None,
    unconfirm: Annotated[str | None, typer.Option(help="GROUP: drop its reviewed mark.")] = None,
    release: Annotated[
        str | None,
        typer.Option(
            help="GROUP: undo its decision: members decided by a group go back to their auto grade "
            "(own overrides kept unless --replace-own); audited."
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="With --release: show what it would do to each answer; store nothing."
        ),
    ] = False,
    teacher: TeacherOption = None,
    anonymous: AnonymousOption = None,
    show_all: AllOption = False,
) -> None:
    """Cluster similar answers to a question so one decision can grade a whole group; move answers
    between groups, merge and confirm groups (kept when grouping again)."""
    shaping = {
        "--move": move is not None,
        "--merge": merge is not None,
        "--out": take_out is not None,
        "--confirm": confirm is not None,
        "--unconfirm": unconfirm is not None,
        "--release": release is not None,
        "--apply": apply is not None,
        "--show": show is not None,
    }
    chosen = [name for name, given in shaping.items() if given]
    if len(chosen) > 1:
        raise TentaError(f"{' and '.join(chosen)} are separate operations: give one at a time")
    if apply is None and show is None and (score is not None or point):
        raise TentaError("--score and --point decide a group: name it with --apply GROUP")
    if replace_own and apply is None and release is None:
        raise TentaError("--replace-own goes with --apply GROUP or --release GROUP")
    if dry_run and release is None:
        raise TentaError("--dry-run goes with --release GROUP (--show GROUP --score … previews --apply)")
    if (to is not None) != (move is not None or merge is not None):
        raise TentaError("--move ANSWER_ID and --merge GROUP need --to GROUP (and --to needs one of them)")
    ctx = make_context()
    bank = _bank(ctx, bank_id)
    found = resolve_question(bank, question)
    if found is None:
        raise TentaError(f"bank {bank.id!r} has no question {question!r}")
    if threshold is None:
        threshold = grouping.default_threshold(ctx.embedder)
    groups = answer_groups(ctx.repository, ctx.embedder, bank.id, found.id, threshold=threshold)
    if not groups:
        console.print(f"No answers to {found.id} yet.")
        return
    who = _teacher(teacher)
    if move is not None and to is not None:
        console.print(grouping.move_answer(ctx.repository, groups, move, find_group(groups, to), who) + ".")
    elif merge is not None and to is not None:
        target = find_group(groups, to)
        console.print(grouping.merge_groups(ctx.repository, find_group(groups, merge), target, who) + ".")
    elif take_out is not None:
        console.print(grouping.take_out(ctx.repository, groups, take_out, who) + ".")
    elif confirm is not None:
        console.print(grouping.confirm_group(ctx.repository, groups, find_group(groups, confirm), who) + ".")
    elif unconfirm is not None:
        console.print(grouping.unconfirm_group(ctx.repository, find_group(groups, unconfirm), who) + ".")
    elif release is not None:
        group = find_group(groups, release)
        _release(
            ctx, group, who, replace_own=replace_own, pseudonyms=_pseudonyms(ctx, anonymous), dry_run=dry_run
        )
    elif apply is not None:
        group = find_group(groups, apply)
        given = parse_score(score, group.representative.max_points) if score is not None else None
        result = grouping.apply_group_decision(
            ctx.repository,
            group,
            score=given,
            point_credits=point_decisions(point or []),
            comment=comment,
            teacher=who,
            replace_own=replace_own,
        )
        scores = sorted({override.score for override in result.overrides})
        shown = " / ".join(_points(value, group.representative.max_points) for value in scores)
        console.print(result.summary(group.id) + (f" Now scoring {shown}." if shown else ""))
    elif show is not None:
        chosen_group = find_group(groups, show)
        _show_group(chosen_group, score, point_decisions(point or []), comment, _pseudonyms(ctx, anonymous))
    else:
        _list_groups(found.id, groups, members, show_all, threshold)


def _list_groups(
    question_id: str, groups: Sequence[grouping.AnswerGroup], members: int, show_all: bool, threshold: float
) -> None:
    table = Table(
        title=f"{question_id}: {sum(g.size for g in groups)} answers in {len(groups)} groups "
        f"(similarity ≥ {threshold:.2f}, auto grades agree)"
    )
    for column in ("group", "size", "state", "mean auto", "decided", "representative answer / other members"):
        table.add_column(column)
    for group in _shown(groups, show_all):
        lines = [_excerpt(group.representative.answer.text, 90)]
        lines += [f"  · {_excerpt(member.answer.text, 86)}" for member in group.members[1 : 1 + members]]
        table.add_row(
            group.id,
            str(group.size),
            group.state,
            _points(group.mean_auto_score, group.representative.max_points),
            f"{group.overridden}/{group.size}",
            "\n".join(lines),
        )
    console.print(table)
    _print_more(groups, show_all)
    console.print(
        f"Decide a whole group: tenta groups {question_id} --apply GROUP --score SCORE "
        "(or --point ID=covered ...) --comment TEXT. See a group's answers: --show GROUP; "
        "reshape: --move ANSWER_ID --to GROUP, --out ANSWER_ID, --merge GROUP --to GROUP, --confirm GROUP; "
        "undo a decision: --release GROUP"
    )


def _show_group(
    group: grouping.AnswerGroup,
    score: str | None,
    decisions: dict[str, float],
    comment: str,
    pseudonyms: Pseudonyms | None,
) -> None:
    """Every member with who decided it; with a decision given, what applying it would do to each."""
    max_points = group.representative.max_points
    plans: dict[int, grouping.MemberPlan] = {}
    if score is not None or decisions:
        given = parse_score(score, max_points) if score is not None else None
        planned = grouping.plan_group_decision(group, score=given, point_credits=decisions, comment=comment)
        plans = {plan.detail.answer.id: plan for plan in planned}
    state = f" ({group.state})" if group.state else ""
    confirmed = (
        f", confirmed by {group.confirmation.confirmed_by} {group.confirmation.created_at:%Y-%m-%d %H:%M}"
        if group.confirmation is not None
        else ""
    )
    # The id is what --move and --out take: it and the scores keep their width (80 columns, or a pipe,
    # still shows them whole), the other columns wrap and the answer text takes what is left.
    table = Table(title=f"group {group.id}{state}: {group.size} answer(s){confirmed}")
    table.add_column("answer", no_wrap=True)
    table.add_column("student")
    table.add_column("member", overflow="fold")
    table.add_column("auto", no_wrap=True)
    table.add_column("now", no_wrap=True)
    table.add_column("decided by")
    if plans:
        table.add_column("after --apply")
    table.add_column("answer text", overflow="fold")
    for detail in group.members:
        answer_id = detail.answer.id
        role = (
            "representative"
            if detail is group.representative
            else "new"
            if answer_id in group.new_ids
            else "placed"
            if answer_id in group.pinned_ids
            else "similar"
        )
        cells = [
            str(answer_id),
            shown(detail, pseudonyms).answer.student_name,
            role,
            _points(scaled_auto_score(detail), max_points),
            _points(detail.final_score, max_points),
            grouping.decision_label(detail),
        ]
        if plans:
            cells.append(_plan_text(plans[answer_id], max_points))
        table.add_row(*cells, _excerpt(detail.answer.text, 60))
    console.print(table)
    if any(plan.outcome is grouping.MemberOutcome.KEEP_OWN for plan in plans.values()):
        console.print(
            "'kept (own)': a teacher decided that answer alone; --apply keeps it unless --replace-own."
        )


_RELEASE_OUTCOMES = {
    grouping.ReleaseOutcome.TO_AUTO: "auto",
    grouping.ReleaseOutcome.TO_OWN: "own override again",
    grouping.ReleaseOutcome.KEEP_OWN: "kept (own)",
    grouping.ReleaseOutcome.AUTO_ALREADY: "auto already",
}


def _release(
    ctx: AppContext,
    group: grouping.AnswerGroup,
    teacher: str,
    *,
    replace_own: bool,
    pseudonyms: Pseudonyms | None,
    dry_run: bool,
) -> None:
    """Withdraw the group's decision and list each answer it changed, before → after; with `dry_run`
    list what it would do to every member and store nothing."""
    if dry_run:
        plans = grouping.plan_release(group, replace_own=replace_own)
        for plan in plans:
            console.print(_release_line(plan, group.representative.max_points, pseudonyms))
        changing = sum(1 for plan in plans if plan.changes)
        console.print(f"Dry run: --release {group.id} would change {changing} answer(s); nothing was stored.")
        return
    result = grouping.release_group_decision(ctx.repository, group, teacher=teacher, replace_own=replace_own)
    console.print(result.summary(group.id))
    for plan in result.released:
        console.print(_release_line(plan, group.representative.max_points, pseudonyms))


def _release_line(plan: grouping.ReleasePlan, max_points: float, pseudonyms: Pseudonyms | None) -> str:
    """'  answer 12 (Anna): 1.5/2 (group g3 · Kim) → 1.87/2 (auto)'."""
    detail = plan.detail
    return (
        f"  answer {detail.answer.id} ({shown(detail, pseudonyms).answer.student_name}): "
        f"{_points(detail.final_score, max_points)} ({grouping.decision_label(detail)}) → "
        f"{_points(plan.score, max_points)} ({_RELEASE_OUTCOMES[plan.outcome]})"
    )


def _plan_text(plan: grouping.MemberPlan, max_points: float) -> str:
    points = _points(plan.score, max_points)
    if plan.outcome is grouping.MemberOutcome.KEEP_OWN:
        return f"{points} kept (own)"
    if plan.outcome is grouping.MemberOutcome.UNCHANGED:
        return f"{points} (already)"
    return points


# --- review, override, audit -----------------------------------------------------------------------


def review_command(
    bank_id: BankOption = None, anonymous: AnonymousOption = None, show_all: AllOption = False
) -> None:
    """List answers that need a teacher: uncertain auto grades and regrade requests."""
    ctx = make_context()
    queue = ctx.repository.review_queue(bank_id)
    pseudonyms = _pseudonyms(ctx, anonymous)
    if not queue:
        _check_bank_filter(ctx, bank_id)
        console.print("Nothing to review.")
        return
    # The id is what `tenta override` needs: the fixed columns keep their width (80 columns, or a pipe,
    # still shows them whole) and the last column takes what is left. Its reasons are why the teacher
    # looks, so they wrap at spaces rather than ending in "…", with the answer's first words under them
    # cut to the width: one column, never narrower than a flag's longest word ('confidence'), even with
    # the longest student and question cells at 80 columns, so a flag is not cut ("low_co/nfiden/ce").
    # The student and the question wrap within their widths (the row is several lines high anyway), so
    # 'Fredrik Larsson' is not 'Fredrik Larss…' and two students or questions cut alike stay apart.
    table = Table(title=f"{len(queue)} answer(s) to review", expand=True)
    table.add_column("answer", no_wrap=True)
    table.add_column("student", overflow="fold", max_width=14)
    table.add_column("question", overflow="fold", max_width=20)
    table.add_column("auto", no_wrap=True)
    table.add_column("conf", no_wrap=True)
    table.add_column("why", ratio=1, min_width=WHY_MIN_WIDTH, overflow="fold")
    for detail in _shown(queue, show_all):
        grade = detail.latest_grade
        table.add_row(
            str(detail.answer.id),
            shown(detail, pseudonyms).answer.student_name,
            detail.answer.question_id,
            _points(scaled_auto_score(detail), detail.max_points),
            _number(grade.confidence if grade else None),
            Group(
                Text("\n".join(review_reasons(detail))),
                Text(_excerpt(detail.answer.text, 50), style="dim", no_wrap=True, overflow="ellipsis"),
            ),
        )
    console.print(table)
    _print_more(queue, show_all)
    console.print(
        'Set the final score: tenta override ANSWER_ID SCORE --comment "why", or decide key points: '
        "tenta override ANSWER_ID --point ID=covered --point ID=partial --point ID=missing"
    )


def override_command(  # noqa: PLR0917 - typer maps parameters to options
    answer_id: Annotated[int, typer.Argument(help="Answer id (see `tenta review`).")],
    score: Annotated[
        str | None,
        typer.Argument(
            help="Points (e.g. 1.5) or a percentage of max points (e.g. 75%); optional with --point, "
            "whose decisions then add up to the score."
        ),
    ] = None,
    point: PointOption = None,
    comment: Annotated[str, typer.Option(help="Why; shown in the audit trail and exports.")] = "",
    teacher: TeacherOption = None,
    anonymous: AnonymousOption = None,
) -> None:
    """Set an answer's final score, or decide its key points; it survives regrading and is audited."""
    ctx = make_context()
    detail = shown(ctx.repository.get_answer(answer_id), _pseudonyms(ctx, anonymous))
    decisions = point_decisions(point or [])
    given = parse_score(score, detail.max_points) if score is not None else None
    outcome = apply_override(
        ctx.repository,
        detail,
        score=given,
        point_credits=decisions,
        comment=comment,
        teacher=_teacher(teacher),
    )
    source = (
        "" if not decisions else (" (given; key points kept)" if given is not None else " from key points")
    )
    final = _points(outcome.override.score, detail.max_points)
    answer = f"Answer {answer_id} ({detail.answer.student_name}, {detail.answer.question_id})"
    if outcome.stored:
        before = _points(detail.final_score, detail.max_points)
        console.print(f"{answer}: final score {final}{source}, was {before}.")
    else:
        console.print(
            f"{answer}: already has this decision, {final}{source} "
            f"(override {outcome.override.id} by {outcome.override.teacher}); nothing stored."
        )
    if decisions:
        _print_key_points(ctx.repository.get_answer(answer_id))
    _warn_if_answered_again(ctx, detail)


def _warn_if_answered_again(ctx: AppContext, detail: AnswerDetail) -> None:
    """Say so when the student answered the question again after this answer: the gradebook, the exports
    and the feedback files count the later answer, so this decision changes none of them (it stays on
    the answer, e.g. for a regrade request the student made on it)."""
    answer = detail.answer
    attempts = ctx.repository.answer_history(
        answer.student_id, answer.bank_id, question_id=answer.question_id
    )
    counted = latest_per_student_question(attempts).get((answer.student_id, answer.question_id))
    if counted is None or counted.answer.id == answer.id:
        return
    error_console.print(
        f"note: {escape(answer.student_name)} answered {answer.question_id} again later (answer "
        f"{counted.answer.id}, final {_points(counted.final_score, counted.max_points)}); the gradebook, "
        f"exports and feedback count that answer, not this one: tenta override {counted.answer.id} …"
    )


def audit_command(
    answer_id: Annotated[int, typer.Argument(help="Answer id.")], anonymous: AnonymousOption = None
) -> None:
    """Every submission, grade, regrade request and override of an answer, and every change to its
    answer group (moved, taken out, merged, confirmed, released), oldest first, with who and when."""
    ctx = make_context()
    detail = shown(ctx.repository.get_answer(answer_id), _pseudonyms(ctx, anonymous))
    console.print(
        f"Answer {answer_id} by {detail.answer.student_name} to {detail.answer.question_id}: "
        f"final {_points(detail.final_score, detail.max_points)}, "
        f"submitted {local_minute(detail.answer.submitted_at)}"
    )
    console.print(f"[dim]{_excerpt(detail.answer.text, 200)}[/]")
    table = Table()
    # Local time, as `tenta history` shows times and `regrade --since` reads them: the submission time
    # above (the file's, not the import's) is the one a teacher types.
    table.add_column("when", no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("by", max_width=18, overflow="fold")  # a teacher's e-mail, a model id: whole
    table.add_column("detail", ratio=1, min_width=16, overflow="fold")
    for event in ctx.repository.audit_trail(answer_id):
        table.add_row(
            f"{event.at.astimezone():%Y-%m-%d %H:%M:%S}",
            event.kind.value,
            event.actor,
            _audit_cell(event.detail),
        )
    console.print(table)
    _print_key_points(detail)


def _audit_cell(detail: dict[str, Any]) -> str:
    """key=value pairs, the score as 'score=before → after' when the event says what it was before (a
    regrade, an override), an override's key-point decisions and a release's withdrawn overrides on
    lines of their own."""
    cell = ", ".join(
        _audit_pair(key, value, detail.get("previous_score"))
        for key, value in detail.items()
        if key not in ("point_credits", "withdrawn", "previous_score") and value not in (None, "")
    )
    for withdrawn in detail.get("withdrawn") or []:
        decided = f"group {withdrawn['group']}" if withdrawn.get("group") else "own"
        said = f" {withdrawn['comment']!r}" if withdrawn.get("comment") else ""
        cell += (
            f"\nwithdrew override {withdrawn['override_id']}: {format_score(float(withdrawn['score']))} "
            f"({decided} · {withdrawn['teacher']}){said}"
        )
    decisions = detail.get("point_credits") or {}
    if decisions:
        listed = ", ".join(f"{point_id}={_decision(float(credit))}" for point_id, credit in decisions.items())
        cell += f"\nkey points: {listed}"
    return cell


def _audit_pair(key: str, value: object, previous_score: object) -> str:
    if key == "score" and previous_score is not None:
        return f"score={previous_score} → {value}"
    return f"{key}={value}"


def _decision(credit: float) -> str:
    """'covered', 'missing', 'partial' for 0.5, else 'partial 0.75'."""
    status = credit_status(credit)
    if status == "partial" and abs(credit - POINT_DECISIONS[PointStatus.PARTIAL]) > 1e-9:
        return f"{status} {format_score(credit)}"
    return status


def _print_key_points(detail: AnswerDetail) -> None:
    """The key points of the final grade: the auto status (with its credit), the teacher's decision."""
    points = detail.final_points
    if not points:
        return
    override = detail.latest_override
    decided = override.point_credits if override else {}
    auto = auto_point_credits(detail)
    table = Table(title="Key points", title_justify="left")
    for column in ("key point", "weight", "auto", "teacher"):
        table.add_column(column, justify="right" if column == "weight" else "left", no_wrap=True)
    # Whole, wrapped: the teacher decides each point by its text ('tenta override --point'), and 60
    # characters cut most of this exam's points before what they ask for.
    table.add_column("text", ratio=1, overflow="fold")
    for point in points:
        point_id = str(point.get("point_id", ""))
        table.add_row(
            point_id,
            f"{float(point.get('weight', 0.0)):.0%}",
            _decision(auto[point_id]) if point_id in auto else "–",
            _decision(decided[point_id]) if point_id in decided else "",
            str(point.get("text", "")),
        )
    console.print(table)


# --- regrade ---------------------------------------------------------------------------------------


def regrade_command(  # noqa: PLR0917 - typer maps parameters to options
    bank_id: Annotated[
        str | None, typer.Option("--bank", "-b", help="Only this bank (default: all).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only answers submitted at or after this date/time in your time zone, e.g. "
            f"{LOCAL_TIME_EXAMPLES} (a date alone: from its first minute)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; store nothing.")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1)] = DEFAULT_BATCH_SIZE,
    anonymous: AnonymousOption = None,
    show_all: AllOption = False,
) -> None:
    """Grade answers again with the current model and calibration; teacher overrides stay final."""
    ctx = make_context()
    pseudonyms = _pseudonyms(ctx, anonymous)
    since_moment = _since(since)
    details = answers_to_regrade(ctx.repository, bank_id=bank_id, since=since_moment)
    if not details:
        _check_bank_filter(ctx, bank_id)
        console.print("No answers to regrade.")
        return
    with console.status("Loading the grading model…"):
        ensure_grader(ctx, ingest_course_material=True)
    with _progress() as progress:
        task = progress.add_task("Regrading", total=len(details))
        report = regrade(
            ctx,
            details,
            dry_run=dry_run,
            batch_size=batch_size,
            progress=lambda done: progress.advance(task, done),
        )
    banks = {detail.answer.id: detail.answer.bank_id for detail in details}
    changes = report.final_changes
    verb = "would change" if dry_run else "changed"
    if changes:
        table = Table(title=f"Final scores that {verb}")
        for column in ("answer", "student", "question", "before", "after"):
            table.add_column(column)
        for change in _shown(changes, show_all):
            table.add_row(
                str(change.answer_id),
                pseudonyms.name(change.student_id, banks[change.answer_id]) if pseudonyms else change.student,
                change.question_id,
                _points(change.old_final, change.max_points),
                _points(change.new_final, change.max_points),
            )
        console.print(table)
        _print_more(changes, show_all)
    kept = report.overrides_kept
    if kept:
        table = Table(title="Teacher overrides kept (auto grade moved, final score did not)")
        for column in ("answer", "student", "question", "auto before", "auto now", "final"):
            table.add_column(column)
        for change in _shown(kept, show_all):
            table.add_row(
                str(change.answer_id),
                pseudonyms.name(change.student_id, banks[change.answer_id]) if pseudonyms else change.student,
                change.question_id,
                _points(change.old_auto, change.max_points),
                _points(change.new_auto, change.max_points),
                _points(change.new_final, change.max_points),
            )
        console.print(table)
        _print_more(kept, show_all)
    console.print(
        f"Regraded {report.regraded} answer(s): {len(changes)} final score(s) {verb}, "
        f"{sum(1 for d in details if d.overrides)} override(s) kept"
        + ("" if report.stored else " (dry run: nothing stored)")
        + "."
    )


def _since(value: str | None) -> datetime | None:
    """--since as a Swedish teacher types it (27/11/2026 14.30, igår), in UTC as answers are stored."""
    return None if value is None else _local_time("--since", value).astimezone(UTC)


def _local_time(option: str, value: str) -> datetime:
    """A date option's moment in local time, or the error naming the option and the forms it reads. Also
    a time as a submissions file writes it ('4 March 2024 10:15 AM', Unix seconds), copied from the file
    into the option: --since read those before it read a Swedish teacher's typing."""
    moment = read_local_time(value) or parse_timestamp(value)
    if moment is None:
        raise TentaError(f"{option} {value!r} is not a date (use e.g. {LOCAL_TIME_EXAMPLES})")
    return moment.astimezone()


# --- agreement and stats ---------------------------------------------------------------------------


def _installed_banks(ctx: AppContext, bank_id: str | None) -> list[Bank]:
    """The bank a --bank filter names, or every installed bank: what gives the questions their order."""
    if bank_id is not None:
        return [ctx.catalog.load(bank_id)] if bank_id in ctx.catalog.bank_ids() else []
    return [ctx.catalog.load(installed) for installed in ctx.catalog.bank_ids()]


def agreement_command(
    bank_id: Annotated[
        str | None, typer.Option("--bank", "-b", help="Only this bank (default: all).")
    ] = None,
) -> None:
    """How auto grades compare with teacher overrides, per question and per key point."""
    ctx = make_context()
    report = agreement(ctx.repository, bank_id, _installed_banks(ctx, bank_id))
    if report.overall is None:
        _check_bank_filter(ctx, bank_id)
        console.print("No overridden answers yet: agreement needs teacher decisions (`tenta override`).")
        return
    table = Table(title="Auto grade vs teacher override")
    for column in (
        "question",
        "n",
        "Pearson r",
        "MAE (points)",
        "MAE %",
        "bias %",
        f"within ±{analysis.AGREEMENT_TOLERANCE:.0%}",
    ):
        table.add_column(column, justify="right" if column != "question" else "left")
    rows = [(item.question_id, item.stats) for item in report.questions] + [("all", report.overall)]
    for name, stats in rows:
        table.add_row(
            name,
            str(stats.n),
            _number(stats.pearson),
            _number(stats.mae_points),
            _percent(stats.mae_fraction),
            f"{100 * stats.bias_fraction:+.0f}%",
            _percent(stats.within_tolerance),
            end_section=name == rows[-2][0] if len(rows) > 1 else False,
        )
    console.print(table)
    points = Table(
        title="Key points: auto status × the teacher's decision of the point, or of the whole answer",
        expand=True,
    )
    points.add_column("question / key point", ratio=1, min_width=16)
    for column in ("vs", "n", "r", "agree"):
        points.add_column(column, no_wrap=True)
    for status in _AUTO_COLUMNS:
        points.add_column(f"auto\n{status}", no_wrap=True)
    for index, point in enumerate(report.points):
        if index == 0 or report.points[index - 1].question_id != point.question_id:
            points.add_row(f"[b]{point.question_id}[/]")
        points.add_row(
            _excerpt(f"{point.point_id}: {point.text}", 60),
            "point" if point.basis is analysis.AgreementBasis.POINT else "answer",
            str(point.n),
            _number(point.pearson),
            _percent(point.agreement),
            *(
                _confusion_cell(point.confusion.get(status, {}), point.teacher_columns)
                for status in _AUTO_COLUMNS
            ),
        )
    console.print(points)
    console.print(
        "[dim]Rows 'point': the teacher decided this key point (c/p/m = covered / partial / missing; "
        "'agree' = same status as the grader). Rows 'answer': the teacher only scored the answer "
        "(f/p/z = full / partial / zero marks). 'covered … z' or '… m' counts answers where the grader "
        "credited the point but the teacher gave nothing.[/]"
    )
    if report.suggestion:
        console.print(f"[bold yellow]Suggestion:[/] {report.suggestion}")


def _confusion_cell(row: dict[str, int], teacher_columns: Sequence[str]) -> str:
    return "/".join(str(row.get(column, 0)) for column in teacher_columns)


def stats_command(
    bank_id: BankOption = None,
    grade_scale: GradeScaleOption = None,
    points: Annotated[
        bool,
        typer.Option(
            "--points",
            help="Per key point: how many students covered, partly covered or missed it (each student's "
            "latest graded answer to the question counts once).",
        ),
    ] = False,
) -> None:
    """Item analysis per question (Moodle-style): facility, spread, discrimination index; and the
    distribution of final grades when the bank (or --grade-scale) has a grade scale. With --points:
    which key points the class covered and missed (Gradescope's rubric item statistics). Scores that
    wait for the teacher are counted at their current value and named provisional; the final grades are
    counted as the gradebook export reports them, holding those students, whose current grades follow."""
    ctx = make_context()
    bank = _bank(ctx, bank_id)
    if points:
        _key_point_stats(ctx, bank)
        return
    gradebook = ctx.repository.gradebook(bank.id)
    max_total = sum(question_columns(gradebook, bank).values())
    scale = _grade_scale(grade_scale, bank, max_total)
    if not gradebook.rows:
        console.print(f"No graded answers in bank {bank.id} yet.")
        return
    held = held_for_review(ctx.repository.answer_history(bank_id=bank.id))
    items, exam = analysis.item_analysis(
        [row.scores for row in gradebook.rows],
        gradebook.max_points,
        max_total=max_total,
        in_review=[held_questions(held, row.student_id) for row in gradebook.rows],
        ungraded=[row.pending for row in gradebook.rows],
    )
    table = Table(title=f"Item analysis — {bank.title}", expand=True)
    # A long id ('q03-parameters-hyperparameters') is shown whole where the screen has room and folds
    # where it has not; it was cut to 'q03-parameters-hype…' at any width. The other columns take about
    # 60 characters with their borders (remarks at least 8).
    table.add_column("question", overflow="fold", max_width=max(12, console.width - 60))
    for column in ("n", "mean", "SD", "facility", "discrim."):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("remarks", ratio=1, min_width=8)
    for item in items:
        table.add_row(
            item.question_id,
            str(item.students),
            _points(item.mean_score, item.max_points),
            _number(item.sd_score),
            _percent(item.facility),
            _percent(item.discrimination),
            ", ".join(item.remarks),
        )
    console.print(table)
    provisional = (
        f", {exam.provisional_students} with provisional scores (answers waiting for the teacher: tenta "
        "review)"
        if exam.provisional_students
        else ""
    )
    ungraded = (
        f", {exam.ungraded_students} with answers not graded yet (tenta grade), left out of the totals"
        if exam.ungraded_students
        else ""
    )
    console.print(
        f"{exam.students} students{provisional}{ungraded}; total mean "
        f"{_points(exam.mean_total, exam.max_total)}, SD {_number(exam.sd_total)}; Cronbach's alpha "
        f"{_number(exam.cronbach_alpha)}."
    )
    if scale:
        _print_final_grades(gradebook, bank, scale, held, max_total)
    console.print(
        "[dim]n: students who answered. Facility: mean share of max points. Discrim. (discrimination "
        "index, as Moodle's): correlation between the question's score and the rest of the test; "
        "below 20% the question separates strong and weak students poorly. provisional: scores waiting "
        "for the teacher (an uncertain auto grade, a regrade request), counted at their current value "
        "until decided; their students' final grades are held, as in the gradebook export. A student "
        "with an answer not graded yet has no total, as in the gradebook: the total's mean, SD, alpha and "
        "the discrimination leave them out.[/]"
    )


def _print_final_grades(
    gradebook: Gradebook,
    bank: Bank,
    scale: Sequence[GradeBoundary],
    held: Mapping[int, Sequence[AnswerDetail]],
    max_total: float,
) -> None:
    """The count per final grade as the gradebook export reports it (held students without a grade),
    then the grades the held students' current scores would give, so none is silently left out."""
    counts = grade_counts(final_grades(gradebook, bank, scale, held=held.keys()), scale)
    console.print(f"Final grades ({describe_scale(scale, max_total)}): {_grade_counts_line(counts)}")
    if not held:
        return
    current = final_grades(gradebook, bank, scale)
    would_get = [
        (grade, count)
        for grade, count in grade_counts({student: current[student] for student in held}, scale)
        if count
    ]
    console.print(
        f"{len(held)} of those without a grade are held for review; from their current scores they would "
        f"get {_grade_counts_line(would_get)}."
    )


def _key_point_stats(ctx: AppContext, bank: Bank) -> None:
    details = ctx.repository.answer_history(bank_id=bank.id)
    tallies = analysis.key_point_tallies(details)
    if not tallies:
        console.print(f"No graded answers with key points in bank {bank.id} yet.")
        return
    table = Table(title=f"Key points — {bank.title} (each student's latest answer)", expand=True)
    table.add_column("question / key point", ratio=1, min_width=20)
    for column in ("covered", "partly", "missed", "% missed", "teacher"):
        table.add_column(column, justify="right", no_wrap=True)
    for index, tally in enumerate(tallies):
        if index == 0 or tallies[index - 1].question_id != tally.question_id:
            table.add_row(f"[b]{tally.question_id}[/]", end_section=False)
        last_of_question = index + 1 == len(tallies) or tallies[index + 1].question_id != tally.question_id
        table.add_row(
            f"{tally.point_id}: {tally.text}",
            str(tally.covered),
            str(tally.partial),
            str(tally.missing),
            _percent(tally.missed_share),
            str(tally.decided),
            end_section=last_of_question,
        )
    console.print(table)
    console.print(
        "[dim]Each student counts once per question: their latest graded answer (earlier attempts do "
        "not count). Where a teacher decided a point of that answer (`tenta override --point`, a group "
        "decision) the decision counts instead of the grader's ('teacher': how many).[/]"
    )
    waiting = sum(1 for detail in analysis.tallied_answers(details) if detail.waits_for_teacher)
    if waiting:
        console.print(
            f"{waiting} of the counted answers wait(s) for the teacher (tenta review): their key points "
            "are the grader's, provisional until decided."
        )


# --- export ----------------------------------------------------------------------------------------


def export_gradebook_command(  # noqa: PLR0917 - typer maps parameters to options
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="CSV file to write (default: print it).")
    ] = None,
    bank_id: BankOption = None,
    format_name: Annotated[
        GradebookFormat,
        typer.Option(
            "--format",
            "-f",
            help="tenta: students × questions for a spreadsheet (and the final grade with a grade scale); "
            "moodle: Moodle's grade import CSV (Email address / ID number, total, the grade word for a "
            "scale item, Feedback with the teachers' comments); canvas: Canvas's gradebook import CSV "
            "(SIS ids, total, Points Possible row); grades: one final grade per student (id, name, grade, "
            "examination date) for Ladok or another student records system.",
        ),
    ] = GradebookFormat.TENTA,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            help="moodle/canvas: name of the grade column (default: the bank's title); match the LMS "
            "grade item or assignment, e.g. Canvas's 'Exam (1234)' form with the assignment id.",
        ),
    ] = None,
    per_question: Annotated[
        bool, typer.Option("--per-question", help="moodle/canvas: also one grade column per question.")
    ] = False,
    grade_scale: GradeScaleOption = None,
    exam_date: Annotated[
        str | None,
        typer.Option(
            "--exam-date",
            help="grades: the examination date for every student, e.g. 2026-11-27, 27/11/2026 or "
            "27 nov 2026 (default: the day of their last answer).",
        ),
    ] = None,
    separator: Annotated[
        CsvSeparator | None,
        typer.Option(
            "--separator",
            help="tenta/grades: semicolon (with decimal commas, as Excel in Swedish reads a CSV; the default "
            "for grades) or comma (English-locale spreadsheets; the default for tenta). moodle and canvas "
            "are always comma-separated.",
        ),
    ] = None,
    include_pending: Annotated[
        bool,
        typer.Option(
            "--include-pending",
            help="Also write the total and final grade of students with answers waiting for review (an "
            "uncertain auto grade not overridden, a regrade request), from their current scores; by "
            "default, in every format, their total, grade and the answer's cell are left without a grade "
            "and they are named on stderr with the reason.",
        ),
    ] = False,
) -> None:
    """The gradebook with final scores (teacher overrides win) for a spreadsheet, Moodle or Canvas, or
    the final grades per student.

    In the LMS files an unanswered question counts 0 and an answer not graded yet leaves the total
    without a grade; a student with an answer not graded yet gets no final grade. A student whose answers
    wait for review (an uncertain auto grade, a regrade request) gets no total or final grade in any
    format either, unless --include-pending is given. Students the LMS cannot identify, students held
    for review with the reason, and the distribution of final grades are printed on stderr.
    """
    _check_format_options(format_name, title=title, per_question=per_question, exam_date=exam_date)
    check_writable(out)
    ctx = make_context()
    bank = _bank(ctx, bank_id)
    gradebook = ctx.repository.gradebook(bank.id)
    scale = _grade_scale(grade_scale, bank, sum(question_columns(gradebook, bank).values()))
    details = ctx.repository.answer_history(bank_id=bank.id)
    held = {} if include_pending else held_for_review(details)
    exam_dates: dict[int, date] = {}
    if format_name is GradebookFormat.GRADES:
        exam_dates = last_answer_dates(details)
        if exam_date is not None:
            exam_dates = dict.fromkeys(exam_dates, _local_time("--exam-date", exam_date).date())
    table = gradebook_table(
        gradebook,
        bank,
        format_name,
        title=title,
        per_question=per_question,
        grade_scale=scale,
        exam_dates=exam_dates,
        separator=separator,
        held=held,
    )
    write_table(table, out)
    for note in table.notes:
        error_console.print(f"{format_name.value}: {escape(note)}")
    if table.grade_counts:
        error_console.print(f"Final grades: {_grade_counts_line(table.grade_counts)}")
    _print_review_queue(ctx.repository.review_queue(bank.id), held, holding=not include_pending)
    if out is not None:
        console.print(f"Wrote the {format_name.value} gradebook of {table.students} students to {out}")


LMS_FORMATS = (GradebookFormat.MOODLE, GradebookFormat.CANVAS)


def _check_format_options(
    format_name: GradebookFormat, *, title: str | None, per_question: bool, exam_date: str | None
) -> None:
    """Refuse an option the chosen format has no place for, as --separator is refused for an LMS file:
    `-f tenta --exam-date 2026-11-27` or `-f grades --title Tenta` wrote a file without the date or title
    and said nothing, so the teacher believed it was in. tenta's file has a column per question anyway,
    so --per-question is refused only for the grades file."""
    unused = [
        *(["--title"] if title is not None and format_name not in LMS_FORMATS else []),
        *(["--per-question"] if per_question and format_name is GradebookFormat.GRADES else []),
        *(["--exam-date"] if exam_date is not None and format_name is not GradebookFormat.GRADES else []),
    ]
    if unused:
        raise TentaError(
            f"{' and '.join(unused)}: --format {format_name.value} has no place for "
            f"{'it' if len(unused) == 1 else 'them'} (--title and --per-question are for moodle and "
            "canvas, --exam-date for grades)"
        )


def _print_review_queue(
    in_review: Sequence[AnswerDetail], held: Mapping[int, Sequence[AnswerDetail]], *, holding: bool
) -> None:
    """The answers in the review queue that the export's notes did not already name as held: when the
    export holds grades for review, only earlier attempts with a regrade request are left, which the file
    does not count."""
    named = {detail.answer.id for answers in held.values() for detail in answers}
    rest = [detail for detail in in_review if detail.answer.id not in named]
    if not rest:
        return
    if holding:
        what = "other answer(s) are in the review queue (tenta review): earlier attempts, not counted here"
    else:
        what = "answer(s) are in the review queue (tenta review); their current scores are exported"
    error_console.print(f"{len(rest)} {what}:")
    for detail in rest:
        error_console.print(
            f"  answer {detail.answer.id}: {escape(detail.answer.student_name)}, {detail.answer.question_id}"
        )


def export_answers_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .jsonl (full detail) or .csv.")],
    bank_id: BankOption = None,
) -> None:
    """Every answer with its auto grade, key-point feedback, override and final score."""
    ctx = make_context()
    bank = _bank(ctx, bank_id)
    details = sorted(ctx.repository.answer_history(bank_id=bank.id), key=lambda d: d.answer.id)
    write_answers(out, details, _external_ids(ctx))
    console.print(f"Wrote {len(details)} answers to {out}")


def export_feedback_command(  # noqa: PLR0917 - typer maps parameters to options
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the students' files and the index.")],
    bank_id: BankOption = None,
    students: Annotated[
        list[str] | None,
        typer.Option("--student", "-s", help="Only this student, by name or student id (repeat for more)."),
    ] = None,
    format_name: Annotated[
        FeedbackFormat,
        typer.Option(
            "--format",
            "-f",
            help="md: CommonMark; html: one self-contained page each, prints well; pdf: one A4 PDF each.",
        ),
    ] = FeedbackFormat.MARKDOWN,
    grade_scale: GradeScaleOption = None,
    only_final: Annotated[
        bool,
        typer.Option("--only-final", help="Skip students with answers not graded yet or waiting for review."),
    ] = False,
    with_reference: Annotated[
        bool,
        typer.Option(
            "--with-reference",
            help="Also show each question's reference answer (in the student's language) and its rubric.",
        ),
    ] = False,
    language: Annotated[
        DocumentLanguage | None,
        typer.Option(
            "--language",
            "-l",
            help="Write every file in sv (Swedish) or en (English); by default each student's file is in the "
            "language they answered in (Swedish or else English), the index in most students' language.",
        ),
    ] = None,
) -> None:
    """One file per student to hand back: each answer with its final score (the teacher's override wins,
    with the comment), key points covered / partly covered / missing with passages to read, unanswered
    questions, the total and the final grade; and an index of everyone.

    Answers not graded yet or waiting for review read "not graded yet" and leave the student without a
    final grade; those students are named on stderr.
    """
    check_folder(out)
    ctx = make_context()
    bank = _bank(ctx, bank_id)
    gradebook = ctx.repository.gradebook(bank.id)
    scale = _grade_scale(grade_scale, bank, sum(question_columns(gradebook, bank).values()))
    details = ctx.repository.answer_history(bank_id=bank.id)
    exam, everyone = collect_feedback(
        bank,
        gradebook,
        details,
        scale,
        published=date.today(),
        with_reference=with_reference,
        language=language.value if language else None,
    )
    chosen = select_students(everyone, students or [])
    if language is None:  # the index lists the chosen students: in the language most of theirs are in
        exam = dataclasses.replace(exam, language=majority_language(chosen, exam.language))
    waiting = [student for student in chosen if student.pending]
    if only_final:
        chosen = [student for student in chosen if not student.pending]
    fonts = find_font_files() if format_name is FeedbackFormat.PDF else None
    if format_name is FeedbackFormat.PDF and fonts is None:
        error_console.print(
            "DejaVu Sans was not found (fonts-dejavu-core): the PDFs use the core fonts, and characters "
            "outside Windows-1252 are approximated (accents dropped, Greek spelled out, others '?')"
        )
    written = write_feedback(out, chosen, exam, format_name, pdf_fonts=fonts)
    if waiting:
        names = ", ".join(student.name for student in waiting)
        what = "are skipped (--only-final)" if only_final else "get files saying so and no final grade"
        error_console.print(
            f"{len(waiting)} student(s) have answers not graded yet or waiting for review (tenta grade, "
            f"tenta review) and {what}: {names}"
        )
    console.print(
        f"Wrote feedback for {len(written) - 1} student(s) of bank {bank.id} to {out} "
        f"(open {written[-1].name})"
    )
