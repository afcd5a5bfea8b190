"""Median, p90 and shares, with None for an empty sample (shown as '—')."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def median(values: Sequence[float]) -> float | None:
    return float(np.median(values)) if len(values) else None


def p90(values: Sequence[float]) -> float | None:
    """90th percentile, linear interpolation between order statistics (numpy's default)."""
    return float(np.percentile(values, 90)) if len(values) else None


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def mean(values: Sequence[float]) -> float | None:
    return float(sum(values) / len(values)) if len(values) else None
