"""PDF: one file per student to print or upload, as Gradescope hands graded exams back.

Text is drawn in DejaVu Sans (DejaVu Sans Mono for code) when the machine has it: Debian and Ubuntu ship
it as fonts-dejavu-core, which most installs have. It covers Swedish and the other European alphabets,
Greek, Cyrillic and the marks we use (✓ ◐ ✗). Without it the PDF core fonts Helvetica and Courier are
used, which cover Windows-1252 (å ä ö é ü, “quotes”, – —, €). A character the font lacks, or a control
character, is approximated: accents dropped, Greek letters spelled out, ✓ → +, anything else '?'; so no
text can stop the PDF. Every text is drawn as text (no markup is read), and a block longer than
MAX_BLOCK_CHARACTERS is cut with a note pointing to the Markdown or HTML export: a megabyte would be
hundreds of pages and minutes of layout.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from question_bank.grade_scales import describe_scale
from quiz.scores import format_score
from quiz.teacher.feedback.model import (
    FeedbackExam,
    PointFeedback,
    QuestionFeedback,
    QuestionState,
    Reference,
    StudentFeedback,
)
from quiz.teacher.feedback.wording import (
    Words,
    bank_line,
    grade_line,
    index_status,
    index_total,
    passage_line,
    point_status,
    question_label,
    reference_point_line,
    score_line,
    student_heading,
    summary_cells,
    teacher_line,
    text_segments,
    total_line,
    words_for,
)

MAX_BLOCK_CHARACTERS = 40_000
"""About fifteen pages of one answer; the rest is named, not drawn."""
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path("/Library/Fonts"),
    Path.home() / "Library/Fonts",
)
"""Where Debian/Ubuntu, Fedora, Arch, a user's own fonts and macOS keep DejaVu."""
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "mono": "DejaVuSansMono.ttf",
}
SYMBOLS = {
    "✓": "+",
    "◐": "~",
    "✗": "x",
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "↔": "<->",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "−": "-",
    "∞": "inf",
    "√": "sqrt",
    "∑": "sum",
    "∈": "in",
    "\t": "    ",
}
"""Plain-text stand-ins for symbols a font may lack."""
UNDRAWABLE = frozenset({"Cc", "Cs", "Co", "Cn"})
"""Control codes, lone surrogates, private-use and unassigned code points: never sent to the font."""

LINE = 5.0
MARGIN = 18.0
ANSWER_FILL = (245, 245, 245)
COMMENT_FILL = (255, 248, 225)
REFERENCE_FILL = (238, 246, 238)
CODE_FILL = (232, 232, 232)
STATUS_COLOURS = {"covered": (27, 110, 32), "partial": (138, 90, 0), "missing": (176, 0, 32)}


def find_font_files(folders: Sequence[Path] = FONT_FOLDERS) -> dict[str, Path] | None:
    """DejaVu Sans regular, bold, oblique and mono, each from the first folder that has it; None when
    any is missing (the core fonts are used then)."""
    found: dict[str, Path] = {}
    for style, name in FONT_FILES.items():
        path = next((folder / name for folder in folders if (folder / name).is_file()), None)
        if path is None:
            return None
        found[style] = path
    return found


class Glyphs:
    """The characters one font can draw: a TrueType font's character map, or Windows-1252 for core fonts."""

    def __init__(self, codepoints: frozenset[int] | None) -> None:
        self.codepoints = codepoints
        self.approximations: dict[str, str] = {}

    def __contains__(self, char: str) -> bool:
        if unicodedata.category(char) in UNDRAWABLE:
            return False
        if self.codepoints is not None:
            return ord(char) in self.codepoints
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True

    def approximate(self, char: str) -> str:
        """A stand-in the font can draw: a symbol's ASCII form, the letter without its accent, a Greek
        letter's name, else '?'."""
        if char not in self.approximations:
            self.approximations[char] = self._approximate(char)
        return self.approximations[char]

    def _approximate(self, char: str) -> str:
        candidates = [
            SYMBOLS.get(char, ""),
            "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)),
            greek_name(char),
        ]
        for candidate in candidates:
            if candidate and candidate != char and all(part in self for part in candidate):
                return candidate
        return "?"

    def printable(self, text: str) -> str:
        """The text as this font can draw it; line breaks kept."""
        normal = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        return "".join(char if char == "\n" or char in self else self.approximate(char) for char in normal)


def greek_name(char: str) -> str:
    """'alpha' for α, 'Sigma' for Σ; '' for anything else."""
    name = unicodedata.name(char, "")
    if not name.startswith("GREEK ") or " LETTER " not in name or len(name.split()) != 4:
        return ""
    word = name.split()[-1].lower()
    return word.capitalize() if "CAPITAL" in name else word


def clipped(text: str) -> tuple[str, int]:
    """The text up to MAX_BLOCK_CHARACTERS and how many characters were left out."""
    if len(text) <= MAX_BLOCK_CHARACTERS:
        return text, 0
    return text[:MAX_BLOCK_CHARACTERS], len(text) - MAX_BLOCK_CHARACTERS


