"""The words of the feedback screen in English or Swedish: the labels around a grade, its confidence, what
the grader noticed about a whole answer (a flag), and the grading, leech and suspension messages; and the
one rule that picks the language for the whole screen (feedback_labels). The same words head a stored
answer in history and the "I disagree" dialog (answer_labels), so a graded answer reads in one language
wherever the student meets it again."""

from __future__ import annotations

from dataclasses import dataclass

from db.records import AnswerDetail
from grading.feedback_wording import (
    closed_answer_language,
    comment_language,
    misconception_notes,
    prompt_language,
)
from grading.models import GradeFlag, PointStatus
from grading.text import MAX_ANSWER_CHARS
from question_bank.models import Question

CONFIDENCE_WORDING = {
    "en": {
        "meaning": "how sure tenta is that a teacher would give about the same score",
        "line": "Confidence {percent} — {meaning}; below {threshold} a teacher checks it.",
        "review": (
            "⚑ Needs teacher review — confidence {percent}, {meaning}. A teacher may change this score."
        ),
        "percent": "{value:.0f}%",
    },
    "sv": {
        "meaning": "hur säker tenta är på att en lärare skulle ge ungefär samma poäng",
        "line": "Säkerhet {percent} — {meaning}; under {threshold} tittar en lärare på svaret.",
        "review": "⚑ En lärare granskar poängen — säkerhet {percent}, {meaning}. Läraren kan ändra den.",
        "percent": "{value:.0f} %",
    },
}
"""The grade's confidence, explained: 'Confidence 81%' alone left a student guessing what was 81 % sure.
The feedback screen writes it in its own language (GradeLabels.confidence); languages without wording read
English."""


def confidence_line(confidence: float, *, needs_review: bool, threshold: float, language: str) -> str:
    """'Confidence 81% — how sure tenta is that a teacher would give about the same score; below 20% a
    teacher checks it.', or the needs-review line with the same meaning, in `language` (sv or en)."""
    wording = CONFIDENCE_WORDING.get(language, CONFIDENCE_WORDING["en"])

    def percent(fraction: float) -> str:
        return wording["percent"].format(value=100 * fraction)

    return wording["review" if needs_review else "line"].format(
        percent=percent(confidence), meaning=wording["meaning"], threshold=percent(threshold)
    )


@dataclass(frozen=True)
class GradeLabels:
    """Every word the feedback screen adds to a grade, in one language. The grader's comment on the screen
    is in the answer's language (grading.feedback_wording); a Swedish student read 'Poäng … av …' under
    'Score', 'Key points' and '◐ partial', and 'Question 2', '⚠ The answer is very long' and the leech
    warning around them. History's answer view and the "I disagree" dialog take their words from here too
    (answer_labels), so a Swedish answer's grade does not turn English when reread or questioned. `{…}`
    fields are filled in by the methods, `$…` fields (override) by Content.from_markup."""

    language: str
    question: str
    question_code: str
    score: str
    key_points: str
    no_key_points: str
    covered: str
    partial: str
    missing: str
    read: str
    your_answer: str
    empty_answer: str
    reference_answer: str
    no_reference_answer: str
    hint: str
    wrong_question: str
    truncated: str
    copied_code: str
    loading_model: str
    grading: str
    grading_failed: str
    leech: str
    leech_suspended: str
    leech_tagged: str
    suspended: str
    suspended_now: str
    unsuspended_now: str
    regrade_requested: str
    thanks: str
    regrade_failed: str
    disagree_title: str
    disagree_prompt: str
    disagree_placeholder: str
    disagree_send: str
    disagree_cancel: str
    final_score: str
    answer: str
    not_graded: str
    auto_grade: str
    needs_review: str
    regrade_reason: str
    no_reason: str
    override: str
    no_comment: str
    flagged: str
    confidence_meaning: str
    misconception: str
    misconception_said: str

    def status(self, status: PointStatus) -> str:
        """'✔ covered', '◐ partial', '✘ missing' (at most 10 characters: the key point list's column)."""
        return {PointStatus.COVERED: self.covered, PointStatus.PARTIAL: self.partial}.get(
            status, self.missing
        )

    def misconception_lines(self, feedback: str) -> list[str]:
        """'✘ misconception (−0.5 p) <wrong statement>' and the sentence that said it, for each misconception
        the grader's comment names (grading.feedback_wording.misconception_notes)."""
        lines = []
        for note in misconception_notes(feedback):
            lines.append(self.misconception.format(penalty=f"{note.penalty:g}", text=note.text))
            if note.sentence:
                lines.append(self.misconception_said.format(sentence=note.sentence))
        return lines

    def question_title(self, question: Question) -> str:
        """'Question 3' ('Fråga 3'), or the question's id when it has no number."""
        return self.question.format(number=question.number) if question.number is not None else question.id

    def flag_notes(self, flags: list[str]) -> list[str]:
        """The notes for the flags that explain a low score (another question's answer, cut off, the
        question's code pasted back). The grader's comment says so too, but under the answer, which for a
        very long one is hundreds of lines down, and history shows no comment."""
        notes = {
            GradeFlag.WRONG_QUESTION: self.wrong_question,
            GradeFlag.TRUNCATED: self.truncated.format(max_chars=MAX_ANSWER_CHARS),
            GradeFlag.COPIED_CODE: self.copied_code,
        }
        return [note for flag, note in notes.items() if flag.value in flags]

    def confidence(self, confidence: float, *, needs_review: bool, threshold: float) -> str:
        """The confidence line (confidence_line) in these labels' language."""
        return confidence_line(
            confidence, needs_review=needs_review, threshold=threshold, language=self.language
        )

    def auto_grade_line(self, score: str, confidence: float) -> str:
        """'auto 1.5 / 2, confidence 85%' ('automatisk rättning 1.5 / 2, säkerhet 85 %'): the grader's own
        score beside the final one, which a teacher may have changed."""
        percent = CONFIDENCE_WORDING.get(self.language, CONFIDENCE_WORDING["en"])["percent"]
        return self.auto_grade.format(score=score, confidence=percent.format(value=100 * confidence))

    def confidence_tooltip(self) -> str:
        """What the confidence on the auto grade line means, in these labels' language."""
        wording = CONFIDENCE_WORDING.get(self.language, CONFIDENCE_WORDING["en"])
        return self.confidence_meaning.format(meaning=wording["meaning"])

    def leech_note(self, lapses: int, *, suspended: bool) -> str:
        """What a student is told, once, when a question becomes a leech (Anki's leech warning)."""
        where = self.leech_suspended if suspended else self.leech_tagged
        return self.leech.format(lapses=lapses, where=where)

    def hints(self, question: Question, tries: int) -> list[str]:
        """The hints a student has earned after `tries` wrong or partly right answers, one more per try as
        in Moodle's interactive mode, each as 'Hint n: …' ('Ledtråd n: …')."""
        earned = enumerate(question.hints[:tries], start=1)
        return [self.hint.format(number=number, hint=hint) for number, hint in earned]


