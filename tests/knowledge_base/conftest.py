"""Fixtures: a small real corpus on disk and a real index built with a deterministic stand-in embedder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.calibration import Calibration
from knowledge_base.decision import DecisionParams
from knowledge_base.embedder import HashingEmbedder

ARTICLES = {
    "password-reset.md": """---
title: Reset your password
updated: 2025-01-15
tags: [password, login]
diagnostic: login
---

# Reset your password

If you forgot your password, you can set a new one from the sign-in page.

## Steps

1. Click **Forgot password?** on the sign-in page. This starts the reset.
2. Type the code we send you. The code proves the account is yours.
3. Choose a new password with at least 12 characters. Long passwords are hard to guess.
""",
    "printer.md": """---
title: Fix a printer that won't print
updated: 2025-02-10
---

Printer jobs stuck in the queue are the usual cause when the printer does not print.

## Steps

1. Check the printer screen for a paper jam. The printer stops until it is cleared.
2. Cancel stuck jobs in the print queue. One stuck job blocks the rest.
""",
    "wifi.md": """---
title: Fix Wi-Fi that won't connect
url: https://help.example.com/wifi
---

Turn the wireless network off and on again to reconnect the wifi.

1. Turn wifi off and on. This makes the device look for the network again.
2. Forget the wifi network and join it again. This clears saved settings.
""",
}


class CountingEmbedder(HashingEmbedder):
    """The hashing stand-in, counting how many texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.texts = 0

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return super().encode(texts, show_progress=show_progress)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def test_calibration() -> Calibration:
    """Thresholds for the hashing embedder (not the shipped MiniLM calibration)."""
    return Calibration(
        model="hashing-test",
        decision=DecisionParams(
            answer_min_score=0.35, answer_min_margin=0.05, clarify_min_score=0.2, clarify_max_gap=0.1
        ),
        fitted_on=("test fixture",),
        report={},
    )
