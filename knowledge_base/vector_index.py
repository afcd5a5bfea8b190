"""FAISS inner-product index over normalised vectors: exact below a size threshold, IVF above it.

The approximate index is checked against exact search on a sample of its own vectors at build time,
and that recall is stored with the index so `stats` can report it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_APPROX_THRESHOLD = 50_000
DEFAULT_RECALL_TARGET = 0.95
# A single query is too small to share among OpenMP threads: on a busy machine the threads spin-wait for
# each other and p95 latency grows tenfold. Small batches run on one thread, big ones (build, eval) on all.
SMALL_BATCH = 16


@dataclass(frozen=True)
class IndexInfo:
    kind: str  # "flat" | "ivf"
    n_vectors: int
    dim: int
    nlist: int = 0
    nprobe: int = 0
    recall_at_10: float | None = None


class VectorIndex:
    def __init__(self, index: object, info: IndexInfo) -> None:
        self._index = index
        self.info = info

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        *,
        approx_threshold: int = DEFAULT_APPROX_THRESHOLD,
        recall_target: float = DEFAULT_RECALL_TARGET,
        seed: int = 0,
    ) -> VectorIndex:
        import faiss

        _set_threads(0)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError("vectors must be a 2-D array")
        n, dim = vectors.shape
        if n < approx_threshold:
            flat = faiss.IndexFlatIP(dim)
            if n:
                flat.add(vectors)
            return cls(flat, IndexInfo("flat", n, dim))
        nlist = int(min(max(16, 2 * math.sqrt(n)), n // 40))
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        train = vectors[rng.choice(n, size=min(n, nlist * 40), replace=False)]
        ivf.train(train)
        ivf.add(vectors)
        nprobe, recall = _tune_nprobe(ivf, vectors, recall_target, rng)
        ivf.nprobe = nprobe
        return cls(ivf, IndexInfo("ivf", n, dim, nlist=nlist, nprobe=nprobe, recall_at_10=recall))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.info.dim)
        k = max(1, min(k, self.info.n_vectors))
        if self.info.n_vectors == 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        _set_threads(1 if len(queries) < SMALL_BATCH else 0)
        return self._index.search(queries, k)  # type: ignore[attr-defined]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, info: IndexInfo) -> VectorIndex:
        import faiss

        index = faiss.read_index(str(path))
        if info.kind == "ivf":
            index.nprobe = info.nprobe
        return cls(index, info)


_THREADS: dict[str, int] = {}


def _set_threads(n: int) -> None:
    """FAISS OpenMP threads for the next call; 0 restores the default (all cores)."""
    import faiss

    default = _THREADS.setdefault("default", faiss.omp_get_max_threads())
    want = n or default
    if _THREADS.get("current") != want:
        faiss.omp_set_num_threads(want)
        _THREADS["current"] = want


def recall_at_k(approx_ids: np.ndarray, exact_ids: np.ndarray) -> float:
    """Share of the exact top-k neighbours that the approximate search also returned."""
    hits = sum(len(set(a.tolist()) & set(e.tolist())) for a, e in zip(approx_ids, exact_ids, strict=True))
    return hits / exact_ids.size if exact_ids.size else 1.0


def _tune_nprobe(
    ivf: object, vectors: np.ndarray, target: float, rng: np.random.Generator, k: int = 10
) -> tuple[int, float]:
    """Smallest power-of-two nprobe whose recall@10 against exact search reaches `target`."""
    import faiss

    n, dim = vectors.shape
    sample = rng.choice(n, size=min(200, n), replace=False)
    # Perturb the sample (noise of the same norm as the vector) so a query is not a copy of a stored vector.
    noise = rng.normal(0, 1 / math.sqrt(dim), size=(len(sample), dim))
    queries = (vectors[sample] + noise).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    _, exact_ids = exact.search(queries, k)
    nlist = ivf.nlist  # type: ignore[attr-defined]
    nprobe, recall = 1, 0.0
    while True:
        ivf.nprobe = nprobe  # type: ignore[attr-defined]
        _, ids = ivf.search(queries, k)  # type: ignore[attr-defined]
        recall = recall_at_k(ids, exact_ids)
        if recall >= target or nprobe >= nlist:
            return nprobe, recall
        nprobe = min(nprobe * 2, nlist)
