"""Charts as inline SVG strings (matplotlib's SVG backend: text kept as text, no external references)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

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
