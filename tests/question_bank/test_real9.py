"""Round 9 of exchange files written by other tools, as a teacher switching to tenta brings them. Each test
writes the file in its producer's layout with words of its own (no copied fixture), and reads it through
the same importer `tenta bank import` uses."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.formats.media import read_media
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.conftest import DATA_DIR

runner = CliRunner()

_CANVAS_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="g1" title="Kapitel 3: Överanpassning">
    <section ident="root_section">
      <item ident="i1" title="Fråga">
        <itemmetadata><qtimetadata>
          <qtimetadatafield><fieldlabel>question_type</fieldlabel>
            <fieldentry>multiple_choice_question</fieldentry></qtimetadatafield>
          <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1.0</fieldentry></qtimetadatafield>
        </qtimetadata></itemmetadata>
        <presentation>
          <material><mattext texttype="text/html">&lt;p&gt;Vad är överanpassning?&lt;/p&gt;</mattext>
          </material>
          <response_lid ident="response1" rcardinality="Single"><render_choice>
            <response_label ident="a"><material><mattext texttype="text/plain">Brus inlärt</mattext>
            </material></response_label>
            <response_label ident="b"><material><mattext texttype="text/plain">För lite data</mattext>
            </material></response_label>
          </render_choice></response_lid>
        </presentation>
        <resprocessing>
          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
          <respcondition continue="No"><conditionvar>
            <varequal respident="response1">a</varequal></conditionvar>
            <setvar action="Set" varname="SCORE">100</setvar></respcondition>
        </resprocessing>
      </item>
    </section>
  </assessment>
</questestinterop>
"""