@dataclass(frozen=True)
class Typeface:
    sans: str
    mono: str
    sans_glyphs: Glyphs
    mono_glyphs: Glyphs


class FeedbackPdf(FPDF):
    """An A4 document with the student's name and page numbers in the footer, worded in `words`."""

    def __init__(self, footer_text: str, font_files: Mapping[str, Path] | None, words: Words) -> None:
        super().__init__(format="A4")
        self.words = words
        self.set_margins(MARGIN, 16, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.typeface = self._typeface(font_files)
        self.footer_text = footer_text
        self.set_creator("tenta")

    def _typeface(self, font_files: Mapping[str, Path] | None) -> Typeface:
        if font_files is None:
            self.core_fonts_encoding = "windows-1252"  # what Glyphs(None) checks against
            return Typeface("helvetica", "courier", Glyphs(None), Glyphs(None))
        for style in ("", "B", "I"):
            self.add_font("dejavu", style, str(font_files[style]))
        self.add_font("dejavu-mono", "", str(font_files["mono"]))
        return Typeface("dejavu", "dejavu-mono", self._glyphs("dejavu"), self._glyphs("dejavu-mono"))

    def _glyphs(self, family: str) -> Glyphs:
        font = self.fonts[family]
        return Glyphs(frozenset(font.cmap) if isinstance(font, TTFFont) else None)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.typeface.sans, "", 8)
        self.set_text_color(110, 110, 110)
        text = self.typeface.sans_glyphs.printable(
            f"{self.footer_text} · {self.words.page} {self.page_no()}/{{nb}}"
        )
        self.cell(0, 5, text, align="C")
        self.set_text_color(0, 0, 0)

    # --- drawing ----------------------------------------------------------------------------------

    def text_block(
        self,
        text: str,
        *,
        style: str = "",
        size: float = 10,
        indent: float = 0,
        fill: tuple[int, int, int] | None = None,
        colour: tuple[int, int, int] = (0, 0, 0),
        mono: bool = False,
    ) -> None:
        """Text verbatim over the full width from `indent`, wrapped at spaces (long words are split)."""
        family = self.typeface.mono if mono else self.typeface.sans
        glyphs = self.typeface.mono_glyphs if mono else self.typeface.sans_glyphs
        self.set_font(family, "" if mono else style, size)
        self.set_text_color(*colour)
        if fill is not None:
            self.set_fill_color(*fill)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            0,
            LINE * size / 10,
            glyphs.printable(text),
            align="L",
            fill=fill is not None,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_text_color(0, 0, 0)

    def verbatim(self, text: str, fill: tuple[int, int, int], *, indent: float = 4) -> None:
        """A student's or teacher's text: prose in the sans font, fenced code in mono, cut when huge."""
        shown, left_out = clipped(text)
        for language, lines in text_segments(shown):
            block = "\n".join(lines).strip("\n") if language is None else "\n".join(lines)
            if language is None and not block.strip():
                continue
            self.text_block(
                block,
                indent=indent,
                fill=CODE_FILL if language is not None else fill,
                mono=language is not None,
                size=9 if language is not None else 10,
            )
        if left_out:
            self.text_block(
                self.words.cut.format(count=left_out),
                style="I",
                indent=indent,
                colour=(110, 110, 110),
            )

    def lead_in(self, lead: str, rest: str, colour: tuple[int, int, int], *, indent: float) -> None:
        """`lead` in bold and `colour`, then `rest` in plain black on the same line, wrapped at `indent`."""
        glyphs = self.typeface.sans_glyphs
        self.set_left_margin(MARGIN + indent)
        self.set_x(MARGIN + indent)
        self.set_font(self.typeface.sans, "B", 10)
        self.set_text_color(*colour)
        self.write(LINE, glyphs.printable(lead))
        self.set_font(self.typeface.sans, "", 10)
        self.set_text_color(0, 0, 0)
        self.write(LINE, glyphs.printable(rest))
        self.ln(LINE)
        self.set_left_margin(MARGIN)

    def label(self, text: str) -> None:
        self.ln(1)
        self.text_block(text, style="B", size=10)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        glyphs = self.typeface.sans_glyphs
        self.set_font(self.typeface.sans, "", 9)
        with self.table(col_widths=tuple(widths), text_align="LEFT", line_height=5) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(glyphs.printable(cell))
        self.ln(3)


# --- documents -------------------------------------------------------------------------------------


def pdf_question(pdf: FeedbackPdf, question: QuestionFeedback) -> None:
    words = pdf.words
    pdf.ln(3)
    pdf.text_block(question_label(question, words), style="B", size=13)
    pdf.ln(1)
    pdf.text_block(question.prompt)
    if question.code is not None:
        pdf.ln(1)
        pdf.text_block(question.code.source, mono=True, size=9, fill=CODE_FILL)
    pdf.ln(2)
    pending = question.state in (QuestionState.NOT_GRADED, QuestionState.IN_REVIEW)
    pdf.text_block(score_line(question, words), style="B", colour=(138, 90, 0) if pending else (0, 0, 0))
    pdf_answer(pdf, question)
    if question.reference is not None:
        pdf_reference(pdf, question.reference)


