"""Rasa 3.6 dense featurizer: one all-MiniLM-L6-v2 sentence vector per message, run by onnxruntime.

With `layers` set (config.yml: [3, 4, 5, 6]) the vector is the multi-layer feature instead: each chosen hidden
layer mean-pooled and unit length, concatenated (384 per layer); empty means the plain sentence embedding.

The ONNX export is not part of the Rasa model archive; the component finds it through `model_dir` in
config.yml (default `var/models/minilm-onnx`, relative to the working directory) or env MINILM_ONNX_DIR.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.minilm_encoder import (
    MANIFEST_FILE,
    NUM_LAYERS,
    EncoderConfig,
    MiniLMEncoder,
    resolve_model_dir,
)

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a unit-length sentence feature for the text of each message (384-d, or 384 per chosen layer)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "model_dir": None,  # None: env MINILM_ONNX_DIR, else var/models/minilm-onnx
            "max_seq_length": 256,
            "batch_size": 64,
            "intra_op_threads": 0,
            # Hidden layers to pool and concatenate (0 = embeddings, 6 = last); [] = the sentence embedding.
            "layers": [],
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["onnxruntime", "tokenizers"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        full = {**self.get_default_config(), **config}
        super().__init__(name, full)
        self.encoder = MiniLMEncoder(
            EncoderConfig(
                model_dir=resolve_model_dir(full["model_dir"]),
                max_seq_length=int(full["max_seq_length"]),
                batch_size=int(full["batch_size"]),
                intra_op_threads=int(full["intra_op_threads"]),
            )
        )
        self.layers = tuple(int(layer) for layer in full["layers"] or ())

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        for key in ("max_seq_length", "batch_size"):
            if key in config and int(config[key]) < 1:
                raise ValueError(f"MiniLMFeaturizer: {key} must be at least 1, got {config[key]!r}")
        layers = config.get("layers") or []
        if any(not 0 <= int(layer) < NUM_LAYERS for layer in layers):
            raise ValueError(f"MiniLMFeaturizer: layers must be in 0..{NUM_LAYERS - 1}, got {layers!r}")

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Tie Rasa's training cache to the exported model, so a new export re-featurizes the data."""
        manifest = resolve_model_dir(config.get("model_dir")) / MANIFEST_FILE
        try:
            return json.loads(manifest.read_text()).get("files", {}).get("model.onnx")
        except (OSError, ValueError):
            return None

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT) is not None]
        if not todo:
            return messages
        texts = [str(m.get(TEXT)) for m in todo]
        vectors = (
            self.encoder.encode_layers(texts, self.layers) if self.layers else self.encoder.encode(texts)
        )
        for message, vector in zip(todo, vectors, strict=True):
            self.add_features_to_message(
                sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT, message=message
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [m for m in training_data.training_examples if m.get(TEXT)]
        logger.debug("MiniLMFeaturizer: embedding %d training texts", len(examples))
        self.process(examples)
        return training_data