def _canvas_export(path: Path) -> Path:
    """A Canvas quiz export: manifest, the quiz's QTI file and assessment_meta, plus a picture, deflated."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="m1" xmlns="http://www.imsglobal.org/xsd/'
        'imsccv1p1/imscp_v1p1"><resources><resource identifier="g1" type="imsqti_xmlv1p2">'
        '<file href="g1/g1.xml"/><dependency identifierref="g1meta"/></resource></resources></manifest>\n'
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("g1/g1.xml", _CANVAS_ITEM)
        archive.writestr("g1/assessment_meta.xml", "<quiz identifier='g1'><title>Kapitel 3</title></quiz>")
        archive.writestr("web_resources/graf.png", bytes(range(256)) * 64)
    return path


def _cut_short(path: Path) -> Path:
    """The file as a download that stopped half way leaves it: the zip directory at its end is gone."""
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    return path


@pytest.mark.parametrize("name", ["quiz-export.zip", "course-export.imscc", "quiz.qti"])
def test_a_qti_package_cut_short_is_named_damaged_not_text_that_is_no_utf8(
    settings: Settings, tmp_path: Path, name: str
) -> None:
    """A Canvas export whose download stopped half way begins as a zip but has no zip directory: it was
    read as text and refused as 'not UTF-8 text (save the file as UTF-8)', sending the teacher to an
    editor. It is a damaged package to fetch again, and the banks folder stays as it was."""
    whole = _canvas_export(tmp_path / f"whole-{name}")
    assert [q.choices[0].text for q in import_file(whole).questions] == ["Brus inlärt"]
    cut = _cut_short(_canvas_export(tmp_path / name))

    result = runner.invoke(app, ["bank", "import", str(cut)])

    assert result.exit_code != 0
    message = str(result.exception)
    assert message.startswith(f"{cut}: not a QTI package: a damaged or incomplete zip archive")
    assert "UTF-8" not in message
    assert not settings.banks_dir.exists() or list(settings.banks_dir.iterdir()) == []


def _anki_package(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", bytes(range(256)) * 256)
        archive.writestr("media", "{}")
    return path


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Fråga", "Svar"])
    for number in range(200):
        sheet.append([f"Vad är {number} + {number}?", f"{2 * number} (två gånger {number})"])
    workbook.save(path)
    return path


def _backup(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, content in [
            ("moodle_backup.xml", b"<moodle_backup/>"),
            ("files/3f/3f1e", bytes(range(256)) * 512),
            ("questions.xml", b"<question_categories/>"),
        ]:
            member = tarfile.TarInfo(name)
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    return path


@pytest.mark.parametrize(
    ("name", "write", "said"),
    [
        ("kortlek.apkg", _anki_package, "not an Anki package (.apkg/.colpkg): a damaged or incomplete zip"),
        ("samling.colpkg", _anki_package, "not an Anki package (.apkg/.colpkg): a damaged or incomplete zip"),
        ("frågor.xlsx", _workbook, "is not an Excel workbook (a damaged or incomplete zip archive"),
        ("course-7.mbz", _backup, "not a Moodle backup (.mbz): a damaged or incomplete archive"),
    ],
)
def test_other_packages_cut_short_say_so(tmp_path: Path, name: str, write: object, said: str) -> None:
    """The same for an Anki package, a workbook and a Moodle course backup (a large .mbz download is the
    likeliest to stop half way): they said 'not a readable zip archive', '(not a zip archive)' and
    'neither a gzipped tar nor a zip archive', which a file that is one, damaged, is not."""
    assert callable(write)
    cut = _cut_short(write(tmp_path / name))
    with pytest.raises(InputFileError) as raised:
        import_file(cut)
    assert str(raised.value).startswith(f"{cut}: {said}")
    assert "cut short in a download or copy? Fetch it again" in str(raised.value)


def test_files_that_are_no_archive_at_all_are_still_named_so(tmp_path: Path) -> None:
    """Only a file that begins as an archive is called damaged: text saved under a package's name is no
    archive, and an empty .zip is no zip."""
    text = tmp_path / "frågor.apkg"
    text.write_text("Fråga;Svar\n", encoding="utf-8")
    empty = tmp_path / "tom.zip"
    empty.write_bytes(b"")
    backup = tmp_path / "kurs.mbz"
    backup.write_text("<moodle_backup/>", encoding="utf-8")
    for path, said in [
        (text, "not an Anki package (.apkg/.colpkg): not a readable zip archive"),
        (empty, "not a QTI package: not a readable zip archive"),
        (backup, "not a Moodle backup (.mbz): neither a gzipped tar nor a zip archive"),
    ]:
        with pytest.raises(InputFileError) as raised:
            import_file(path)
        assert str(raised.value) == f"{path}: {said}"


def test_a_blackboard_upload_file_saved_by_excel_reads_its_quoted_cells_as_excel_showed_them(
    tmp_path: Path,
) -> None:
    """Blackboard says to write the Upload Questions file in Excel; saved as Text (Tab delimited) Excel
    puts a cell holding a straight quote in quotes and doubles the quote. The prompt was imported as
    '"Vad skriver print(""hej"")?"' and the choice with three quotes a side. A cell whose author
    wrapped a quotation in quotes keeps them."""
    lines = [
        'MC\t"Vad skriver print(""hej"")?"\thej\tcorrect\t"""hej"""\tincorrect\t\t',
        'TF\t"Cogito, ergo sum" skrev Descartes.\ttrue\t\t\t\t',
        'FIB\t"Vilket ord saknas i ""Att vara eller ___ vara""?"\tinte\t\t\t\t',
        'ESS\tVad är ett "hygge"?\t"Ett ""hygge"" är en kalavverkad skog."\t\t\t\t',
    ]
    path = tmp_path / "frågor för blackboard.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))

    print_, cogito, blank, hygge = import_file(path).questions

    assert print_.prompt == {"sv": 'Vad skriver print("hej")?'}
    assert [(c.text, c.fraction) for c in print_.choices] == [("hej", 1.0), ('"hej"', 0.0)]
    assert cogito.prompt == {"sv": '"Cogito, ergo sum" skrev Descartes.'}
    assert blank.prompt == {"sv": 'Vilket ord saknas i "Att vara eller ___ vara"?'}
    assert [c.text for c in blank.choices] == ["inte"]
    assert hygge.reference_answer == {"sv": 'Ett "hygge" är en kalavverkad skog.'}


def test_a_blackboard_upload_file_with_every_text_cell_quoted_is_recognised_and_unquoted(
    tmp_path: Path,
) -> None:
    """LibreOffice's 'Quote all text cells' quotes the type code too: the file was not recognised as an
    upload file at all (read as a Markdown exam and refused)."""
    path = tmp_path / "pool.txt"
    path.write_text(
        '"MC"\t"Vilken stad är störst?"\t"Stockholm"\t"correct"\t"Malmö"\t"incorrect"\n'
        '"TF"\t"Göteborg ligger vid Östersjön."\t"false"\n',
        encoding="utf-8",
    )

    city, coast = import_file(path).questions

    assert city.prompt == {"sv": "Vilken stad är störst?"}
    assert [(c.text, c.fraction) for c in city.choices] == [("Stockholm", 1.0), ("Malmö", 0.0)]
    assert [(c.text, c.fraction) for c in coast.choices] == [("True", 0.0), ("False", 1.0)]


def test_an_anki_text_export_names_the_pictures_and_sounds_its_cards_showed(tmp_path: Path) -> None:
    """Anki's 'Notes in Plain Text' (#html:true) keeps a field's `<img src="…">` and `[sound:…]` but no
    media: the picture became a bare '[image]' and the sound stayed Anki's own '[sound:uttal_1.mp3]',
    so nothing told which picture was meant. They read as the .apkg importer shows them."""
    path = tmp_path / "Svenska__Glosor.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#tags column:3\n"
        'Vilket land visar kartan?<br><img src="karta%20sverige.jpg">\tSverige\tgeografi\n'
        "Vad säger rösten? [sound:uttal_1.mp3]\t<i>hej</i>\tspråk\n",
        encoding="utf-8",
    )

    country, voice = import_file(path).questions

    assert country.prompt == {"sv": "Vilket land visar kartan?\n[image: karta sverige.jpg]"}
    assert voice.prompt == {"sv": "Vad säger rösten? [sound: uttal_1.mp3]"}
    assert voice.reference_answer == {"sv": "hej"}


class _UnflaggedName(zipfile.ZipInfo):
    """A member named as macOS's Compress (and Moodle 1.9's zip) names it: the name's UTF-8 bytes without
    the flag (general purpose bit 11) that says they are UTF-8."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


