"""Graded exams handed back: one document per student (Gradescope's "publish grades", Moodle's review of
an attempt) with each answer, its final score, the teacher's changes and comments, and key-point feedback.

What a student sees follows the gradebook exports (quiz.teacher.exports): the latest answer per question,
the teacher's override wins, an unanswered question counts 0, and the final grade comes from the same
rules (`final_grades`). An answer not graded yet, or one waiting for the teacher's review (an uncertain
auto grade, a regrade request), is shown as "not graded yet" without its provisional score or key points,
and the student's total then carries no final grade: a score that may still change is not handed out.

Answers are quoted verbatim: in Markdown every character CommonMark would read as markup is
backslash-escaped, line breaks are kept as hard breaks and fenced code blocks stay code blocks (closed
even when the student forgot to); in HTML everything is escaped and the file needs nothing outside itself.
"""
