"""`tenta student …`: the students in the database and their extra time on timed exams (accommodations)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.records import ExtraTimeRecord, StudentRecord, check_extra_time
from db.repository import Repository
from question_bank.errors import TentaError
from quiz.context import AppContext
from quiz.teacher.feedback.model import comparable

student_app = typer.Typer(
    help="Students: list them, add one, give extra time on timed exams.", no_args_is_help=True
)

HOW_STUDENTS_ARE_MADE = (
    "students are the app's profiles (New on the home screen), the names in submissions files "
    "graded with `tenta grade`, or added with `tenta student add NAME`"
)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def find_student(repository: Repository, name: str) -> StudentRecord:
    """The student with this name or external id, or a TentaError listing the known ones."""
    student = repository.find_student(name)
    if student is None:
        known = ", ".join(student.name for student in repository.list_students()) or "none yet"
        raise TentaError(f"no student named {name!r} (known: {known}); {HOW_STUDENTS_ARE_MADE}")
    return student


def _extra_time_cell(settings: list[ExtraTimeRecord]) -> str:
    """ "+25 % (all banks); dl-timed: +50 %", or "-" without extra time."""
    parts = [
        f"+{setting.amount} (all banks)"
        if setting.bank_id is None
        else f"{setting.bank_id}: +{setting.amount}"
        for setting in settings
    ]
    return "; ".join(parts) or "-"


@student_app.command("list")
def list_students() -> None:
    """Every student with external id and extra time (a bank's own setting wins over the all-banks one)."""
    repository = AppContext().repository
    students = repository.list_students()
    console = _console()
    if not students:
        console.print(f"No students yet: {HOW_STUDENTS_ARE_MADE}.", markup=False)
        return
    settings: dict[int, list[ExtraTimeRecord]] = {}
    for setting in repository.extra_time_settings():
        settings.setdefault(setting.student_id, []).append(setting)
    longest_id = max(len(student.external_id or "-") for student in students)
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("student", overflow="fold")
    # The id is what the LMS and Ladok know a student by: on one line while it takes at most half the
    # width (the other columns wrap), never cut to 'anna.lind@student.su.…'; folded on a narrower screen.
    table.add_column("external id", no_wrap=longest_id <= console.width // 2, overflow="fold")
    table.add_column("extra time on timed exams", overflow="fold")
    for student in students:
        name = escape(student.name) + (" [dim](this computer's profile)[/]" if student.is_default else "")
        table.add_row(
            name, escape(student.external_id or "-"), escape(_extra_time_cell(settings.get(student.id, [])))
        )
    console.print(table)


def _check_id_is_not_anothers(repository: Repository, name: str, external_id: str | None) -> None:
    """Refuse `student add NAME --id ID` when ID is already another student's: the id wins in the database,
    so the command would answer with that other student (exit 0) and a later `extra-time ID` would go to
    them; a mistyped id is far likelier than a student renamed by adding them."""
    clean_id = (external_id or "").strip()
    owner = repository.find_student(clean_id) if clean_id else None
    if owner is None or owner.external_id != clean_id or comparable(owner.name) == comparable(name):
        return
    raise TentaError(
        f"--id {clean_id!r} is already {owner.name}'s; {name.strip()!r} was not added "
        "(give their own id, or leave --id out)"
    )


@student_app.command("add")
def add_student(
    name: Annotated[str, typer.Argument(help="The student's name as shown in the app and in exports.")],
    external_id: Annotated[
        str | None,
        typer.Option("--id", help="Student id in the LMS or student records (email, username, SIS id)."),
    ] = None,
) -> None:
    """Add a student (or find the one with this name or id), e.g. to give extra time before the exam."""
    repository = AppContext().repository
    _check_id_is_not_anothers(repository, name, external_id)
    student = repository.get_or_create_student(name, external_id)
    known_as = f" ({student.external_id})" if student.external_id else ""
    _console().print(f"Student {student.name}{known_as}.", markup=False)


@student_app.command("extra-time")
def extra_time(
    name: Annotated[str, typer.Argument(help="The student's name or external id.")],
    bank: Annotated[
        str | None, typer.Option("--bank", "-b", help="Only this bank's exams (default: every bank).")
    ] = None,
    percent: Annotated[
        float | None, typer.Option("--percent", help="Extra time as a share of the limit, e.g. 25 or 50.")
    ] = None,
    minutes: Annotated[float | None, typer.Option("--minutes", help="Extra time in minutes.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the extra time of this scope.")] = False,
) -> None:
    """Give a student extra time on timed full exams (+P % of the limit or +M minutes), for one bank or all.

    A bank's own setting wins over the all-banks one. Read when an exam starts: an exam already under
    way keeps its deadline.
    """
    if sum((percent is not None, minutes is not None, clear)) != 1:
        raise TentaError("tenta student extra-time: give exactly one of --percent P, --minutes M or --clear")
    if not clear:
        check_extra_time(percent, minutes)
    ctx = AppContext()
    student = find_student(ctx.repository, name)
    scope = "every bank" if bank is None else f"bank {bank}"
    console = _console()
    if clear:
        removed = ctx.repository.clear_extra_time(student.id, bank)
        if removed is None:
            console.print(f"{student.name} had no extra time for {scope}; nothing changed.", markup=False)
        else:
            console.print(
                f"{student.name}: extra time for {scope} removed (was +{removed.amount}).", markup=False
            )
        return
    if bank is not None and bank not in ctx.catalog.bank_ids():
        known = ", ".join(ctx.catalog.bank_ids()) or "none"
        raise TentaError(f"--bank: no bank with id {bank!r} (known: {known}; see `tenta bank list`)")
    setting = ctx.repository.set_extra_time(student.id, bank, percent=percent, minutes=minutes)
    console.print(f"{student.name}: +{setting.amount} on the timed full exams of {scope}.", markup=False)
    if bank is not None:
        limit = ctx.catalog.load(bank).time_limit_minutes
        effect = (
            f"{bank}: {setting.describe(limit)}."
            if limit is not None
            else f"{bank} has no time limit yet; the extra time applies once it has one."
        )
        console.print(effect, markup=False)
    console.print(
        "Exams already started keep their deadline; the next full exam gets the new time.", markup=False
    )


def register(app: typer.Typer) -> None:
    """Add the `student` command group to the root app."""
    app.add_typer(student_app, name="student")