class _OemName(zipfile.ZipInfo):
    """A member named as Windows's compressed folders name it on a Swedish system: code page 850."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("cp850"), self.flag_bits & ~0x800


_QTI21_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="alg" title="Älgen"
    adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse></responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody><p>Vilket djur syns på bilden? <img src="../bilder/älg i skog.png" alt=""/></p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <simpleChoice identifier="A">Älg</simpleChoice><simpleChoice identifier="B">Ren</simpleChoice>
    </choiceInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
"""
_QTI21_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="export">
  <resources>
    <resource identifier="alg" type="imsqti_item_xmlv2p1" href="frågor/älgen.xml">
      <file href="frågor/älgen.xml"/><file href="bilder/älg i skog.png"/>
    </resource>
  </resources>
</manifest>
"""


@pytest.mark.parametrize(
    ("member", "form"),
    [(_UnflaggedName, "NFD"), (_UnflaggedName, "NFC"), (_OemName, "NFC")],
    ids=["macos-compress", "utf8-unflagged", "windows-compressed-folder"],
)
def test_a_qti_package_zipped_again_on_a_mac_finds_its_swedish_named_files(
    tmp_path: Path, member: type[zipfile.ZipInfo], form: str
) -> None:
    """A teacher unpacks an ONYX/Inspera QTI export, fixes a typo and zips the folder again with the
    Finder's Compress: the names are decomposed UTF-8 without the zip flag saying so, which Python reads
    as cp437 ('fr├Ñgor/...'), so the manifest's 'frågor/älgen.xml' matched no member and the import said
    'no QTI questions found'. Windows's compressed folders (code page 850) kept working and still do."""
    import unicodedata

    picture = bytes(range(256))
    path = tmp_path / "Älgfrågor.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in [
            ("imsmanifest.xml", _QTI21_MANIFEST.encode()),
            ("frågor/älgen.xml", _QTI21_ITEM.encode()),
            ("bilder/älg i skog.png", picture),
        ]:
            info = member(unicodedata.normalize(form, name))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    notes: list[str] = []

    (moose,) = import_file(path, notes=notes).questions

    assert notes == []
    assert moose.prompt == {"sv": "Vilket djur syns på bilden? [image: älg i skog.png]"}
    assert [(c.text, c.fraction) for c in moose.choices] == [("Älg", 1.0), ("Ren", 0.0)]
    assert moose.media == ("älg i skog.png",)
    assert read_media(path, moose.media) == {"älg i skog.png": picture}


