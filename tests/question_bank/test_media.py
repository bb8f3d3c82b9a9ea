"""Pictures and sound survive an import: Anki packages (JSON media map, and anki21b's zstd protobuf list
with zstd members) and Moodle XML `<file>` blobs are listed on the question, read back byte for byte,
and installed beside the bank all at once or not at all."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
import zstandard

from question_bank import loader
from question_bank.errors import InputFileError, TentaError
from question_bank.formats.anki import import_anki
from question_bank.formats.detect import import_file
from question_bank.formats.media import read_media
from question_bank.formats.media_files import bank_media_names, plain_media_name
from question_bank.formats.moodle_xml import import_moodle_xml
from question_bank.formats.yaml_json import dump_json, dump_yaml, read_native
from question_bank.loader import BankCatalog
from question_bank.models import Bank
from tests.question_bank.test_anki import CLOZE, Note, write_collection

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
MP3 = b"ID3\x03\x00" + b"\xff\xfb" * 300
OTHER_PNG = b"\x89PNG\r\n\x1a\n other picture"


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _media_entries(files: list[tuple[str, bytes]]) -> bytes:
    """anki21b's MediaEntries protobuf: entries = 1 of MediaEntry {name = 1, size = 2, sha1 = 3}."""
    entries = b""
    for name, content in files:
        entry = (
            _length_delimited(1, name.encode("utf-8"))
            + _varint(2 << 3)
            + _varint(len(content))
            + _length_delimited(3, hashlib.sha1(content).digest())
        )
        entries += _length_delimited(1, entry)
    return entries


def write_media_package(
    path: Path, notes: list[Note], files: list[tuple[str, bytes]], *, latest: bool
) -> Path:
    """An .apkg with media as Anki writes it: numbered members named by the `media` map (JSON), or in
    a >= 2.1.50 package a zstd-compressed protobuf list and zstd-compressed members."""
    database = path.parent / f"{path.name}.collection"
    write_collection(database, notes, {10: "Anatomy"}, modern=latest)
    compressor = zstandard.ZstdCompressor()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if latest:
            archive.writestr("meta", b"\x08\x03")
            archive.writestr("collection.anki21b", compressor.compress(database.read_bytes()))
            archive.writestr("media", compressor.compress(_media_entries(files)))
        else:
            archive.write(database, "collection.anki2")
            archive.writestr("media", json.dumps({str(index): name for index, (name, _) in enumerate(files)}))
        for index, (_, content) in enumerate(files):
            archive.writestr(str(index), compressor.compress(content) if latest else content)
    return path


ANATOMY_NOTES = [
    Note(
        [
            'Which bone is this? <img src="femur%20x-ray.png">[sound:uttal.mp3]',
            'The femur. <img src="answer.png">',
        ],
        guid="bone1",
        deck=10,
    ),
    Note(["What does the heart pump?", "Blood."], guid="heart1", deck=10),
]
ANATOMY_FILES = [("femur x-ray.png", PNG), ("uttal.mp3", MP3), ("answer.png", OTHER_PNG)]


@pytest.mark.parametrize("latest", [True, False], ids=["anki21b", "legacy"])
def test_anki_prompt_media_is_listed_and_read_back_byte_for_byte(tmp_path: Path, latest: bool) -> None:
    path = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=latest)
    bank = import_anki(path)
    bone, heart = bank.questions
    assert bone.media == ("femur x-ray.png", "uttal.mp3")  # the answer's picture would give it away
    assert bone.prompt["en"] == "Which bone is this? [image: femur x-ray.png] [sound: uttal.mp3]"
    assert heart.media == ()
    assert read_media(path, bank_media_names(bank)) == {"femur x-ray.png": PNG, "uttal.mp3": MP3}


def test_a_sound_the_package_lacks_is_dropped_not_listed(tmp_path: Path) -> None:
    path = write_media_package(tmp_path / "a.apkg", ANATOMY_NOTES, ANATOMY_FILES[:1], latest=True)
    bone = import_anki(path).questions[0]
    assert bone.media == ("femur x-ray.png",)
    assert bone.prompt["en"] == "Which bone is this? [image: femur x-ray.png]"


def test_a_cloze_hides_its_picture_and_media_keep_their_order(tmp_path: Path) -> None:
    notes = [
        Note(
            ['[sound:uttal.mp3] {{c1::<img src="answer.png">}} is shown on <img src="femur x-ray.png">', ""],
            guid="cloze1",
            note_type=CLOZE,
            deck=10,
        )
    ]
    question = import_anki(
        write_media_package(tmp_path / "c.apkg", notes, ANATOMY_FILES, latest=False)
    ).questions[0]
    assert question.media == ("uttal.mp3", "femur x-ray.png")
    assert question.prompt["en"] == "[sound: uttal.mp3] _____ is shown on [image: femur x-ray.png]"
    assert question.reference_answer["en"] == "[image: answer.png] is shown on [image: femur x-ray.png]"


