"""`tenta bank export --format anki`: an .apkg for students who review with Anki, written only to a named
file (atomically), with the self-grading loss said once on stderr and the bank's media packed along."""

from __future__ import annotations

import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

from typer.testing import CliRunner

from question_bank.errors import TentaError
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.test_media import ANATOMY_FILES, ANATOMY_NOTES, write_media_package

runner = CliRunner()


def test_anki_export_needs_a_file_to_write_to(settings: Settings, tmp_path: Path) -> None:
    result = runner.invoke(app, ["bank", "export", "dl-course", "--format", "anki"])
    assert result.exit_code != 0
    assert isinstance(result.exception, TentaError)
    assert "--out" in result.exception.message
    assert result.stdout == ""


def test_anki_export_writes_the_package_and_warns_once(settings: Settings, tmp_path: Path) -> None:
    package = tmp_path / "dl-course.apkg"
    result = runner.invoke(
        app,
        ["bank", "export", "dl-course", "--format", "anki", "--out", str(package)],
        env={"COLUMNS": "300"},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {package} (12 questions)"
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: Anki cards are self-graded")
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path)
    with closing(sqlite3.connect(tmp_path / "collection.anki2")) as connection:
        assert connection.execute("SELECT count(*) FROM notes").fetchone() == (12,)
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []

    imported = runner.invoke(app, ["bank", "import", str(package), "--id", "dl-anki"])
    assert imported.exit_code == 0, imported.output
    assert "imported 'dl-anki' (12 questions)" in imported.output


def test_media_of_an_installed_bank_survive_export_and_reimport(settings: Settings, tmp_path: Path) -> None:
    source = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    assert runner.invoke(app, ["bank", "import", str(source)]).exit_code == 0
    package = tmp_path / "anatomy-for-anki.apkg"
    result = runner.invoke(
        app, ["bank", "export", "anatomy", "--format", "anki", "--out", str(package)], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 0, result.output
    assert "(2 questions, 2 media files)" in result.stdout
    assert "left behind" not in result.stderr

    result = runner.invoke(app, ["bank", "import", str(package), "--id", "anatomy-again"])
    assert result.exit_code == 0, result.output
    again = settings.banks_dir / "anatomy-again.media"
    assert {path.name: path.read_bytes() for path in again.iterdir()} == dict(ANATOMY_FILES[:2])
    shown = runner.invoke(app, ["bank", "show", "anatomy-again", "-q", "1"], env={"COLUMNS": "200"})
    assert "Which bone is this? [image: femur x-ray.png] [sound: uttal.mp3]" in shown.output


def test_a_media_file_missing_from_the_folder_is_named(settings: Settings, tmp_path: Path) -> None:
    source = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    assert runner.invoke(app, ["bank", "import", str(source)]).exit_code == 0
    (settings.banks_dir / "anatomy.media" / "uttal.mp3").unlink()
    package = tmp_path / "anatomy.apkg.out"
    result = runner.invoke(
        app, ["bank", "export", "anatomy", "--format", "anki", "--out", str(package)], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 0, result.output
    assert "(2 questions, 1 media files)" in result.stdout
    assert "media uttal.mp3 left behind (not in the bank's media folder)" in result.stderr
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path)
    with closing(sqlite3.connect(tmp_path / "collection.anki2")) as connection:
        prompt = connection.execute("SELECT flds FROM notes ORDER BY id").fetchone()[0].split("\x1f")[0]
    assert prompt == 'Which bone is this? <img src="femur x-ray.png"> [sound: uttal.mp3]'  # no broken link