def test_a_moodle_19_backup_zip_finds_course_files_with_swedish_names(tmp_path: Path) -> None:
    """Moodle 1.9 zipped its backups with the course files under their UTF-8 names, unflagged: a picture
    in course_files/bilder/älg.png was read as missing and only named."""
    backup = DATA_DIR / "moodle19_backup"
    moodle_xml = (
        (backup / "moodle.xml").read_text(encoding="utf-8").replace("pics/cell.png", "bilder/älg.png")
    )
    picture = (backup / "course_files/pics/cell.png").read_bytes()
    path = tmp_path / "backup-bio101-20100315-0942.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(_UnflaggedName("moodle.xml"), moodle_xml)
        archive.writestr(_UnflaggedName("course_files/bilder/älg.png"), picture)

    moose = next(question for question in import_file(path, "moodle-xml").questions if question.media)

    assert moose.media == ("älg.png",)
    assert read_media(path, moose.media, "moodle-xml") == {"älg.png": picture}


def test_moodle_auto_format_text_shows_its_character_references_as_moodle_does(tmp_path: Path) -> None:
    """Moodle passes auto-format text to the browser as HTML, so a teacher who wants '<b>' shown types
    `&lt;b&gt;`, and Moodle 1.9's editor wrote 'ä' as `&auml;`. Without a tag in the text these stayed
    as written ('Vad gör taggen &lt;b&gt;?'), unlike the same text with a tag or in HTML format. Plain
    text format is shown as written by Moodle too, and 'R&D' is no reference."""
    xml = tmp_path / "html-kurs.xml"
    xml.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="shortanswer">
    <name><text>Taggen b</text></name>
    <questiontext format="moodle_auto_format"><text>Vad g&amp;ouml;r taggen &amp;lt;b&amp;gt;?
Svara med ett ord (R&amp;D-avdelningen vet).</text></questiontext>
    <generalfeedback format="moodle_auto_format"><text>&amp;lt;b&amp;gt; &amp;auml;r fetstil.</text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>fetstil</text>
      <feedback format="moodle_auto_format"><text>R&amp;auml;tt!</text></feedback></answer>
    <answer fraction="0" format="plain_text"><text>&amp;lt;strong&amp;gt;</text>
      <feedback format="plain_text"><text>&amp;lt;strong&amp;gt; &#228;r n&#229;got annat</text>
      </feedback></answer>
  </question>