def test_hostile_anki_media_names_stay_inside_the_media_folder(tmp_path: Path) -> None:
    notes = [
        Note(['Where? <img src="../../x.png"> <img src="..">', "Here."], guid="evil1", deck=10),
        Note(['And? <img src="C:\\Windows\\x.png">', "There."], guid="evil2", deck=10),
    ]
    files = [("../../x.png", PNG), ("..", MP3), ("C:\\Windows\\x.png", OTHER_PNG)]
    path = write_media_package(tmp_path / "evil.apkg", notes, files, latest=False)
    bank = import_anki(path)
    assert [question.media for question in bank.questions] == [("x.png",), ("x-2.png",)]
    assert [question.prompt["en"] for question in bank.questions] == [
        "Where? [image: x.png] [image: ..]",
        "And? [image: x-2.png]",
    ]
    banks = tmp_path / "banks"
    catalog = BankCatalog(banks, bundled_dir=tmp_path / "none")
    catalog.install(bank, media=read_media(path, bank_media_names(bank)))
    written = sorted(str(file.relative_to(tmp_path)) for file in tmp_path.rglob("*") if file.is_file())
    assert written == [
        "banks/anatomy.media/x-2.png",
        "banks/anatomy.media/x.png",
        "banks/anatomy.yaml",
        "evil.apkg",
        "evil.apkg.collection",
    ]
    assert catalog.media_files("anatomy").get("x-2.png") == banks / "anatomy.media" / "x-2.png"
    assert (banks / "anatomy.media" / "x-2.png").read_bytes() == OTHER_PNG
    assert catalog.media_files("anatomy").get("../anatomy.yaml") is None


def test_plain_media_names() -> None:
    assert plain_media_name("dir/sub\\pic.png") == "pic.png"
    assert plain_media_name("a:b\x00c.png") == "a_b_c.png"
    assert plain_media_name(" .. ") is None
    assert plain_media_name("x" * 300 + ".png") == "x" * 251 + ".png"  # 255 characters


def test_corrupt_anki21b_media_list_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.apkg"
    write_media_package(path, ANATOMY_NOTES, [], latest=True)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("media.tmp", b"")  # keep the zip valid; replace the list below
    broken = tmp_path / "broken.apkg"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "media":
                data = zstandard.ZstdCompressor().compress(b"\x0a\x50\x0a")  # entry longer than the message
            target.writestr(item, data)
    with pytest.raises(InputFileError, match="media list is corrupt"):
        import_anki(broken)


