"""all-MiniLM-L6-v2 sentence embeddings through onnxruntime + tokenizers (no torch, no Rasa imports).

Used by the Rasa featurizer in the bot runtime and by the export check in the app runtime, so both compute
embeddings the same way: mean pooling over the attention mask, then L2 normalisation. `encode_layers` does
the same for chosen hidden layers and concatenates them (multi-layer features, docs/nlu.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.components.errors import ModelNotFoundError

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
DEFAULT_MODEL_DIR = "var/models/minilm-onnx"
MODEL_DIR_ENV = "MINILM_ONNX_DIR"
EMBEDDING_DIM = 384
NUM_LAYERS = 7  # the embedding layer (0) and the 6 transformer layers (1-6); layer 6 is last_hidden_state
# ONNX outputs: last_hidden_state (batch, seq, 384) and hidden_states (batch, 7, seq, 384).
OUTPUTS = ("last_hidden_state", "hidden_states")


def resolve_model_dir(configured: str | None = None) -> Path:
    """The ONNX model folder: env MINILM_ONNX_DIR, else the configured path, else the default (both relative
    to the working directory, which is the repo root for `rasa train` / `rasa run`)."""
    return Path(os.environ.get(MODEL_DIR_ENV) or configured or DEFAULT_MODEL_DIR)


@dataclass(frozen=True)
class EncoderConfig:
    model_dir: Path
    max_seq_length: int = 256
    batch_size: int = 64
    intra_op_threads: int = 0  # 0 lets onnxruntime decide


def mean_pool(token_embeddings: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors that the mask keeps, then unit length (what sentence-transformers does)."""
    mask = attention_mask[..., None].astype(np.float32)
    summed = (token_embeddings * mask).sum(axis=1)
    counts = np.clip(mask.sum(axis=1), 1e-9, None)
    pooled = summed / counts
    norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return (pooled / norms).astype(np.float32)


class MiniLMEncoder:
    """Loads the tokenizer and the onnxruntime session on first use, then embeds texts in batches."""

    def __init__(self, config: EncoderConfig) -> None:
        self.config = config

    @classmethod
    def from_dir(cls, model_dir: str | Path | None = None, **kwargs: int) -> MiniLMEncoder:
        return cls(
            EncoderConfig(model_dir=resolve_model_dir(str(model_dir) if model_dir else None), **kwargs)
        )

    def check_files(self) -> None:
        for name in (MODEL_FILE, TOKENIZER_FILE):
            if not (self.config.model_dir / name).is_file():
                raise ModelNotFoundError(
                    f"{self.config.model_dir / name} is missing. Export the model first: "
                    f".venv/bin/python -m bot.onnx.export --out {self.config.model_dir} "
                    f"(or set {MODEL_DIR_ENV} to the folder that holds it)."
                )

    @cached_property
    def tokenizer(self) -> tokenizers.Tokenizer:
        from tokenizers import Tokenizer

        self.check_files()
        tok = Tokenizer.from_file(str(self.config.model_dir / TOKENIZER_FILE))
        tok.enable_truncation(max_length=self.config.max_seq_length)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest text in the batch
        return tok

    @cached_property
    def session(self) -> onnxruntime.InferenceSession:
        import onnxruntime

        self.check_files()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.config.intra_op_threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        return onnxruntime.InferenceSession(
            str(self.config.model_dir / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length sentence embeddings, shape (len(texts), 384), float32."""
        return self._batched(texts, EMBEDDING_DIM, self._encode_batch)

    def encode_layers(self, texts: Sequence[str], layers: Sequence[int]) -> np.ndarray:
        """Multi-layer features, shape (len(texts), 384 * len(layers)), float32: for each chosen hidden layer
        (0 = embeddings, 6 = last) the mean-pooled, unit-length vector; concatenated and divided by
        sqrt(len(layers)), so the whole row has unit length. `encode_layers(t, [6]) == encode(t)`."""
        chosen = [int(layer) for layer in layers]
        if not chosen or any(not 0 <= layer < NUM_LAYERS for layer in chosen):
            raise ValueError(f"layers must be a non-empty list of 0..{NUM_LAYERS - 1}, got {list(layers)}")
        return self._batched(
            texts, EMBEDDING_DIM * len(chosen), lambda batch: self._encode_layers_batch(batch, chosen)
        )

    def _batched(
        self, texts: Sequence[str], dim: int, encode_batch: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        # Sort by length so each batch pads little; restore the order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), dim), dtype=np.float32)
        step = max(1, self.config.batch_size)
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            out[idx] = encode_batch([texts[i] for i in idx])
        return out

    def _run(self, texts: list[str], output: str) -> tuple[np.ndarray, np.ndarray]:
        # An unpaired surrogate ("\ud800" from JSON) makes the tokenizer raise; it becomes "?" instead.
        texts = [t.encode("utf-8", "replace").decode("utf-8") if t.strip() else " " for t in texts]
        encodings = self.tokenizer.encode_batch(texts)
        input_ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        attention_mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        token_type_ids = np.zeros_like(input_ids)
        if output not in {o.name for o in self.session.get_outputs()}:
            raise ModelNotFoundError(
                f"{self.config.model_dir / MODEL_FILE} has no {output!r} output (an older export). Export "
                f"it again: .venv/bin/python -m bot.onnx.export --out {self.config.model_dir} --force"
            )
        (result,) = self.session.run(
            [output],
            {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids},
        )
        return result, attention_mask

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        token_embeddings, attention_mask = self._run(texts, "last_hidden_state")
        return mean_pool(token_embeddings, attention_mask)

    def _encode_layers_batch(self, texts: list[str], layers: list[int]) -> np.ndarray:
        hidden, attention_mask = self._run(texts, "hidden_states")  # (batch, 7, seq, 384)
        pooled = [mean_pool(hidden[:, layer], attention_mask) for layer in layers]
        return (np.concatenate(pooled, axis=1) / np.sqrt(len(layers))).astype(np.float32)