def pdf_answer(pdf: FeedbackPdf, question: QuestionFeedback) -> None:
    """The answer verbatim, the teacher's change and comment, and the key points as graded."""
    words = pdf.words
    if question.answer is None:
        pdf.text_block(words.did_not_answer, style="I", colour=(110, 110, 110))
        return
    pdf.label(words.your_answer)
    if question.answer.strip():
        pdf.verbatim(question.answer, ANSWER_FILL)
    else:
        pdf.text_block(words.empty_answer, style="I", indent=4, colour=(110, 110, 110))
    teacher = teacher_line(question, words)
    if teacher is not None and question.override is not None:
        pdf.ln(1)
        pdf.text_block(teacher, style="I")
        if question.override.comment.strip():
            pdf.label(words.teacher_comment)
            pdf.verbatim(question.override.comment, COMMENT_FILL)
    if question.points:
        pdf.label(words.key_points)
        for point in question.points:
            pdf_point(pdf, point)
    if question.feedback.strip():
        pdf.label(words.feedback)
        pdf.verbatim(question.feedback, COMMENT_FILL)


def pdf_point(pdf: FeedbackPdf, point: PointFeedback) -> None:
    words = pdf.words
    colour = STATUS_COLOURS.get(point.status, (0, 0, 0))
    pdf.ln(1)
    pdf.lead_in(
        point_status(point, words), f" ({format_score(point.points)} p): {point.text}", colour, indent=4
    )
    if point.matched_sentence and point.status != "missing":
        matched = f"{words.in_your_answer}: “{point.matched_sentence}”"
        pdf.text_block(matched, size=9, indent=8, colour=(68, 68, 68))
    if point.passage_source:
        pdf.text_block(passage_line(point, words), size=9, indent=8, colour=(68, 68, 68))


def pdf_reference(pdf: FeedbackPdf, reference: Reference) -> None:
    pdf.label(pdf.words.reference_answer)
    pdf.verbatim(reference.answer or "–", REFERENCE_FILL)
    if reference.points:
        pdf.label(pdf.words.rubric)
        for point in reference.points:
            pdf.text_block(f"• {reference_point_line(point)}", indent=4)


def render_pdf(student: StudentFeedback, exam: FeedbackExam, font_files: Mapping[str, Path] | None) -> bytes:
    words = words_for(student.language)
    pdf = FeedbackPdf(f"{exam.title} — {student_heading(student)}", font_files, words)
    pdf.set_title(f"{exam.title} — {student.name}")
    pdf.set_lang(words.language)
    pdf.add_page()
    pdf.text_block(exam.title, style="B", size=17)
    pdf.ln(2)
    meta = [(words.student, student_heading(student)), (words.bank, bank_line(exam, words))]
    if student.exam_date:
        meta.append((words.exam_date, student.exam_date.isoformat()))
    meta += [(words.published, exam.published.isoformat()), (words.total, total_line(student, words))]
    if exam.scale:
        meta += [
            (words.grade, grade_line(student, words)),
            (words.grade_scale, describe_scale(exam.scale, exam.max_total)),
        ]
    for name, value in meta:
        pdf.text_block(f"{name}: {value}", style="B" if name == words.grade else "")
    pdf.ln(3)
    rows = [
        (question_label(question, words), *summary_cells(question, words)) for question in student.questions
    ]
    pdf.grid((words.question, words.points, words.status), rows, (3, 2, 3))
    for question in student.questions:
        pdf_question(pdf, question)
    return bytes(pdf.output())


def render_pdf_index(
    students: Sequence[StudentFeedback],
    exam: FeedbackExam,
    files: Mapping[int, str],
    font_files: Mapping[str, Path] | None,
) -> bytes:
    words = words_for(exam.language)
    title = words.index_title.format(title=exam.title)
    pdf = FeedbackPdf(title, font_files, words)
    pdf.set_title(title)
    pdf.set_lang(words.language)
    pdf.add_page()
    pdf.text_block(title, style="B", size=17)
    pdf.ln(2)
    summary = words.index_line.format(
        published=exam.published.isoformat(), count=len(students), max=format_score(exam.max_total)
    )
    pdf.text_block(f"{words.bank} {bank_line(exam, words)}. {summary}")
    pdf.ln(3)
    header = [
        words.student,
        words.id,
        words.total,
        *([words.grade] if exam.scale else []),
        words.status,
        words.file,
    ]
    rows = [
        [
            student.name,
            student.external_id or "",
            index_total(student, words),
            *([student.grade or "–"] if exam.scale else []),
            index_status(student, words),
            files[student.student_id],
        ]
        for student in students
    ]
    pdf.grid(header, rows, (3.5, 3.5, 2.5, *((1.6,) if exam.scale else ()), 2.5, 6))
    return bytes(pdf.output())
