"""Time from starting `tenta` to the first paint of the home screen (target: 1 s), and to its data.

Each run is a fresh Python process (cold imports, as a student experiences it) running the real app
headless at 80×24 against a fresh data directory; the model preload starts after first paint, as in
normal use. Prints the median of a few runs and its ratio to the target.

    .venv/bin/python bench/tui_first_paint.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 1.0

CHILD = """
import os
from quiz.tui.app import TentaApp
from textual.widgets import Static


class BenchApp(TentaApp):
    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        if not self.screen.query("#summary"):  # home not composed yet: wait for the next refresh
            self.call_after_refresh(self.painted)
            return
        print("PAINTED", flush=True)
        self.set_interval(0.01, self.poll_data)

    def poll_data(self):
        summary = self.screen.query_one("#summary", Static)
        if "Loading" not in str(summary.render()):
            print("DATA", flush=True)
            os._exit(0)


BenchApp().run(headless=True, size=(80, 24))
"""


def one_run(data_dir: Path) -> tuple[float, float]:
    """Seconds from process spawn to (first paint, home data shown)."""
    env = dict(os.environ, TENTA_DATA_DIR=str(data_dir))
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).parents[1],
    )
    assert child.stdout is not None
    marks: dict[str, float] = {}
    for line in child.stdout:
        marks[line.strip()] = time.perf_counter() - start
        if "DATA" in marks:
            break
    child.wait(timeout=60)
    if "PAINTED" not in marks or "DATA" not in marks:
        raise SystemExit(f"the app did not paint (exit code {child.returncode})")
    return marks["PAINTED"], marks["DATA"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    paints: list[float] = []
    datas: list[float] = []
    with tempfile.TemporaryDirectory(prefix="tenta-bench-") as tmp:
        for run in range(args.runs):
            # The first run also creates and migrates the database, like a first start.
            paint, data = one_run(Path(tmp) / "data")
            paints.append(paint)
            datas.append(data)
            print(f"run {run + 1}: first paint {paint:.3f} s, home data {data:.3f} s")
    paint = statistics.median(paints)
    data = statistics.median(datas)
    print(
        f"first paint (median of {args.runs}): {paint:.3f} s"
        f" — {paint / TARGET_S:.2f}× the {TARGET_S:g} s target"
    )
    print(f"home screen with data (median): {data:.3f} s")


if __name__ == "__main__":
    main()