ENGLISH_LABELS = GradeLabels(
    language="en",
    question="Question {number}",
    question_code="The question's code",
    score="Score",
    key_points="Key points",
    no_key_points="This question has no rubric key points.",
    covered="✔ covered",
    partial="◐ partial",
    missing="✘ missing",
    read="Read: ",
    your_answer="Your answer",
    empty_answer="(empty answer)",
    reference_answer="Reference answer",
    no_reference_answer="No reference answer.",
    hint="Hint {number}: {hint}",
    wrong_question=(
        "⚠ This looks like an answer to another question: check that you answered the one asked."
    ),
    truncated="⚠ The answer is very long: only its first {max_chars} characters were graded.",
    copied_code="⚠ The answer repeats the question's code instead of explaining what it does.",
    loading_model="Loading the grading model… your answer is saved and will be graded in a moment.",
    grading="Grading… your answer is saved.",
    grading_failed="Grading failed: {reason}\nYour answer is saved; `tenta regrade` grades it later.",
    leech=(
        "This question keeps slipping — you have forgotten it {lapses} times after learning it. {where} "
        "Rework it before it comes back: read the course notes on it, write the key points in your own "
        "words, or split it into smaller facts."
    ),
    leech_suspended=(
        "It is suspended: practice, due today and weakest first leave it out until you unsuspend it "
        "(s here, u on the home screen)."
    ),
    leech_tagged="It is marked as a leech; s suspends it so practice leaves it out for now.",
    suspended="⏸ Suspended: practice, due today and weakest first leave it out (s: unsuspend).",
    suspended_now="Suspended — it stays out of practice until you unsuspend it (s, or u at home).",
    unsuspended_now="Unsuspended — it comes up in practice and reviews again.",
    regrade_requested="Regrade requested — a teacher will look at this answer.",
    thanks="Thanks",
    regrade_failed="Regrade not requested; try again",
    disagree_title="Ask a teacher to look again",
    disagree_prompt="Which key point did you cover that was missed?",
    disagree_placeholder="Reason (optional)",
    disagree_send="Request regrade",
    disagree_cancel="Cancel",
    final_score="Final",
    answer="Answer",
    not_graded="not graded yet (`tenta regrade` grades it)",
    auto_grade="auto {score}, confidence {confidence}",
    needs_review="⚑ needs teacher review",
    regrade_reason="regrade requested: {reason}",
    no_reason="no reason given",
    override="[b]Teacher $teacher[/b] set $score on $day: $comment",
    no_comment="(no comment)",
    flagged="⚑ You flagged this question to come back to it.",
    confidence_meaning="Confidence: {meaning}.",
    misconception="✘ misconception (−{penalty} p) {text}",
    misconception_said='   you wrote: "{sentence}"',
)

