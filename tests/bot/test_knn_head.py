from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.components.knn_head import KnnHead

CLASSES = ("out_of_scope", "printer", "wifi")


def _unit(rows: list[list[float]]) -> np.ndarray:
    x = np.asarray(rows, dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _head() -> KnnHead:
    features = _unit([[1, 0, 0], [1, 0.1, 0], [0, 1, 0], [0.1, 1, 0], [0, 0, 1]])
    labels = ["printer", "printer", "wifi", "wifi", "out_of_scope"]
    return KnnHead.fit(features, labels, CLASSES, out_of_scope="out_of_scope", temperature=0.05)


def test_the_nearest_example_decides_the_in_scope_ranking() -> None:
    log_p = _head().log_proba(_unit([[0.9, 0.2, 0.0], [0.2, 0.9, 0.0]]))
    assert log_p.shape == (2, 3)
    assert CLASSES[int(np.argmax(log_p[0, 1:])) + 1] == "printer"
    assert CLASSES[int(np.argmax(log_p[1, 1:])) + 1] == "wifi"
    assert np.allclose(np.exp(log_p[:, 1:]).sum(axis=1), 1.0, atol=1e-5)


def test_it_never_pushes_a_message_into_or_out_of_scope() -> None:
    # Even a message right on top of an out-of-scope example: the out-of-scope column just equals the best
    # in-scope intent's, so mixing this head in leaves the in-scope vs out-of-scope odds of the top intent alone.
    log_p = _head().log_proba(_unit([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]))
    assert np.allclose(log_p[:, 0], log_p[:, 1:].max(axis=1))


def test_save_and_load_round_trip_without_pickle(tmp_path: Path) -> None:
    head = _head()
    head.save(tmp_path / "knn.npz")
    loaded = KnnHead.load(tmp_path / "knn.npz")
    probe = _unit([[0.7, 0.7, 0.1]])
    assert loaded.classes == head.classes
    assert np.allclose(loaded.log_proba(probe), head.log_proba(probe), atol=1e-3)


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="labels"):
        KnnHead.fit(np.ones((2, 3), np.float32), ["printer"], CLASSES, "out_of_scope")
    with pytest.raises(ValueError, match="not among"):
        KnnHead.fit(np.ones((1, 3), np.float32), ["fax"], CLASSES, "out_of_scope")
    with pytest.raises(ValueError, match="temperature"):
        KnnHead.fit(np.ones((1, 3), np.float32), ["printer"], CLASSES, "out_of_scope", temperature=0)
