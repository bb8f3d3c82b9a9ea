"""save_setting writes one choice made in the app (the theme) into config.toml for the next run, keeping
the user's comments, other settings and tables, and writes nothing when it cannot do so safely."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from quiz.settings import Settings, default_config_file, save_setting


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TENTA_THEME", raising=False)
    return default_config_file()


def test_a_new_config_file_holds_the_setting(config: Path) -> None:
    assert save_setting("theme", "textual-light") == config
    assert config.read_text(encoding="utf-8") == 'theme = "textual-light"\n'
    assert Settings().theme == "textual-light"


def test_the_key_line_is_replaced_and_the_rest_kept(config: Path) -> None:
    config.parent.mkdir(parents=True)
    original = (
        "# tenta settings\n"
        'default_bank = "dl-course"  # the course bank\n'
        'theme = "nord"\n'
        "\n"
        "[other-tool]\n"
        'theme = "kept"\n'
    )
    config.write_text(original, encoding="utf-8")

    save_setting("theme", "textual-light")

    assert config.read_text(encoding="utf-8") == original.replace('"nord"', '"textual-light"')
    assert Settings().theme == "textual-light"


def test_a_key_it_cannot_replace_alone_leaves_the_file_as_it_was(config: Path) -> None:
    config.parent.mkdir(parents=True)
    original = 'theme = """gruvbox\n"""\nstudent = "Alva"\n'
    config.write_text(original, encoding="utf-8")

    with pytest.raises(InputFileError) as raised:
        save_setting("theme", "textual-light")

    assert (raised.value.path, raised.value.field) == (config, "theme")
    assert 'write theme = "textual-light"' in raised.value.message
    assert config.read_text(encoding="utf-8") == original
    assert tomllib.loads(original)["student"] == "Alva"


def test_a_broken_config_file_is_named_and_not_written(config: Path) -> None:
    config.parent.mkdir(parents=True)
    config.write_text("theme = \n", encoding="utf-8")

    with pytest.raises(InputFileError, match="not valid TOML") as raised:
        save_setting("theme", "textual-light")

    assert raised.value.path == config
    assert config.read_text(encoding="utf-8") == "theme = \n"