</quiz>
""",
        encoding="utf-8",
    )
    gift = tmp_path / "html-kurs.gift"
    gift.write_text(
        "::Taggen i::[moodle]Vad g&ouml;r taggen &lt;i&gt;?{=kursiv#R&auml;tt}\n\n"
        "::Taggen u::Vad g&ouml;r &lt;u&gt; &amp; &lt;s&gt; (R&D)?{=understrykning}\n\n"
        "::Rå text::[plain]Skriv &lt; som HTML{=&amp;lt;}\n",
        encoding="utf-8",
    )

    (bold,) = import_file(xml).questions
    italic, underline, raw = import_file(gift).questions

    assert bold.prompt == {"sv": "Vad gör taggen <b>?\nSvara med ett ord (R&D-avdelningen vet)."}
    assert bold.general_feedback == "<b> är fetstil."
    assert [(c.text, c.feedback) for c in bold.choices] == [
        ("fetstil", "Rätt!"),
        ("&lt;strong&gt;", "&lt;strong&gt; är något annat"),
    ]
    assert italic.prompt == {"sv": "Vad gör taggen <i>?"}
    assert [(c.text, c.feedback) for c in italic.choices] == [("kursiv", "Rätt")]
    assert underline.prompt == {"sv": "Vad gör <u> & <s> (R&D)?"}
    assert raw.prompt == {"sv": "Skriv &lt; som HTML"}


def test_an_unpacked_qti_export_is_read_from_its_folder_or_its_manifest_as_from_the_zip(
    tmp_path: Path,
) -> None:
    """Safari on a Mac unpacks a downloaded .zip by itself, so the teacher has the Inspera export as a
    folder: importing it said 'is a directory, expected a file', and its imsmanifest.xml 'not a Moodle
    XML question export: the root element is <manifest>'. Both now read as the zipped package does."""
    folder = DATA_DIR / "qti_inspera"
    package = tmp_path / "inspera-export.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    zipped = import_file(package, skipped=[])

    for path in (folder, folder / "imsmanifest.xml"):
        unpacked = import_file(path, skipped=[])
        assert (unpacked.title, unpacked.questions) == (zipped.title, zipped.questions)
        assert unpacked.title == "Djupinlärning DT2024 – omtenta"


def test_an_unpacked_package_takes_its_pictures_from_its_folder(settings: Settings, tmp_path: Path) -> None:
    """`tenta bank import <folder>`: the picture the item shows comes from the folder, as from the zip."""
    folder = tmp_path / "Älgfrågor"
    (folder / "frågor").mkdir(parents=True)
    (folder / "bilder").mkdir()
    (folder / "imsmanifest.xml").write_text(_QTI21_MANIFEST, encoding="utf-8")
    (folder / "frågor" / "älgen.xml").write_text(_QTI21_ITEM, encoding="utf-8")
    picture = bytes(range(256))
    (folder / "bilder" / "älg i skog.png").write_bytes(picture)

    result = runner.invoke(app, ["bank", "import", str(folder)])

    assert result.exit_code == 0, result.output
    assert "imported 'algfragor' (1 questions, 1 media files)" in result.stdout
    assert (settings.banks_dir / "algfragor.media" / "älg i skog.png").read_bytes() == picture


def test_a_folder_without_a_manifest_or_a_manifest_reaching_outside_is_not_read(tmp_path: Path) -> None:
    """Only a folder holding imsmanifest.xml is a package; a file the manifest names outside its folder is
    not read (the item beside the folder stays unread, so nothing is found)."""
    with pytest.raises(InputFileError, match="is a directory, expected a file"):
        import_file(tmp_path)
    folder = tmp_path / "export"
    folder.mkdir()
    (tmp_path / "älgen.xml").write_text(_QTI21_ITEM, encoding="utf-8")
    (folder / "imsmanifest.xml").write_text(
        _QTI21_MANIFEST.replace("frågor/älgen.xml", "../älgen.xml"), encoding="utf-8"
    )
    with pytest.raises(InputFileError, match="no QTI questions found"):
        import_file(folder)


def test_a_csv_saved_by_excel_for_mac_in_mac_roman_keeps_its_swedish_letters(tmp_path: Path) -> None:
    """Excel for Mac saves 'Comma Separated Values (.csv)' in Mac Roman with CR line ends: 'Fråga' is
    b'Fr\\x8cga', which was read as Windows-1252, so the header was an unknown column 'FrŒga' and every
    'ä' an 'Š'. The file's letters tell Mac Roman from Windows-1252."""
    rows = [
        "Fråga;Svar;Poäng;Ämne",
        "Vad är överanpassning?;När modellen lär sig brus – inte mönster;1;Maskininlärning",
        "Vad betyder “café” på svenska?;Ett kafé… eller fik;1;Språk",
    ]
    path = tmp_path / "frågor från mac.csv"
    path.write_bytes(("\r".join(rows) + "\r").encode("mac_roman"))

    overfit, cafe = import_file(path).questions

    assert overfit.prompt == {"sv": "Vad är överanpassning?"}
    assert overfit.reference_answer == {"sv": "När modellen lär sig brus – inte mönster"}
    assert overfit.topics == ("Maskininlärning",)
    assert cafe.prompt == {"sv": "Vad betyder “café” på svenska?"}
    assert cafe.reference_answer == {"sv": "Ett kafé… eller fik"}


