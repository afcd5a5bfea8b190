"""`bench-scale`: build rate and query latency at 10k, 100k and 1M chunks.

Two parts, reported separately:
- build: the real pipeline (chunk with spaCy, embed with the real model, index) over real article text,
  reported as chunks per second;
- index: SYNTHETIC clustered unit vectors (384-d, like MiniLM output) at each size, indexed with the
  production settings (exact below the threshold, IVF above it); single-query search latency p50/p95 and
  recall@10 against exact search. A real query also pays one embedding (reported as embed_ms_p50).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.vector_index import DEFAULT_APPROX_THRESHOLD, VectorIndex, recall_at_k

DIM = 384
N_QUERIES = 200
N_TOPICS = 2000
BUILD_SAMPLE_CHUNKS = 1024


def synthetic_vectors(n: int, *, seed: int, dim: int = DIM) -> np.ndarray:
    """Unit vectors scattered around fixed topic centres (same centres for every seed)."""
    centres = np.random.default_rng(12345).normal(size=(N_TOPICS, dim)).astype(np.float32)
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        block = centres[rng.integers(0, N_TOPICS, m)] + 0.7 * rng.standard_normal((m, dim), dtype=np.float32)
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def bench_index(n: int, approx_threshold: int = DEFAULT_APPROX_THRESHOLD) -> dict[str, Any]:
    import faiss

    vectors = synthetic_vectors(n, seed=1)
    start = time.perf_counter()
    index = VectorIndex.build(vectors, approx_threshold=approx_threshold)
    build_s = time.perf_counter() - start
    queries = synthetic_vectors(N_QUERIES, seed=2)
    times = []
    ids = []
    for q in queries:
        t = time.perf_counter()
        _, row = index.search(q[None, :], 10)
        times.append((time.perf_counter() - t) * 1000)
        ids.append(row[0])
    exact = faiss.IndexFlatIP(DIM)
    exact.add(vectors)
    _, exact_ids = exact.search(queries, 10)
    return {
        "n_chunks": n,
        "index": index.info.kind,
        "nlist": index.info.nlist,
        "nprobe": index.info.nprobe,
        "index_build_s": round(build_s, 2),
        "query_ms_p50": round(float(np.percentile(times, 50)), 3),
        "query_ms_p95": round(float(np.percentile(times, 95)), 3),
        "recall_at_10_vs_exact": round(recall_at_k(np.array(ids), exact_ids), 4),
        "vectors": "synthetic",
    }


def bench_build(
    model: str, source: Path = Path("data/kb"), sample_chunks: int = BUILD_SAMPLE_CHUNKS
) -> dict[str, Any]:
    """Real build over real article text, repeated with numbered variants to reach the sample size."""
    from knowledge_base.build import build_stored
    from knowledge_base.calibration import load_calibration
    from knowledge_base.chunking import chunk_document
    from knowledge_base.documents import Document
    from knowledge_base.embedder import make_embedder
    from knowledge_base.ingest import load_folder

    base = load_folder(source)
    chunks_per_copy = max(1, sum(len(chunk_document(d)) for d in base))
    copies = -(-sample_chunks // chunks_per_copy)  # ceiling: at least sample_chunks chunks
    docs = [
        Document(**{**d.__dict__, "doc_id": f"{d.doc_id}-{copy}"}) for copy in range(copies) for d in base
    ]
    embedder = make_embedder(model)
    embedder.encode(["warm up the model"])
    start, cpu_start = time.perf_counter(), time.process_time()
    stored, _ = build_stored(docs, embedder, load_calibration())
    seconds = time.perf_counter() - start
    cpu_s = time.process_time() - cpu_start
    single = []
    for text in ("how do I reset my password", "my wifi keeps dropping", "printer is stuck") * 10:
        t = time.perf_counter()
        embedder.encode([text])
        single.append((time.perf_counter() - t) * 1000)
    return {
        "n_chunks": len(stored.chunks),
        "seconds": round(seconds, 2),
        "chunks_per_s": round(len(stored.chunks) / seconds, 1),
        # CPU seconds this process got: on a shared machine, chunks per CPU-second x cores is what an
        # unloaded machine would do (a load-independent estimate; wall-clock chunks_per_s is the measurement).
        "cpu_s": round(cpu_s, 2),
        "chunks_per_cpu_s": round(len(stored.chunks) / cpu_s, 1) if cpu_s > 0 else None,
        "cpu_count": os.cpu_count(),
        "embed_ms_p50": round(float(np.percentile(single, 50)), 2),
        "embed_ms_p95": round(float(np.percentile(single, 95)), 2),
        "model": model,
    }


def run_bench_scale(
    sizes: list[int], *, model: str, build_chunks: int = BUILD_SAMPLE_CHUNKS
) -> dict[str, Any]:
    return {
        "note": "index part uses synthetic clustered 384-d vectors; build part embeds real article text",
        "build": bench_build(model, sample_chunks=build_chunks),
        "index": [bench_index(n) for n in sizes],
    }