def _moodle(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'


def _essay(name: str, text: str, files: str, feedback_files: str = "") -> str:
    return f"""<question type="essay">
<name><text>{name}</text></name>
<questiontext format="html"><text><![CDATA[{text}]]></text>{files}</questiontext>
<generalfeedback format="html"><text>Answer shown after.</text>{feedback_files}</generalfeedback>
<graderinfo format="html"><text>A reference answer about the picture.</text></graderinfo>
</question>"""


def _file(name: str, content: bytes) -> str:
    encoded = base64.b64encode(content).decode("ascii")
    wrapped = "\n".join(encoded[index : index + 76] for index in range(0, len(encoded), 76))
    return f'<file name="{name}" path="/" encoding="base64">{wrapped}</file>'


def test_moodle_embedded_files_get_bank_wide_names_and_decode(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xml"
    path.write_text(
        _moodle(
            _essay(
                "Diagram",
                '<p>Explain <img src="@@PLUGINFILE@@/image.png" alt="a diagram"></p>',
                _file("image.png", PNG),
                feedback_files=_file("solution.png", OTHER_PNG),
            )
            + _essay("Other", '<p><img src="@@PLUGINFILE@@/image.png"></p>', _file("image.png", OTHER_PNG))
            + _essay("Same", '<p><img src="@@PLUGINFILE@@/image.png"></p>', _file("image.png", PNG))
        ),
        encoding="utf-8",
    )
    bank = import_moodle_xml(path)
    assert [question.media for question in bank.questions] == [
        ("image.png",),
        ("image-2.png",),
        ("image.png",),
    ]
    assert bank.questions[0].prompt["en"] == "Explain [image: a diagram]"
    assert bank.questions[1].prompt["en"] == "[image: image-2.png]"  # named as the student will find it
    assert read_media(path, bank_media_names(bank)) == {"image.png": PNG, "image-2.png": OTHER_PNG}


def test_moodle_19_image_base64_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    encoded = base64.b64encode(PNG).decode("ascii")
    path.write_text(
        _moodle(
            f"""<question type="shortanswer"><name><text>Old</text></name>
<questiontext format="html"><text>Name the organ.</text></questiontext>
<image>pics/heart.png</image><image_base64>{encoded}</image_base64>
<answer fraction="100"><text>heart</text></answer></question>"""
        ),
        encoding="utf-8",
    )
    question = import_moodle_xml(path).questions[0]
    assert (question.prompt["en"], question.media) == (
        "Name the organ.\n\n[image: heart.png]",
        ("heart.png",),
    )
    assert read_media(path, question.media) == {"heart.png": PNG}


def test_moodle_file_that_is_not_base64_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xml"
    bad = '<file name="x.png" path="/" encoding="base64">not*base64</file>'
    path.write_text(_moodle(_essay("Bad", "<p>See the picture.</p>", bad)), encoding="utf-8")
    bank = import_file(path)
    assert bank.questions[0].media == ("x.png",)
    with pytest.raises(InputFileError, match=r"quiz.xml:5: embedded file 'x.png' is not valid base64"):
        read_media(path, ["x.png"])


def _bank_with_media(tmp_path: Path) -> tuple[Bank, dict[str, bytes]]:
    path = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    bank = import_anki(path)
    return bank, read_media(path, bank_media_names(bank))


def test_install_writes_media_beside_the_bank_and_replaces_it_exactly(tmp_path: Path) -> None:
    bank, media = _bank_with_media(tmp_path)
    banks = tmp_path / "banks"
    catalog = BankCatalog(banks, bundled_dir=tmp_path / "none")
    target = catalog.install(bank, media=media)
    assert sorted(path.name for path in (banks / "anatomy.media").iterdir()) == [
        "femur x-ray.png",
        "uttal.mp3",
    ]
    assert catalog.media_files(bank.id).get("uttal.mp3") == banks / "anatomy.media" / "uttal.mp3"
    assert read_native(target) == bank

    fewer = Bank.model_validate(
        {**bank.model_dump(), "questions": [{**bank.questions[0].model_dump(), "media": ["uttal.mp3"]}]}
    )
    catalog.install(fewer, replace=True, media=media)
    assert [path.name for path in (banks / "anatomy.media").iterdir()] == ["uttal.mp3"]
    assert sorted(path.name for path in banks.iterdir()) == ["anatomy.media", "anatomy.yaml"]


def test_install_that_fails_half_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank, media = _bank_with_media(tmp_path)
    banks = tmp_path / "banks"
    catalog = BankCatalog(banks, bundled_dir=tmp_path / "none")
    real_write = loader._write_media_file
    calls: list[Path] = []

    def disk_full_on_second(path: Path, content: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(path, content)

    monkeypatch.setattr(loader, "_write_media_file", disk_full_on_second)
    with pytest.raises(OSError, match="No space left"):
        catalog.install(bank, media=media)
    assert list(banks.iterdir()) == []

    monkeypatch.setattr(loader, "_write_media_file", real_write)
    catalog.install(bank, media=media)
    before = {path: path.read_bytes() for path in banks.rglob("*") if path.is_file()}
    changed = Bank.model_validate({**bank.model_dump(), "title": "Changed"})

    def fail_the_bank_file(_bank: Bank) -> str:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(loader, "dump_yaml", fail_the_bank_file)
    with pytest.raises(OSError, match="I/O error"):
        catalog.install(changed, replace=True, media={**media, "uttal.mp3": b"new sound"})
    assert {path: path.read_bytes() for path in banks.rglob("*") if path.is_file()} == before
    assert sorted(path.name for path in banks.iterdir()) == ["anatomy.media", "anatomy.yaml"]


def test_install_refuses_media_it_was_not_given(tmp_path: Path) -> None:
    bank, media = _bank_with_media(tmp_path)
    catalog = BankCatalog(tmp_path / "banks", bundled_dir=tmp_path / "none")
    with pytest.raises(TentaError, match=r"no content given for media 'uttal\.mp3'"):
        catalog.install(bank, media={"femur x-ray.png": media["femur x-ray.png"]})
    assert list((tmp_path / "banks").iterdir()) == []


def test_native_banks_round_trip_media_and_read_it_from_beside_the_file(tmp_path: Path) -> None:
    bank, media = _bank_with_media(tmp_path)
    for dump, suffix in ((dump_yaml, ".yaml"), (dump_json, ".json")):
        exported = tmp_path / f"copy{suffix}"
        exported.write_text(dump(bank), encoding="utf-8")
        assert read_native(exported) == bank
    exported = tmp_path / "copy.yaml"
    with pytest.raises(
        InputFileError, match=r"media 'femur x-ray\.png' is listed but not in the media folder"
    ):
        read_media(exported, bank_media_names(bank))
    (tmp_path / "copy.media").mkdir()
    for name, content in media.items():
        (tmp_path / "copy.media" / name).write_bytes(content)
    assert read_media(exported, bank_media_names(bank)) == media


def test_a_media_file_named_like_a_bank_is_not_loaded_as_one(tmp_path: Path) -> None:
    bank, media = _bank_with_media(tmp_path)
    banks = tmp_path / "banks"
    catalog = BankCatalog(banks, bundled_dir=tmp_path / "none")
    catalog.install(bank, media=media)
    (banks / "anatomy.media" / "bank.yaml").write_text("id: broken\n", encoding="utf-8")
    catalog.refresh()
    assert catalog.bank_ids() == ["anatomy"] and catalog.problems() == []
