"""The `tenta` command: with no sub-command it opens the TUI; sub-commands are the headless interface."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from question_bank.errors import TentaError
from quiz.cli import bank, database, grading, history, model, progress, students, study, teacher

app = typer.Typer(
    name="tenta",
    help="Offline exam grader and quiz engine.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # "rich" keeps docstring line breaks in the Commands panel
)
error_console = Console(stderr=True, soft_wrap=True)  # one error = one line, however long

for group in (bank, database, history, model, grading, teacher, students, study, progress):
    group.register(app)


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context) -> None:
    """Open the quiz app when no command is given."""
    if ctx.invoked_subcommand is None:
        from quiz.tui.app import run_app

        run_app()


def main() -> None:
    """Entry point: user-facing errors become one line and exit code 1; --debug shows tracebacks."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        app()
    except TentaError as error:
        if debug:
            raise
        error_console.print(f"[bold red]error:[/] {error.message}", highlight=False)
        sys.exit(1)
