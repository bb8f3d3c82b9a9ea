"""All configuration in one place: TENTA_* variables, an optional config file, platformdirs paths."""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from question_bank.errors import InputFileError, TentaError, field_name

APP_NAME = "tenta"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME))


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def _settings_error(error: ValidationError) -> TentaError:
    """A bad setting as one line naming where it came from: the TENTA_* variable, else config.toml and the
    line of the setting there."""
    first = error.errors()[0]
    field = field_name(first["loc"])
    variable = f"TENTA_{field}".upper()
    environment = {name.upper(): value for name, value in os.environ.items()}
    if variable in environment:
        return TentaError(f"{variable}={environment[variable]!r}: {first['msg']}")
    path = default_config_file()
    return InputFileError(path, first["msg"], line=_config_line(path, field), field=field)


def _config_line(path: Path, key: str) -> int | None:
    """The line of config.toml that sets `key` at the top level (where the settings are), if any."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    for number, line in enumerate(lines, start=1):
        if TABLE_HEADER.match(line):
            return None
        if pattern.match(line):
            return number
    return None


def _check_config_keys(names: set[str]) -> None:
    """Refuse a top-level config.toml key that is no setting: read silently past, a misspelt
    `reveiw_threshold` or a `TENTA_DEFAULT_BANK = ...` copied from the README's variable names would leave
    the default in force with nothing said. The error names the file, the line and the key, and the setting
    it likely means. [tables] are other tools' and left alone."""
    path = default_config_file()
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return  # reading the settings has reported these already
    for key, value in content.items():
        if key in names or isinstance(value, dict):  # a [table] is another tool's, kept as it is
            continue
        meant = key.lower().removeprefix("tenta_")
        close = [meant] if meant in names else difflib.get_close_matches(meant, sorted(names), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise InputFileError(
            path,
            f"not a setting; {hint}config.toml takes {', '.join(sorted(names))} "
            "(the TENTA_* variables' names without TENTA_, in lower case)",
            line=_config_line(path, key),
            field=key,
        )


class Settings(BaseSettings):
    """Settings read from TENTA_* variables, then `config.toml` in the user config dir."""

    model_config = SettingsConfigDict(env_prefix="TENTA_", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir, description="Database, faiss indexes, user banks."
    )
    cache_dir: Path = Field(
        default_factory=default_cache_dir, description="Built models and embedding caches."
    )
    models_dir: Path | None = Field(
        default=None, description="Where built embedding models live; default is cache_dir/models."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is an SQLite file in data_dir."
    )
    model: str = Field(
        default="multilingual-e5-small",
        description="'multilingual-e5-small', 'all-MiniLM-L6-v2', or a sentence-transformers folder path.",
    )
    default_bank: str = Field(
        default="dl-course", description="Bank opened by `tenta` and used when --bank is omitted."
    )
    student: str | None = Field(
        default=None, description="Profile name to use; default is the local profile."
    )
    review_threshold: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description=(
            "Grades with confidence below this are flagged for teacher review; confidence is the grade's "
            "rank among out-of-fold grades by estimated reliability, so 0.2 flags about the least sure 20%."
        ),
    )
    leech_threshold: int = Field(
        default=8,
        ge=1,
        description="Lapses (forgotten after being learnt) that make a question a leech, as in Anki; "
        "it is flagged again every half as many lapses after that.",
    )
    leech_action: Literal["suspend", "tag"] = Field(
        default="suspend",
        description="What happens to a leech: 'suspend' (Anki's default: left out of practice until "
        "unsuspended) or 'tag' (only marked, the student told).",
    )

    theme: str = Field(
        default="textual-dark",
        description="The app's colour theme: 'textual-dark', 'textual-light' or another Textual theme; "
        "switching theme in the app (f2, or Theme in the command palette) writes the choice here.",
    )

    anonymous_grading: bool = Field(
        default=False,
        description=(
            "Teachers grade without names: review, answer groups and audit show a pseudonym "
            "('Student 4821') per student and bank, so knowing it in one exam tells nothing in another; "
            "exports keep the names."
        ),
    )

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise _settings_error(error) from None
        except tomllib.TOMLDecodeError as error:
            raise InputFileError(default_config_file(), f"not valid TOML: {error}") from None
        _check_config_keys(set(type(self).model_fields))

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=default_config_file()),
        )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'tenta.sqlite3'}"

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.cache_dir / "models"

    @property
    def banks_dir(self) -> Path:
        """Where imported banks are stored so they are listed next to the bundled ones."""
        return self.data_dir / "banks"

    @property
    def index_dir(self) -> Path:
        """faiss indexes, rebuildable from the database."""
        return self.data_dir / "indexes"


TABLE_HEADER = re.compile(r"^\s*\[")
"""A [table] line: top-level keys, the settings, all come before the first one."""


def save_setting(name: str, value: str) -> Path:
    """Write one setting into config.toml for the next run (a choice made in the app: the theme), keeping
    the rest of the file, comments and all, as it was: the key's top-level line is replaced, else added at
    the top. The file is only written when it then reads back as before with just that setting changed."""
    path = default_config_file()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(path, f"not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TentaError(f"{path}: cannot read it ({error})") from None
    line = f"{name} = {json.dumps(value, ensure_ascii=False)}"
    updated = _with_top_level_line(text.splitlines(), name, line)
    try:
        unchanged_otherwise = tomllib.loads(updated) == {**before, name: value}
    except tomllib.TOMLDecodeError:
        unchanged_otherwise = False
    if not unchanged_otherwise:
        raise InputFileError(
            path, f"cannot be set here without changing other settings; write {line}", field=name
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.new")
        partial.write_text(updated, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        raise TentaError(f"{path}: cannot write it ({error.strerror or error})") from None
    return path


def _with_top_level_line(lines: list[str], name: str, line: str) -> str:
    """The file's lines with `line` in place of the key's line before the first [table], else first."""
    key = re.compile(rf"^\s*{re.escape(name)}\s*=")
    for index, existing in enumerate(lines):
        if TABLE_HEADER.match(existing):
            break
        if key.match(existing):
            return "\n".join([*lines[:index], line, *lines[index + 1 :]]) + "\n"
    return "\n".join([line, *lines]) + "\n"
