from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.onnx.export import ExportLocationError, _sha256, export, is_valid_export, main, source_dir


def test_second_export_is_skipped_when_the_files_are_intact(onnx_dir: Path) -> None:
    manifest = json.loads((onnx_dir / "manifest.json").read_text())
    assert manifest["max_abs_diff_vs_sentence_transformers"] < 1e-5
    assert manifest["max_abs_diff_layers_vs_transformers"] < 1e-5
    assert export(onnx_dir)["status"] == "up-to-date"


def test_a_damaged_export_is_not_valid(onnx_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "minilm-onnx"
    shutil.copytree(onnx_dir, copy)
    weights_sha = _sha256(source_dir() / "model.safetensors")
    assert is_valid_export(copy, weights_sha)
    (copy / "tokenizer.json").write_text("{}")
    assert not is_valid_export(copy, weights_sha)
    assert not is_valid_export(tmp_path / "missing", weights_sha)
    assert not is_valid_export(onnx_dir, "0" * 64)


def test_an_export_without_the_layer_output_is_exported_again(onnx_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "minilm-onnx"
    shutil.copytree(onnx_dir, copy)
    weights_sha = _sha256(source_dir() / "model.safetensors")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["outputs"] = ["last_hidden_state"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert not is_valid_export(copy, weights_sha)


def test_exporting_over_a_folder_that_is_not_an_export_is_refused_and_deletes_nothing(tmp_path: Path) -> None:
    """The export replaces its folder whole; `--out models` must not wipe the trained Rasa models."""
    models = tmp_path / "models"
    models.mkdir()
    (models / "20261122-bot.tar.gz").write_bytes(b"a trained model")
    with pytest.raises(ExportLocationError, match="is not an ONNX export"):
        export(models)
    assert (models / "20261122-bot.tar.gz").read_bytes() == b"a trained model"
    assert main(["--out", str(models)]) == 2
    assert (models / "20261122-bot.tar.gz").exists()
