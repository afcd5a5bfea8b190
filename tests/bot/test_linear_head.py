from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.components.linear_head import LinearHead


def _blobs(n_classes: int, per_class: int = 20, dim: int = 8) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(n_classes, dim)) * 4
    x = np.vstack([c + rng.normal(size=(per_class, dim)) for c in centres]).astype(np.float32)
    y = [f"intent_{i}" for i in range(n_classes) for _ in range(per_class)]
    return x, y


@pytest.mark.parametrize("n_classes", [2, 5])
def test_learns_separable_intents_and_gives_probabilities(n_classes: int) -> None:
    x, y = _blobs(n_classes)
    head = LinearHead.fit(x, y)
    probs = head.predict_proba(x)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    predicted = [head.classes[i] for i in probs.argmax(axis=1)]
    assert np.mean([p == t for p, t in zip(predicted, y, strict=True)]) > 0.95


def test_matches_sklearn_probabilities() -> None:
    from sklearn.linear_model import LogisticRegression

    for n_classes in (2, 4):
        x, y = _blobs(n_classes)
        head = LinearHead.fit(x, y, c=1.0, balanced=False)
        reference = LogisticRegression(C=1.0, max_iter=1000, random_state=0).fit(x, y).predict_proba(x)
        assert np.allclose(head.predict_proba(x), reference, atol=1e-4)


def test_a_far_away_point_gets_a_low_top_confidence_only_with_an_out_of_scope_class() -> None:
    x, y = _blobs(3)
    oos = np.random.default_rng(1).normal(size=(20, x.shape[1])).astype(np.float32) * 0.5
    head = LinearHead.fit(np.vstack([x, oos]), [*y, *["out_of_scope"] * 20])
    probs = head.predict_proba(np.zeros((1, x.shape[1]), np.float32))[0]
    assert head.classes[int(probs.argmax())] == "out_of_scope"


def test_save_and_load_round_trip_without_pickle(tmp_path: Path) -> None:
    x, y = _blobs(3)
    head = LinearHead.fit(x, y)
    path = tmp_path / "head.npz"
    head.save(path)
    loaded = LinearHead.load(path)
    assert loaded.classes == head.classes
    assert np.allclose(loaded.predict_proba(x), head.predict_proba(x))


def test_one_intent_is_always_that_intent() -> None:
    head = LinearHead.fit(np.ones((3, 4), np.float32), ["greet"] * 3)
    assert head.classes == ("greet",)
    assert np.allclose(head.predict_proba(np.zeros((2, 4), np.float32)), 1.0)


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="labels"):
        LinearHead.fit(np.ones((3, 4), np.float32), ["a", "b"])
    with pytest.raises(ValueError, match="no examples"):
        LinearHead.fit(np.ones((0, 4), np.float32), [])


TEXTS = ["my printer won't print", "printr broken", "wifi keeps dropping", "no wifi at all", "hello there"]
LABELS = ["printer", "printer", "wifi", "wifi", "greet"]


def test_char_ngram_head_vectors_match_sklearn_tfidf(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.components.ngram_head import NgramHead

    head = NgramHead.fit(TEXTS, LABELS, analyzer="char_wb", min_df=1)
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit(TEXTS)
    assert np.allclose(head.transform(TEXTS).toarray(), reference.transform(TEXTS).toarray(), atol=1e-5)
    odd = ["", "zzz", "wifi", "!!", ""]  # no known n-grams at all, first and last rows empty
    assert np.allclose(head.transform(odd).toarray(), reference.transform(odd).toarray(), atol=1e-5)
    head.save(tmp_path)
    loaded = NgramHead.load(tmp_path, "char_wb")
    assert loaded is not None
    assert np.allclose(loaded.log_proba(["printer jammed"]), head.log_proba(["printer jammed"]))
    assert loaded.classes[int(np.argmax(loaded.log_proba(["the printr"])[0]))] == "printer"


def test_word_ngram_head_keeps_one_letter_words_and_saves_next_to_the_char_head(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.components.ngram_head import WORD_PATTERN, NgramHead

    word = NgramHead.fit(TEXTS, LABELS, analyzer="word", ngram_range=(1, 2), min_df=1)
    assert "i" in NgramHead.fit(["how do i print", "no wifi"], ["a", "b"], analyzer="word").vocabulary
    reference = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN).fit(TEXTS)
    assert np.allclose(word.transform(TEXTS).toarray(), reference.transform(TEXTS).toarray(), atol=1e-5)
    NgramHead.fit(TEXTS, LABELS, analyzer="char_wb", min_df=1).save(tmp_path)
    assert NgramHead.load(tmp_path, "word") is None
    word.save(tmp_path)
    loaded_word, loaded_char = NgramHead.load(tmp_path, "word"), NgramHead.load(tmp_path, "char_wb")
    assert loaded_word is not None and loaded_char is not None
    assert loaded_word.analyzer == "word" and loaded_char.analyzer == "char_wb"
    assert loaded_word.classes[int(np.argmax(loaded_word.log_proba(["wifi is dropping"])[0]))] == "wifi"