@pytest.mark.parametrize(
    "text",
    [
        "Fråga;Svar\nVad är en räksmörgås?;En smörgås med räkor – gott\n",
        "question,answer\nWhat’s “overfitting”?,Learning the noise… not the signal — and Š?\n",
    ],
    ids=["swedish", "english-with-curly-quotes"],
)
def test_a_windows_1252_csv_still_reads_as_windows_1252(tmp_path: Path, text: str) -> None:
    """Windows-1252 files, Swedish or English whose only bytes beyond ASCII are quotes and dashes, read as
    before."""
    path = tmp_path / "rows.csv"
    path.write_bytes(text.encode("cp1252"))
    (question,) = import_file(path).questions
    _, row = text.splitlines()
    prompt, answer = row.split(";" if ";" in row else ",")
    assert (question.prompt_in("sv"), question.reference_in("sv")) == (prompt, answer)


def test_a_moodle_picture_the_export_does_not_hold_is_named_in_the_notes(tmp_path: Path) -> None:
    """A picture pasted into a question from another Moodle page keeps that page's address
    (pluginfile.php/…), and Moodle exports no file for it; an @@PLUGINFILE@@ picture whose <file> is
    missing is the same loss. Both were left out without a word (the prompt only said '[image: karta]'),
    unlike in QTI packages. An embedded picture gives no note."""
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    path = tmp_path / "geografi.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="shortanswer">
    <name><text>Kartan</text></name>
    <questiontext format="html"><text><![CDATA[<p>Vilket land? <img
      src="https://moodle.exempel.se/pluginfile.php/2291/mod_page/content/3/karta%20norden.png" alt="karta"
      width="400"></p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>Sverige</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Flaggan</text></name>
    <questiontext format="html"><text><![CDATA[<p>Vems flagga? <img src="@@PLUGINFILE@@/flagga.png"></p>]]>
    </text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<p><img src="@@PLUGINFILE@@/sverige.png"
      alt="Sverige"></p>]]></text>
      <file name="sverige.png" path="/" encoding="base64">{png}</file></answer>
    <answer fraction="0" format="html"><text>Norge</text></answer>
  </question>
