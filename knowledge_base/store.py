"""On-disk layout of an index directory, written atomically (temp dir + rename).

params.json    settings: model, chunking, index kind and recall, calibrated decision thresholds
docs.json      one entry per document: title, source, url, updated, content hash, short answer
chunks.jsonl   chunk metadata and text, row i = vector i
vectors.npy    float32 embeddings (kept so an incremental build re-embeds only changed documents)
titles.npy     float32 embedding of each document's title, row i = i-th entry of docs.json (format 2+)
dense.faiss    the FAISS index
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.chunking import Chunk
from knowledge_base.decision import DecisionParams
from knowledge_base.errors import IndexFormatError, IndexNotFoundError, KnowledgeBaseError
from knowledge_base.vector_index import IndexInfo, VectorIndex

FORMAT_VERSION = 2  # 2: one title vector per document (titles.npy)
PARAMS_FILE = "params.json"
DOCS_FILE = "docs.json"
CHUNKS_FILE = "chunks.jsonl"
VECTORS_FILE = "vectors.npy"
TITLES_FILE = "titles.npy"
FAISS_FILE = "dense.faiss"


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    title: str
    source: str
    url: str | None
    updated: str | None
    content_hash: str
    answer: str | None
    tags: tuple[str, ...] = field(default_factory=tuple)
    diagnostic_id: str | None = None

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> DocInfo:
        return cls(**{**obj, "tags": tuple(obj.get("tags", ()))})


@dataclass(frozen=True)
class IndexParams:
    model: str
    dim: int
    chunk_max_chars: int
    approx_threshold: int
    index: IndexInfo
    decision: DecisionParams
    calibration_fitted_on: tuple[str, ...] = ()
    built_at: str = ""
    format_version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        obj = asdict(self)
        obj["decision"] = self.decision.to_json()
        obj["calibration_fitted_on"] = list(self.calibration_fitted_on)
        return obj

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> IndexParams:
        if obj.get("format_version") != FORMAT_VERSION:
            raise IndexFormatError(
                f"the index was written in format {obj.get('format_version')}, this version reads format "
                f"{FORMAT_VERSION}: run `python -m knowledge_base build` to rebuild it"
            )
        return cls(
            model=obj["model"],
            dim=int(obj["dim"]),
            chunk_max_chars=int(obj["chunk_max_chars"]),
            approx_threshold=int(obj["approx_threshold"]),
            index=IndexInfo(**obj["index"]),
            decision=DecisionParams.from_json(obj["decision"]),
            calibration_fitted_on=tuple(obj.get("calibration_fitted_on", ())),
            built_at=obj.get("built_at", ""),
        )


@dataclass(frozen=True)
class StoredIndex:
    params: IndexParams
    docs: dict[str, DocInfo]
    chunks: list[Chunk]
    vectors: np.ndarray
    index: VectorIndex
    title_vectors: np.ndarray  # row i = the title of the i-th document in `docs` (zeros for no title)


def read_params(index_dir: Path) -> IndexParams:
    path = index_dir / PARAMS_FILE
    if not path.is_file():
        raise IndexNotFoundError(
            f"no knowledge-base index at {index_dir} (run `python -m knowledge_base build`)"
        )
    try:
        return IndexParams.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexFormatError(f"{path}: {exc}") from exc


def read_index(index_dir: Path) -> StoredIndex:
    params = read_params(index_dir)
    try:
        docs_obj = json.loads((index_dir / DOCS_FILE).read_text(encoding="utf-8"))
        docs = {d["doc_id"]: DocInfo.from_json(d) for d in docs_obj}
        with (index_dir / CHUNKS_FILE).open(encoding="utf-8") as fh:
            chunks = [Chunk.from_json(json.loads(line)) for line in fh if line.strip()]
        vectors = np.load(index_dir / VECTORS_FILE)
        title_vectors = np.load(index_dir / TITLES_FILE)
        index = VectorIndex.load(index_dir / FAISS_FILE, params.index)
    except FileNotFoundError as exc:
        raise IndexNotFoundError(f"incomplete index at {index_dir}: {exc.filename} missing") from exc
    except (ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexFormatError(f"damaged index at {index_dir}: {exc}") from exc
    if len(chunks) != len(vectors) or vectors.shape[1:] != (params.dim,):
        raise IndexFormatError(f"damaged index at {index_dir}: chunks and vectors disagree")
    if title_vectors.shape != (len(docs), params.dim):
        raise IndexFormatError(f"damaged index at {index_dir}: documents and title vectors disagree")
    return StoredIndex(params, docs, chunks, vectors, index, title_vectors)


def ensure_replaceable(index_dir: Path) -> None:
    """Writing an index replaces the whole folder, so only an index or an empty folder may be there.

    Without this, `--index data/kb` (a slip of the keyboard) would delete the articles themselves.
    """
    if not index_dir.exists():
        return
    if index_dir.is_dir() and ((index_dir / PARAMS_FILE).is_file() or not any(index_dir.iterdir())):
        return
    raise KnowledgeBaseError(
        f"{index_dir} exists and is not a knowledge-base index; writing an index there would replace it. "
        "Choose a new or empty folder for --index."
    )


def write_index(index_dir: Path, stored: StoredIndex) -> None:
    """Write to a sibling temp dir, then swap it in, so readers never see half an index."""
    ensure_replaceable(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.", dir=index_dir.parent))
    try:
        (tmp / DOCS_FILE).write_text(
            json.dumps([asdict(d) for d in stored.docs.values()], indent=1), encoding="utf-8"
        )
        with (tmp / CHUNKS_FILE).open("w", encoding="utf-8") as fh:
            for chunk in stored.chunks:
                fh.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
        np.save(tmp / VECTORS_FILE, np.ascontiguousarray(stored.vectors, dtype=np.float32))
        np.save(tmp / TITLES_FILE, np.ascontiguousarray(stored.title_vectors, dtype=np.float32))
        stored.index.save(tmp / FAISS_FILE)
        (tmp / PARAMS_FILE).write_text(json.dumps(stored.params.to_json(), indent=2), encoding="utf-8")
        old = None
        if index_dir.exists():
            old = index_dir.with_name(f".{index_dir.name}.old-{os.getpid()}")
            index_dir.rename(old)
        tmp.rename(index_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
