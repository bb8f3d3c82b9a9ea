"""`tenta --help`: every command's summary reads as one paragraph, wrapped only where the panel is full."""

from __future__ import annotations

import itertools
import re

import pytest
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from quiz.cli.main import app

runner = CliRunner()
PANEL_LINE = re.compile(r"^│ (?P<name>\S*)\s+(?P<text>.*?)\s*│$")


def summary_lines(help_text: str) -> list[tuple[str, str, int]]:
    """(command, text, room left) for every line of the Commands panel."""
    lines = []
    inside = False
    for line in help_text.splitlines():
        if line.startswith("╭─ Commands"):
            inside = True
        elif line.startswith("╰"):
            inside = False
        elif inside and (match := PANEL_LINE.match(line)):
            room = len(line) - len(line.rstrip("│").rstrip()) - 2  # the border and its padding
            lines.append((match["name"], match["text"], room))
    return lines


@pytest.mark.parametrize("command", [[], ["bank"], ["export"]])
def test_command_summaries_wrap_only_where_the_line_is_full(command: list[str]) -> None:
    """A docstring's own line breaks must not show: 'move answers' then a half-empty line was typer's
    rich mode keeping them in the Commands panel."""
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    lines = summary_lines(result.stdout)
    assert len(lines) > 3
    for (_, text, room), (name, following, _) in itertools.pairwise(lines):
        if name:  # the next command starts: the previous summary may end anywhere
            continue
        first_word = following.split()[0]
        assert len(first_word) + 1 > room, f"{first_word!r} would fit after {text!r}"


def _command_paths(command: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command as the words that run it ('export', 'gradebook')."""
    if not isinstance(command, TyperGroup):
        return [prefix]
    return [path for name, sub in command.commands.items() for path in _command_paths(sub, (*prefix, name))]


def description_lines(help_text: str) -> list[str]:
    """The lines of a command's description: after the usage line, before the first panel."""
    lines = help_text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.strip().startswith("Usage:")) + 1
    end = next(index for index, line in enumerate(lines) if line.startswith("╭"))
    return lines[start:end]


@pytest.mark.parametrize("command", _command_paths(get_command(app)), ids=" ".join)
def test_a_commands_own_help_wraps_its_paragraphs_only_where_the_line_is_full(
    command: tuple[str, ...],
) -> None:
    """Typer joins the lines of only the first paragraph: a later one kept the docstring's breaks, which at
    80 columns left 'the student without a' on a line of its own (export feedback, export gradebook,
    student extra-time)."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = description_lines(result.stdout)
    assert any(line.strip() for line in lines)
    for line, following in itertools.pairwise(lines):
        if not line.strip() or not following.strip():  # a paragraph ends here
            continue
        room = len(line) - len(line.rstrip()) - 1  # the right padding
        first_word = following.split()[0]
        assert len(first_word) + 1 > room, f"{first_word!r} would fit after {line.strip()!r}"


def test_the_top_help_says_how_to_open_the_app() -> None:
    """Helper 74: `tenta study` sounded like the app, and nothing said that `tenta` alone opens it."""
    result = runner.invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "Run `tenta` with no command to open the quiz app." in " ".join(result.output.split())
