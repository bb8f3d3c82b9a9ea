"""`tenta bank export` keeps pictures and sound where the format can: embedded in Moodle XML as Moodle
exports them, a media folder beside a YAML/JSON file; the formats that cannot carry them name what is left
behind. QTI packages' media reach the bank through `tenta bank import`."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeTree
from typer.testing import CliRunner

from question_bank.formats.moodle_xml import dump_moodle_xml, import_moodle_xml
from question_bank.models import Bank
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.test_media import ANATOMY_FILES, ANATOMY_NOTES, PNG, write_media_package
from tests.question_bank.test_qti_media import _choice_item, _package

runner = CliRunner()


def _import_anatomy(tmp_path: Path) -> None:
    package = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    result = runner.invoke(app, ["bank", "import", str(package)])
    assert result.exit_code == 0, result.output


def _question_text(xml_path: Path, index: int) -> Element:
    root: Element = SafeTree.parse(xml_path).getroot()
    questions = [question for question in root.iter("question") if question.get("type") != "category"]
    text = questions[index].find("questiontext")
    assert text is not None
    return text


def test_apkg_picture_survives_moodle_xml_export_and_reimport(settings: Settings, tmp_path: Path) -> None:
    _import_anatomy(tmp_path)
    exported = tmp_path / "anatomy.xml"
    result = runner.invoke(
        app, ["bank", "export", "anatomy", "--format", "moodle-xml", "--out", str(exported)]
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output

    question_text = _question_text(exported, 0)  # Moodle's own shape: <file>s inside <questiontext>
    assert question_text.findtext("text") == (
        'Which bone is this? <img src="@@PLUGINFILE@@/femur%20x-ray.png" alt="femur x-ray.png"> '
        '<a href="@@PLUGINFILE@@/uttal.mp3">uttal.mp3</a>'
    )
    files = {file.get("name"): file for file in question_text.findall("file")}
    assert list(files) == ["femur x-ray.png", "uttal.mp3"]
    assert all(file.get("path") == "/" and file.get("encoding") == "base64" for file in files.values())
    assert base64.b64decode(files["femur x-ray.png"].text or "") == PNG

    result = runner.invoke(app, ["bank", "import", str(exported), "--id", "anatomy-again"])
    assert result.exit_code == 0, result.output
    again = settings.banks_dir / "anatomy-again.media"
    assert {path.name: path.read_bytes() for path in again.iterdir()} == dict(ANATOMY_FILES[:2])
    shown = runner.invoke(app, ["bank", "show", "anatomy-again", "-q", "1"], env={"COLUMNS": "200"})
    assert "Which bone is this? [image: femur x-ray.png] [sound: uttal.mp3]" in shown.output
    assert "media: femur x-ray.png, uttal.mp3" in shown.output


def test_yaml_export_to_a_file_copies_the_media_folder_beside_it(settings: Settings, tmp_path: Path) -> None:
    _import_anatomy(tmp_path)
    exported = tmp_path / "out" / "kopia.yaml"
    exported.parent.mkdir()
    result = runner.invoke(app, ["bank", "export", "anatomy", "--out", str(exported)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert f"copied 2 media files to {tmp_path / 'out' / 'kopia.media'}" in result.output
    copied = tmp_path / "out" / "kopia.media"
    assert {path.name: path.read_bytes() for path in copied.iterdir()} == dict(ANATOMY_FILES[:2])
    result = runner.invoke(app, ["bank", "import", str(exported), "--id", "kopia"])
    assert result.exit_code == 0, result.output
    assert "2 media files" in result.output


def test_formats_without_media_name_what_they_leave_behind(settings: Settings, tmp_path: Path) -> None:
    _import_anatomy(tmp_path)
    printed = runner.invoke(app, ["bank", "export", "anatomy", "--format", "gift"])
    assert printed.exit_code == 0
    assert (
        "warning: question bone1: media femur x-ray.png, uttal.mp3 left behind (GIFT cannot carry pictures "
        "or sound)" in printed.stderr
    )
    printed = runner.invoke(app, ["bank", "export", "anatomy", "--format", "json"])
    assert "left behind (the media folder is copied only beside a file written with --out)" in printed.stderr

    (settings.banks_dir / "anatomy.media" / "uttal.mp3").unlink()
    exported = tmp_path / "x.xml"
    result = runner.invoke(app, ["bank", "export", "anatomy", "-f", "moodle-xml", "-o", str(exported)])
    assert result.exit_code == 0
    assert "question bone1: media uttal.mp3 left behind (not in the bank's media folder)" in result.stderr
    assert [file.get("name") for file in _question_text(exported, 0).findall("file")] == ["femur x-ray.png"]


def test_picture_named_by_its_alt_text_and_choice_pictures_round_trip(tmp_path: Path) -> None:
    other = b"\x89PNG\r\n\x1a\n choice picture"
    bank = Bank.model_validate(
        {
            "id": "bilder",
            "title": "Bilder",
            "languages": ["en"],
            "questions": [
                {
                    "id": "q1",
                    "type": "multiple_choice",
                    "prompt": {"en": "Explain [image: a diagram] please."},
                    "media": ["diagram.png", "choice.png", "extra.mp3"],
                    "choices": [
                        {"text": "This [image: choice.png]", "fraction": 1},
                        {"text": "Not this", "fraction": 0},
                    ],
                }
            ],
        }
    )
    media = {"diagram.png": PNG, "choice.png": other, "extra.mp3": b"ID3 sound"}
    path = tmp_path / "bilder.xml"
    path.write_text(dump_moodle_xml(bank, media), encoding="utf-8")
    root = SafeTree.parse(path).getroot()
    question = next(q for q in root.iter("question") if q.get("type") == "multichoice")
    answer = question.findall("answer")[0]
    assert [file.get("name") for file in answer.findall("file")] == ["choice.png"]
    assert [file.get("name") for file in question.findall("questiontext/file")] == [
        "diagram.png",
        "extra.mp3",
    ]

    again = import_moodle_xml(path).questions[0]
    assert again.prompt["en"] == "Explain [image: a diagram] please.\n\n[sound: extra.mp3]"
    assert again.choices[0].text == "This [image: choice.png]"
    assert set(again.media) == {"diagram.png", "extra.mp3", "choice.png"}


def test_tenta_bank_import_installs_qti_media_and_prints_the_notes(
    settings: Settings, tmp_path: Path
) -> None:
    package = _package(
        tmp_path / "bilder.zip",
        {
            "q.xml": _choice_item(
                "q", '<p>See <img src="fig.png" alt=""/> and <img src="lost.png" alt=""/></p>'
            )
        },
        {"fig.png": PNG},
    )
    result = runner.invoke(app, ["bank", "import", str(package)])
    assert result.exit_code == 0, result.output
    assert "imported 'bilder' (1 questions, 1 media files)" in result.output
    assert "picture 'lost.png' is not in the package; left out" in result.stderr
    assert (settings.banks_dir / "bilder.media" / "fig.png").read_bytes() == PNG
    assert zipfile.is_zipfile(package)
