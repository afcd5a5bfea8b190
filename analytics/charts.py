"""Charts as inline SVG strings (matplotlib's SVG backend: text kept as text, no external references)."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import PercentFormatter

matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "analytics", "font.size": 9})
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def line(labels: list[str], values: list[float], title: str) -> str:
    fig, ax = plt.subplots(figsize=(8, 2.6))
    ax.plot(range(len(values)), values, color="#1f5f99")
    step = max(1, len(labels) // 10)
    ax.set_xticks(range(0, len(labels), step), [labels[i] for i in range(0, len(labels), step)], rotation=30)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return _svg(fig)


def bars(labels: list[str], values: list[float], title: str) -> str:
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(labels), 3) + 0.8))
    ax.barh(range(len(values)), values, color="#1f5f99")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_title(title)
    return _svg(fig)


def heatmap(grid: list[list[int]], title: str) -> str:
    fig, ax = plt.subplots(figsize=(8, 2.6))
    image = ax.imshow(grid, aspect="auto", cmap="Blues")
    ax.set_yticks(range(7), _DAYS)
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("hour of day")
    ax.set_title(title)
    fig.colorbar(image, ax=ax)
    return _svg(fig)


def two_lines(
    labels: list[str],
    left: list[float | None],
    left_label: str,
    right: list[float | None],
    right_label: str,
    title: str,
) -> str:
    """Two series over the same labels, each on its own axis (a share and a 1-5 rating); None = a gap."""
    fig, ax = plt.subplots(figsize=(8, 2.8))
    xs = range(len(labels))
    ax.plot(xs, [math.nan if v is None else v for v in left], color="#1f5f99", marker="o", label=left_label)
    ax.set_ylabel(left_label, color="#1f5f99")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    other = ax.twinx()
    values = [math.nan if v is None else v for v in right]
    other.plot(xs, values, color="#b35900", marker="s", label=right_label)
    other.set_ylabel(right_label, color="#b35900")
    other.set_ylim(1, 5)
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step), [labels[i] for i in range(0, len(labels), step)], rotation=30)
    ax.set_title(title, pad=22)
    ax.grid(alpha=0.3)
    # above the plot, under the title: below it the legend would cover the rotated week labels
    handles = ax.get_legend_handles_labels()[0] + other.get_legend_handles_labels()[0]
    ax.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False
    )
    return _svg(fig)
