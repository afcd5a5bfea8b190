from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.components.mlp_head import MlpHead, can_stop_early


def _data(per_class: int = 40, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Four intents as four clusters in the plane."""
    rng = np.random.RandomState(seed)
    rows, labels = [], []
    for name, angle in (("printer", 0.0), ("wifi", 2.1), ("email", 4.2)):
        centre = 3 * np.array([np.cos(angle), np.sin(angle)])
        rows.append(centre + 0.4 * rng.randn(per_class, 2))
        labels += [name] * per_class
    rows.append(0.4 * rng.randn(per_class, 2))
    labels += ["out_of_scope"] * per_class
    return np.vstack(rows).astype(np.float32), labels


def test_it_learns_the_intents_and_gives_probabilities() -> None:
    features, labels = _data()
    head = MlpHead.fit(features, labels, hidden=32, alpha=1e-3, seeds=2)
    assert head.classes == ("email", "out_of_scope", "printer", "wifi")
    test, truth = _data(seed=1)
    predicted = [head.classes[i] for i in head.log_proba(test).argmax(axis=1)]
    assert np.mean([p == t for p, t in zip(predicted, truth, strict=True)]) > 0.95
    assert np.allclose(np.exp(head.log_proba(test)).sum(axis=1), 1.0, atol=1e-5)


def test_one_network_matches_scikit_learn() -> None:
    from sklearn.neural_network import MLPClassifier

    features, labels = _data(per_class=120)  # big enough for early stopping, as on the benchmark data
    head = MlpHead.fit(features, labels, hidden=16, alpha=1e-3, seeds=1)
    reference = MLPClassifier(
        hidden_layer_sizes=(16,),
        alpha=1e-3,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        max_iter=300,
        random_state=0,
    ).fit(features, labels)
    assert np.allclose(np.exp(head.log_proba(features)), reference.predict_proba(features), atol=1e-4)


def test_few_examples_train_without_early_stopping() -> None:
    features, labels = _data(per_class=3)  # a 10 % hold-out could not even hold every intent
    head = MlpHead.fit(features, labels, hidden=8, seeds=1)
    assert head.log_proba(features).shape == (12, 4)
    assert not can_stop_early(_data(per_class=40)[1]) and can_stop_early(_data(per_class=120)[1])


def test_two_intents_give_two_columns() -> None:
    features, labels = _data()
    keep = [i for i, label in enumerate(labels) if label in ("printer", "wifi")]
    head = MlpHead.fit(features[keep], [labels[i] for i in keep], hidden=8, seeds=1)
    assert head.classes == ("printer", "wifi") and head.log_proba(features[:3]).shape == (3, 2)


def test_bad_input_is_refused_with_a_clear_error() -> None:
    features, labels = _data()
    with pytest.raises(ValueError, match="feature rows"):
        MlpHead.fit(features[:5], labels)
    with pytest.raises(ValueError, match="at least two intents"):
        MlpHead.fit(features[:5], ["wifi"] * 5)
    with pytest.raises(ValueError, match="bad MLP settings"):
        MlpHead.fit(features, labels, seeds=0)


def test_save_and_load_round_trip_without_pickle(tmp_path: Path) -> None:
    features, labels = _data()
    head = MlpHead.fit(features, labels, hidden=8, seeds=2)
    head.save(tmp_path / "mlp.npz")
    loaded = MlpHead.load(tmp_path / "mlp.npz")
    assert loaded.classes == head.classes and len(loaded.networks) == 2
    assert np.allclose(loaded.log_proba(features), head.log_proba(features))
