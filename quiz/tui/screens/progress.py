"""Progress: an exam-readiness estimate, mastery per topic, score over time (overall and per topic), mastery
per question, and the review forecast."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from question_bank.grade_scales import describe_scale
from quiz.modes import topic_label
from quiz.progress import ESTIMATE_NOTE, ExamOutlook, ProgressReport, points_text
from quiz.tui.screens.base import TentaScreen
from quiz.tui.widgets.table_fill import fill_table

TABLE_TABS = (
    ("readiness", "Readiness"),
    ("topic-table", "Topics"),
)
CHART_TABS = (
    ("over-time", "Over time"),
    ("topics", "Topic trend"),
    ("mastery", "Per question"),
    ("forecast", "Forecast"),
)
TABS = TABLE_TABS + CHART_TABS
LISTED_UNSEEN = 30
"""Questions named in the 'Not practised' line; a larger bank says how many more there are."""
PROMPT_ROOM = 44
"""Characters of a question's prompt shown next to it in the readiness list."""


def _sparse_labels(labels: list[str], room: int) -> tuple[list[float], list[str]]:
    """Every k-th x tick so the labels fit in `room` characters."""
    if not labels:
        return [], []
    step = max(1, -(-len(labels) * 6 // max(room, 6)))
    ticks = list(range(1, len(labels) + 1, step))
    return [float(tick) for tick in ticks], [labels[tick - 1] for tick in ticks]


def _short(text: str, room: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= room else line[: room - 1].rstrip() + "…"


def readiness_text(outlook: ExamOutlook) -> Text:
    """The readiness tab's text: the estimate, where the points are, what was never practised."""
    readiness = outlook.readiness
    text = Text()
    text.append(readiness.headline() + "\n", style="bold")
    text.append(readiness.coverage() + "\n")
    text.append(ESTIMATE_NOTE + "\n\n", style="dim")
    gains = readiness.biggest_gains()
    if gains:
        text.append("Most points to gain if mastered\n", style="bold")
        for item in gains:
            gain = f"+{points_text(item.gain)} p"
            state = (
                "not practised"
                if not item.practised
                else f"now {points_text(item.expected_points)} / {points_text(item.max_points)} p"
            )
            text.append(f"{item.label:<4} {gain:<7} {state:<14} {_short(item.prompt, PROMPT_ROOM)}\n")
    else:
        text.append("Every question is mastered and fresh in memory.\n")
    unseen = readiness.not_practised
    if unseen:
        text.append(f"\nNot practised ({len(unseen)}): ", style="bold")
        listed = ", ".join(item.label for item in unseen[:LISTED_UNSEEN])
        more = f" … and {len(unseen) - LISTED_UNSEEN} more" if len(unseen) > LISTED_UNSEEN else ""
        text.append(listed + more + "\n")
    if readiness.scale:
        scale = describe_scale(readiness.scale, readiness.max_points)
        text.append(f"\nGrade scale: {scale}", style="dim")
    elif not readiness.topics:  # with chosen topics the coverage line says why there is no grade
        text.append("\nThis bank sets no grade scale, so no grade is estimated.", style="dim")
    return text


class ProgressScreen(TentaScreen[None]):
    """The readiness estimate and topic table, then four charts, in tabs; each shows a hint instead of an
    empty plot when there is no data yet."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the home screen."),
        Binding("left", "tab(-1)", "Prev chart", show=False),
        Binding("right", "tab(1)", "Next chart", show=False),
    ]

    def __init__(self, student_id: int, bank_id: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.bank_id = bank_id
        self.report: ProgressReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="progress-tabs"):
            with TabPane("Readiness", id="readiness"), VerticalScroll(id="readiness-scroll"):
                yield Static("Loading…", id="readiness-summary")
            with TabPane("Topics", id="topic-table"):
                yield Static(
                    "Weakest first · mean of the latest score of the questions seen · reviews due today",
                    id="topic-table-caption",
                )
                yield DataTable(id="topic-mastery", zebra_stripes=True, cursor_type="row")
            for tab_id, title in CHART_TABS:
                with TabPane(title, id=tab_id):
                    yield PlotextPlot(id=f"{tab_id}-plot")
                    yield Static("Loading…", id=f"{tab_id}-empty", classes="empty-state")
        yield Footer()

    def on_mount(self) -> None:
        for plot in self.query(PlotextPlot):
            plot.display = False
        self.load_report()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_report(self) -> None:
        from quiz.progress import progress_report

        report = progress_report(self.tenta.ctx, self.student_id, self.bank_id, self.tenta.clock())
        self.app.call_from_thread(self._show, report)

    def _show(self, report: ProgressReport) -> None:
        self.report = report
        self.sub_title = report.bank_title
        self._readiness(report.outlook)
        self._topic_table(report.outlook)
        self._over_time(report)
        self._topics(report)
        self._mastery(report)
        self._forecast(report)

    def _ready(self, tab_id: str, has_data: bool, empty_text: str) -> PlotextPlot:
        plot = self.query_one(f"#{tab_id}-plot", PlotextPlot)
        empty = self.query_one(f"#{tab_id}-empty", Static)
        plot.display = has_data
        empty.display = not has_data
        empty.update(empty_text)
        plot.plt.clear_data()
        plot.plt.clear_figure()
        return plot

    def _readiness(self, outlook: ExamOutlook) -> None:
        self.query_one("#readiness-summary", Static).update(readiness_text(outlook))

    def _topic_table(self, outlook: ExamOutlook) -> None:
        labels = ("Topic", "Questions", "Seen", "Mean score", "Due today")
        fill_table(
            self.query_one("#topic-mastery", DataTable),
            labels,
            [
                (
                    row.label,
                    str(row.questions),
                    f"{row.seen}/{row.questions}",
                    "—" if row.mean_latest is None else f"{row.mean_latest:.0%}",
                    str(row.due),
                )
                for row in outlook.topics
            ],
            keys=[row.label for row in outlook.topics],
            column_keys=[label.lower() for label in labels],
        )

    def _over_time(self, report: ProgressReport) -> None:
        points = report.sessions
        plot = self._ready("over-time", bool(points), "No finished quiz yet — finish one to start the curve.")
        if not points:
            return
        plt = plot.plt
        xs = list(range(1, len(points) + 1))
        plt.plot(xs, [100 * point.fraction for point in points], marker="braille", label="quiz score %")
        plt.scatter(xs, [100 * point.fraction for point in points], marker="●")
        ticks, labels = _sparse_labels([point.label for point in points], plot.size.width or 70)
        plt.xticks(ticks, labels)
        plt.ylim(0, 100)
        plt.title("Score per quiz (%)")
        plot.refresh()

    def _topics(self, report: ProgressReport) -> None:
        plot = self._ready(
            "topics", bool(report.topics), "No graded answers yet — topics appear once graded."
        )
        if not report.topics:
            return
        plt = plot.plt
        days = sorted({point.label for series in report.topics.values() for point in series})
        index = {label: position + 1 for position, label in enumerate(days)}
        for topic, series in sorted(report.topics.items()):
            plt.plot(
                [index[point.label] for point in series],
                [100 * point.fraction for point in series],
                marker="braille",
                label=topic_label(topic),
            )
        ticks, labels = _sparse_labels(days, plot.size.width or 70)
        plt.xticks(ticks, labels)
        plt.ylim(0, 100)
        plt.title("Score per topic and day (%)")
        plot.refresh()

    def _mastery(self, report: ProgressReport) -> None:
        attempted = [item for item in report.mastery if item.latest is not None]
        plot = self._ready("mastery", bool(attempted), "Answer a question to see how well you know it.")
        if not attempted:
            return
        plt = plot.plt
        plt.bar(
            [item.label for item in report.mastery],
            [100 * (item.latest or 0.0) for item in report.mastery],
            width=0.6,
        )
        plt.ylim(0, 100)
        plt.title("Latest score per question (%) — unanswered show 0")
        plot.refresh()

    def _forecast(self, report: ProgressReport) -> None:
        total = sum(count for _, count in report.forecast)
        plot = self._ready(
            "forecast", total > 0, "No reviews scheduled yet — graded answers schedule reviews."
        )
        if total == 0:
            return
        plt = plot.plt
        xs = list(range(1, len(report.forecast) + 1))
        counts = [count for _, count in report.forecast]
        plt.bar(xs, counts, width=0.8)
        plt.yticks([float(tick) for tick in range(max(counts) + 1)])
        labels = [day.strftime("%m-%d") for day, _ in report.forecast]
        ticks = list(range(1, len(labels) + 1, 7))
        plt.xticks([float(tick) for tick in ticks], [labels[tick - 1] for tick in ticks])
        plt.title(f"Reviews due per day, next {len(report.forecast)} days")
        plot.refresh()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [tab_id for tab_id, _ in TABS]
        current = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(current + step) % len(ids)]

    def action_back(self) -> None:
        self.dismiss()