SWEDISH_LABELS = GradeLabels(
    language="sv",
    question="Fråga {number}",
    question_code="Frågans kod",
    score="Poäng",
    key_points="Bedömningspunkter",
    no_key_points="Frågan har inga bedömningspunkter.",
    covered="✔ täckt",
    partial="◐ delvis",
    missing="✘ saknas",
    read="Läs: ",
    your_answer="Ditt svar",
    empty_answer="(tomt svar)",
    reference_answer="Modellsvar",
    no_reference_answer="Inget modellsvar.",
    hint="Ledtråd {number}: {hint}",
    wrong_question=(
        "⚠ Det här ser ut att vara svaret på en annan fråga: kontrollera att du besvarade den som ställdes."
    ),
    truncated="⚠ Svaret är mycket långt: bara dess första {max_chars} tecken har rättats.",
    copied_code="⚠ Svaret upprepar frågans kod i stället för att förklara vad den gör.",
    loading_model="Laddar rättningsmodellen… ditt svar är sparat och rättas om en stund.",
    grading="Rättar… ditt svar är sparat.",
    grading_failed=(
        "Rättningen misslyckades: {reason}\nDitt svar är sparat; `tenta regrade` rättar det senare."
    ),
    leech=(
        "Den här frågan vill inte fastna — du har glömt den {lapses} gånger efter att ha lärt dig den. "
        "{where} Ta itu med den innan den kommer tillbaka: läs om den i kursmaterialet, skriv "
        "bedömningspunkterna med egna ord eller bryt ner den i mindre bitar."
    ),
    leech_suspended=(
        "Den är pausad: Practice, Due today och Weakest first hoppar över den tills du tar med den igen "
        "(s här, u på startskärmen)."
    ),
    leech_tagged=(
        "Den är markerad som igel (leech); s pausar den så att övningen hoppar över den tills vidare."
    ),
    suspended="⏸ Pausad: Practice, Due today och Weakest first hoppar över den (s: ta med igen).",
    suspended_now="Pausad — övningen hoppar över den tills du tar med den igen (s, eller u på startskärmen).",
    unsuspended_now="Inte längre pausad — den kommer med i övning och repetitioner igen.",
    regrade_requested="Omprövning begärd — en lärare tittar på svaret.",
    thanks="Tack",
    regrade_failed="Omprövningen kunde inte begäras; försök igen",
    disagree_title="Be en lärare titta på svaret igen",
    disagree_prompt="Vilken bedömningspunkt tog du upp som rättningen missade?",
    disagree_placeholder="Motivering (valfritt)",
    disagree_send="Begär omprövning",
    disagree_cancel="Avbryt",
    final_score="Slutpoäng",
    answer="Svar",
    not_graded="inte rättat än (`tenta regrade` rättar det)",
    auto_grade="automatisk rättning {score}, säkerhet {confidence}",
    needs_review="⚑ en lärare granskar poängen",
    regrade_reason="omprövning begärd: {reason}",
    no_reason="ingen motivering",
    override="[b]Läraren $teacher[/b] satte $score den $day: $comment",
    no_comment="(ingen kommentar)",
    flagged="⚑ Du flaggade frågan för att komma tillbaka till den.",
    confidence_meaning="Säkerhet: {meaning}.",
    misconception="✘ missuppfattning (−{penalty} p) {text}",
    misconception_said='   du skrev: "{sentence}"',
)

GRADE_LABELS = {labels.language: labels for labels in (ENGLISH_LABELS, SWEDISH_LABELS)}
"""The feedback screen's words in the language of the grader's comment (grading.feedback_wording:
Swedish for a Swedish answer, else English), in the words the teacher's feedback files use where they say
the same ('Bedömningspunkter', 'Modellsvar'). The buttons and the footer's keys are the app's controls and
stay English, as on every other screen."""


def feedback_labels(answer: str, question: Question, comment: str = "") -> GradeLabels:
    """The one language of the feedback screen: the language the grader's `comment` is written in, so no
    word on the screen disagrees with it. Before there is a comment (grading, loading the model, grading
    failed) the language the grader is about to choose: the answer's when its function words settle it
    (grading.feedback_wording.closed_answer_language: no n-gram model on the screen's thread), else the
    question's main prompt language, as the grader does for an empty answer. A short answer the grader
    places by its n-gram model ('I would say Keras.') switches the screen when the comment arrives."""
    language = comment_language(comment) or closed_answer_language(answer) or prompt_language(question)
    return GRADE_LABELS.get(language or "", ENGLISH_LABELS)


def answer_labels(detail: AnswerDetail) -> GradeLabels:
    """The language a stored answer was given its feedback in (feedback_labels on its text, the question as
    asked and its latest grade's comment): history's answer view and its "I disagree" dialog read as the
    feedback screen did, not English beside a Swedish answer and grade."""
    grade = detail.latest_grade
    return feedback_labels(detail.answer.text, detail.question, grade.feedback if grade is not None else "")
