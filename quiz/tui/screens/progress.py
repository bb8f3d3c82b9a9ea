"""Progress: score over time (overall and per topic), mastery per question, and the review forecast."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from quiz.progress import ProgressReport
from quiz.tui.screens.base import TentaScreen

TABS = (
    ("over-time", "Over time"),
    ("topics", "Per topic"),
    ("mastery", "Mastery"),
    ("forecast", "Forecast"),
)


def _sparse_labels(labels: list[str], room: int) -> tuple[list[float], list[str]]:
    """Every k-th x tick so the labels fit in `room` characters."""
    if not labels:
        return [], []
    step = max(1, -(-len(labels) * 6 // max(room, 6)))
    ticks = list(range(1, len(labels) + 1, step))
    return [float(tick) for tick in ticks], [labels[tick - 1] for tick in ticks]


class ProgressScreen(TentaScreen[None]):
    """Four charts in tabs; each shows a hint instead of an empty plot when there is no data yet."""

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
            for tab_id, title in TABS:
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
                label=topic,
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
