"""What a teacher does after an exam: import submissions, batch-grade, review, override, analyse, export.

Every function here works on an AppContext or a Repository and returns pydantic values, so the CLI
(quiz.cli.teacher) and the TUI's review queue are thin shells over the same code and tests need no terminal.
"""
