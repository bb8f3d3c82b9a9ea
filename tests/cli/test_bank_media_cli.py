"""`tenta bank import` keeps pictures and sound beside the bank, `tenta bank show` names them, and an
import whose media cannot be read writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from question_bank.errors import InputFileError
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.test_media import ANATOMY_FILES, ANATOMY_NOTES, write_media_package

runner = CliRunner()


def test_import_apkg_then_show_lists_media_and_reexport_round_trips(
    settings: Settings, tmp_path: Path
) -> None:
    package = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    result = runner.invoke(app, ["bank", "import", str(package)])
    assert result.exit_code == 0, result.output
    assert "imported 'anatomy' (2 questions, 2 media files)" in result.output
    media_dir = settings.banks_dir / "anatomy.media"
    assert {path.name: path.read_bytes() for path in media_dir.iterdir()} == dict(ANATOMY_FILES[:2])

    shown = runner.invoke(app, ["bank", "show", "anatomy"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert f"media folder: {media_dir}" in shown.output
    assert "media: femur x-ray.png, uttal.mp3" in shown.output
    (media_dir / "uttal.mp3").unlink()
    shown = runner.invoke(app, ["bank", "show", "anatomy"], env={"COLUMNS": "200"})
    assert "media: femur x-ray.png, uttal.mp3 (missing)" in shown.output

    exported = tmp_path / "copy.yaml"
    result = runner.invoke(app, ["bank", "export", "anatomy", "--out", str(exported)])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(exported.read_text(encoding="utf-8"))["questions"][0]["media"] == [
        "femur x-ray.png",
        "uttal.mp3",
    ]


def test_import_whose_media_is_missing_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    package = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    assert runner.invoke(app, ["bank", "import", str(package), "--dry-run"]).exit_code == 0
    exported = tmp_path / "exported.yaml"
    runner.invoke(app, ["bank", "import", str(package)])
    runner.invoke(app, ["bank", "export", "anatomy", "--out", str(exported)])
    shutil.rmtree(tmp_path / "exported.media")  # the export copied the media beside the file
    before = sorted(settings.banks_dir.rglob("*"))

    result = runner.invoke(app, ["bank", "import", str(exported), "--id", "copy"])  # no media beside it
    assert isinstance(result.exception, InputFileError)
    assert "media 'femur x-ray.png' is listed but not in the media folder" in str(result.exception)
    assert sorted(settings.banks_dir.rglob("*")) == before


def test_validate_reads_the_media_a_file_lists(settings: Settings, tmp_path: Path) -> None:
    package = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    checked = runner.invoke(app, ["bank", "validate", str(package)])
    assert checked.exit_code == 0 and "2 questions, 2 media files" in checked.output
    runner.invoke(app, ["bank", "import", str(package)])
    exported = tmp_path / "exported.yaml"
    runner.invoke(app, ["bank", "export", "anatomy", "--out", str(exported)])
    (tmp_path / "exported.media" / "uttal.mp3").unlink()

    result = runner.invoke(app, ["bank", "validate", str(exported)])

    assert isinstance(result.exception, InputFileError)
    assert "media 'uttal.mp3' is listed but not in the media folder" in str(result.exception)
