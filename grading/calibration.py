"""Calibration: a monotone, piecewise-linear map from the combiner's raw score to the human score fraction.

Fitted by isotonic regression (pool-adjacent-violators, numpy only, so `tenta calibrate` needs no
training library) and stored as JSON knots together with the model id it was fitted for.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from question_bank.errors import InputFileError, TentaError, field_name
from question_bank.formats.common import read_text

MAX_KNOTS = 64


class Calibration(BaseModel):
    """Knots (x ascending, y non-decreasing in [0, 1]); np.interp between them, flat outside."""

    model_config = ConfigDict(frozen=True)

    model_id: str
    x: tuple[float, ...] = Field(min_length=1)
    y: tuple[float, ...] = Field(min_length=1)
    source: str = ""
    samples: int = 0

    @model_validator(mode="after")
    def _monotone(self) -> Calibration:
        if len(self.x) != len(self.y):
            raise ValueError("x and y must have the same number of knots")
        if any(b < a for a, b in zip(self.x, self.x[1:], strict=False)):
            raise ValueError("x knots must be ascending")
        if any(b < a for a, b in zip(self.y, self.y[1:], strict=False)):
            raise ValueError("y knots must be non-decreasing")
        if any(not 0.0 <= value <= 1.0 for value in self.y):
            raise ValueError("y knots must be fractions in [0, 1]")
        return self

    def apply(self, raw: float | np.ndarray) -> np.ndarray:
        return np.asarray(np.interp(raw, self.x, self.y))

    def __call__(self, raw: float) -> float:
        return float(self.apply(raw))

    @classmethod
    def identity(cls, model_id: str) -> Calibration:
        return cls(model_id=model_id, x=(0.0, 1.0), y=(0.0, 1.0), source="identity")

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, *, model_id: str | None = None) -> Calibration:
        """Read a calibration file; it must have been fitted for `model_id` when one is given."""
        text = read_text(path)
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputFileError(
                path, f"not a tenta calibration file: not valid JSON ({error.msg})", line=error.lineno
            ) from error
        try:
            calibration = cls.model_validate(payload)
        except ValidationError as error:
            first = error.errors()[0]
            field = field_name(first["loc"]) or None
            message = str(first.get("ctx", {}).get("error") or first["msg"])
            raise InputFileError(path, f"{message} (not a tenta calibration file)", field=field) from error
        if model_id is not None and calibration.model_id != model_id:
            raise TentaError(
                f"{path}: calibration was fitted for model {calibration.model_id!r}, "
                f"but the grader uses {model_id!r}; run `tenta calibrate` again"
            )
        return calibration


def isotonic_fit(
    raw: Sequence[float] | np.ndarray,
    target: Sequence[float] | np.ndarray,
    *,
    model_id: str,
    source: str = "",
    max_knots: int = MAX_KNOTS,
) -> Calibration:
    """Fit a non-decreasing map raw → target (fractions) by pooling adjacent violators on quantile bins."""
    x = np.asarray(raw, dtype=np.float64)
    y = np.clip(np.asarray(target, dtype=np.float64), 0.0, 1.0)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 2:
        raise TentaError("calibration needs at least two graded answers")
    order = np.argsort(x, kind="stable")
    bins = np.array_split(order, min(len(x), max_knots * 4))
    means_x = [float(x[b].mean()) for b in bins]
    means_y = [float(y[b].mean()) for b in bins]
    weights = [float(len(b)) for b in bins]
    blocks = _pool_adjacent_violators(means_x, means_y, weights)
    knots_x, knots_y = _thin([b[0] for b in blocks], [b[1] for b in blocks], max_knots)
    if len(knots_x) == 1:
        knots_x, knots_y = [knots_x[0] - 1e-6, knots_x[0] + 1e-6], [knots_y[0], knots_y[0]]
    return Calibration(
        model_id=model_id,
        x=tuple(knots_x),
        y=tuple(min(1.0, max(0.0, value)) for value in knots_y),
        source=source,
        samples=len(x),
    )


def _pool_adjacent_violators(
    xs: list[float], ys: list[float], weights: list[float]
) -> list[tuple[float, float, float]]:
    """Blocks (mean x, mean y, weight) whose y means are non-decreasing."""
    blocks: list[tuple[float, float, float]] = []
    for x, y, w in zip(xs, ys, weights, strict=True):
        blocks.append((x, y, w))
        while len(blocks) > 1 and blocks[-2][1] >= blocks[-1][1]:
            (x1, y1, w1), (x2, y2, w2) = blocks[-2], blocks[-1]
            total = w1 + w2
            blocks[-2:] = [((x1 * w1 + x2 * w2) / total, (y1 * w1 + y2 * w2) / total, total)]
    return blocks


def _thin(xs: list[float], ys: list[float], max_knots: int) -> tuple[list[float], list[float]]:
    """Keep at most `max_knots` knots, always the first and last, with strictly ascending x."""
    if len(xs) > max_knots:
        picks = np.unique(np.linspace(0, len(xs) - 1, max_knots).round().astype(int))
        xs, ys = [xs[i] for i in picks], [ys[i] for i in picks]
    out_x: list[float] = []
    out_y: list[float] = []
    for x, y in zip(xs, ys, strict=True):
        if out_x and x <= out_x[-1]:
            out_y[-1] = max(out_y[-1], y)
            continue
        out_x.append(x)
        out_y.append(y)
    return out_x, out_y