</quiz>
""",
        encoding="utf-8",
    )
    notes: list[str] = []

    map_question, flag = import_file(path, notes=notes).questions

    assert notes == [
        f"{path}:3: Kartan: picture 'https://moodle.exempel.se/pluginfile.php/2291/mod_page/content/3/"
        "karta%20norden.png' is on the web, which tenta does not fetch; left out (the text still names it)",
        f"{path}:11: Flaggan: picture 'flagga.png' is not in the export; left out (the text still names it)",
    ]
    assert map_question.prompt == {"sv": "Vilket land? [image: karta]"}
    assert flag.media == ("sverige.png",)


def test_a_moodle_gift_export_names_the_pictures_it_left_behind(tmp_path: Path) -> None:
    """Moodle's GIFT export writes a question's HTML with its <img src="@@PLUGINFILE@@/…"> but no file:
    GIFT is text only. The picture was dropped without a word; the note now says so and where to get it."""
    path = tmp_path / "kartor.gift"
    path.write_text(
        "// question: 381  name: Kartan\n"
        '::Kartan::[html]<p>Vilket land visar kartan? <img src\\="@@PLUGINFILE@@/karta%20norden.png" '
        'alt\\="" width\\="300"></p>{\n\t=Sverige\n\t~Norge\n}\n\n'
        "::Utan bild::Vilket land har flest invånare?{=Sverige ~Norge}\n",
        encoding="utf-8",
    )
    notes: list[str] = []

    with_picture, without = import_file(path, notes=notes).questions

    assert notes == [
        f"{path}:2: Kartan: picture 'karta norden.png' is not in the file: GIFT holds no pictures "
        "(export the questions as Moodle XML to keep them); left out (the text still names it)"
    ]
    assert with_picture.prompt == {"sv": "Vilket land visar kartan? [image: karta norden.png]"}
    assert without.media == ()


def test_a_blackboard_numeric_answer_with_a_decimal_comma_from_swedish_excel_is_a_number(
    tmp_path: Path,
) -> None:
    """Excel in Swedish writes 2,5 for two and a half, so a NUM line's answer and tolerance came as '2,5'
    and '0,1' and the line was refused ("'2,5 0,1' is not a number"). '1,500' is 1.5 in Swedish but 1500
    in English, so it is refused naming both."""
    path = tmp_path / "fysik.txt"
    path.write_bytes(
        "NUM\tHur många meter är 2,5 km?\t2500\t\t\r\n"
        "NUM\tVad är g i m/s² med en decimal?\t9,8\t0,05\t\r\n"
        "NUM\tVad är pi med två decimaler?\t3.14\t0.005\t\r\n".encode("cp1252")
    )
    km, gravity, pi = import_file(path).questions
    assert [(n.value, n.tolerance) for q in (km, gravity, pi) for n in q.numerical] == [
        (2500.0, 0.0),
        (9.8, 0.05),
        (3.14, 0.005),
    ]

    ambiguous = tmp_path / "tal.txt"
    ambiguous.write_text("NUM\tHur många gram är 1,5 kg?\t1,500\n", encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        import_file(ambiguous)
    assert str(raised.value) == f"{ambiguous}:1: NUM: '1,500' could be 1.5 or 1500: write it with a point"


def test_an_anki_notes_export_reads_past_a_notes_further_fields(tmp_path: Path) -> None:
    """Anki's 'Basic (optional reversed card)' has a third field, Add Reverse, which holds 'y' on notes
    that get a reversed card. In a 'Notes in Plain Text' export that third column was read as tenta's key
    points column, so the note's only key point was 'y' and answers were graded against it. Fields after a
    note's first two are its own (as the .apkg importer reads them past); the key points come from the
    answer. An Excel `sep=;` file keeps tenta's documented column order."""
    anki = tmp_path / "Svenska ord.txt"
    anki.write_text(
        "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:6\n"
        "Basic (optional reversed card)\tSvenska\thund\ten hund är ett djur som skäller\ty\tdjur\n"
        "Basic (optional reversed card)\tSvenska\tkatt\ten katt är ett djur som jamar\t\tdjur\n",
        encoding="utf-8",
    )
    excel = tmp_path / "frågor.csv"
    excel.write_text(
        "sep=;\nVad gör en hund?;Den skäller och vaktar;skäller | vaktar;2;Djur\n", encoding="utf-8"
    )

    two_fields = tmp_path / "Svenska ord, Basic.txt"
    two_fields.write_text(
        "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:5\n"
        "Basic\tSvenska\thund\ten hund är ett djur som skäller\tdjur\n",
        encoding="utf-8",
    )

    dog, cat = import_file(anki).questions
    (plain_dog,) = import_file(two_fields).questions
    (barks,) = import_file(excel).questions

    assert dog.reference_answer == {"sv": "en hund är ett djur som skäller"}
    assert "y" not in [point.text for point in dog.rubric]
    assert dog.rubric == plain_dog.rubric  # proposed from the answer, as for a two-field note
    assert (dog.topics, cat.topics) == (("djur",), ("djur",))
    assert [point.text for point in barks.rubric] == ["skäller", "vaktar"]
    assert (barks.max_points, barks.topics) == (2.0, ("Djur",))
