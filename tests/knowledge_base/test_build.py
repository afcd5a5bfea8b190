from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.build import build_index
from knowledge_base.calibration import Calibration
from knowledge_base.errors import IndexFormatError, IndexNotFoundError, KnowledgeBaseError
from knowledge_base.kb import KnowledgeBase
from knowledge_base.store import read_index, read_params

from .conftest import CountingEmbedder


def _build(src: Path, index: Path, cal: Calibration, embedder: CountingEmbedder):
    return build_index(src, index, model="hashing-test", embedder_factory=lambda _: embedder, calibration=cal)


def test_first_build_embeds_everything_and_writes_the_index(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    embedder = CountingEmbedder()
    report = _build(corpus_dir, tmp_path / "idx", test_calibration, embedder)
    assert report.wrote and report.added == 3 and report.embedded_chunks == report.n_chunks
    params = read_params(tmp_path / "idx")
    assert params.decision == test_calibration.decision  # thresholds stored with the index settings
    assert params.index.kind == "flat"


def test_unchanged_corpus_re_embeds_nothing(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    _build(corpus_dir, tmp_path / "idx", test_calibration, CountingEmbedder())
    again = CountingEmbedder()
    report = _build(corpus_dir, tmp_path / "idx", test_calibration, again)
    assert not report.wrote
    assert again.texts == 0
    assert "Up to date" in report.summary()


def test_only_changed_and_new_documents_are_re_embedded(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    _build(corpus_dir, tmp_path / "idx", test_calibration, CountingEmbedder())
    before = read_index(tmp_path / "idx")
    printer = corpus_dir / "printer.md"
    printer.write_text(printer.read_text() + "\n3. Turn the printer off and on.\n", encoding="utf-8")
    (corpus_dir / "wifi.md").unlink()
    (corpus_dir / "vpn.txt").write_text("VPN help\n\nOpen the VPN app and sign in.", encoding="utf-8")
    embedder = CountingEmbedder()
    report = _build(corpus_dir, tmp_path / "idx", test_calibration, embedder)
    after = read_index(tmp_path / "idx")
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 1, 1, 1)
    new_chunks = [c for c in after.chunks if c.doc_id in {"printer", "vpn"}]
    assert len(new_chunks) == report.embedded_chunks
    assert embedder.texts == len(new_chunks) + 2  # plus the two new titles
    assert set(after.docs) == {"password-reset", "printer", "vpn"}
    # The unchanged document kept its vectors, row for row.
    old_rows = [i for i, c in enumerate(before.chunks) if c.doc_id == "password-reset"]
    new_rows = [i for i, c in enumerate(after.chunks) if c.doc_id == "password-reset"]
    assert (before.vectors[old_rows] == after.vectors[new_rows]).all()
    old_pos, new_pos = list(before.docs).index("password-reset"), list(after.docs).index("password-reset")
    assert (before.title_vectors[old_pos] == after.title_vectors[new_pos]).all()
    kb = KnowledgeBase(after, embedder)
    assert kb.search("turn the printer off and on", 1)[0].doc_id == "printer"


def test_loading_a_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="knowledge_base build"):
        KnowledgeBase.load(tmp_path / "missing")


def test_title_vectors_are_saved_and_loaded(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    embedder = CountingEmbedder()
    _build(corpus_dir, tmp_path / "idx", test_calibration, embedder)
    stored = read_index(tmp_path / "idx")
    assert stored.params.format_version == 2
    assert stored.title_vectors.shape == (len(stored.docs), embedder.dim)
    for pos, doc in enumerate(stored.docs.values()):
        assert (stored.title_vectors[pos] == embedder.encode([doc.title])[0]).all()


def _make_old_format(index_dir: Path) -> None:
    """Turn a built index into what the previous version wrote: format 1, no titles.npy."""
    params = json.loads((index_dir / "params.json").read_text())
    params["format_version"] = 1
    (index_dir / "params.json").write_text(json.dumps(params))
    (index_dir / "titles.npy").unlink()


def test_loading_an_old_format_index_says_to_run_build(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    _build(corpus_dir, tmp_path / "idx", test_calibration, CountingEmbedder())
    _make_old_format(tmp_path / "idx")
    with pytest.raises(IndexFormatError, match=r"format 1.*python -m knowledge_base build"):
        KnowledgeBase.load(tmp_path / "idx", CountingEmbedder())


def test_build_rebuilds_an_old_format_index_from_scratch(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    _build(corpus_dir, tmp_path / "idx", test_calibration, CountingEmbedder())
    _make_old_format(tmp_path / "idx")
    embedder = CountingEmbedder()
    report = _build(corpus_dir, tmp_path / "idx", test_calibration, embedder)
    assert report.wrote and report.added == 3 and report.unchanged == 0
    assert report.embedded_chunks == report.n_chunks
    stored = read_index(tmp_path / "idx")  # readable again, with titles
    assert stored.title_vectors.shape == (3, embedder.dim)
    assert KnowledgeBase(stored, embedder).search("printer paper jam", 1)[0].doc_id == "printer"


def test_building_into_the_article_folder_is_refused_and_deletes_nothing(
    corpus_dir: Path, test_calibration: Calibration
) -> None:
    """Writing an index replaces its folder; `--index data/kb` must not wipe the articles."""
    before = sorted(p.name for p in corpus_dir.iterdir())
    embedder = CountingEmbedder()
    with pytest.raises(KnowledgeBaseError, match="is not a knowledge-base index"):
        _build(corpus_dir, corpus_dir, test_calibration, embedder)
    assert sorted(p.name for p in corpus_dir.iterdir()) == before
    assert embedder.calls == 0  # refused before any embedding


def test_an_index_path_that_is_a_file_is_refused(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    with pytest.raises(KnowledgeBaseError, match="is not a knowledge-base index"):
        _build(corpus_dir, target, test_calibration, CountingEmbedder())
    assert target.read_text() == "keep me"


def test_an_existing_index_and_an_empty_folder_can_be_written(
    corpus_dir: Path, tmp_path: Path, test_calibration: Calibration
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _build(corpus_dir, empty, test_calibration, CountingEmbedder()).wrote
    (corpus_dir / "new.md").write_text("# New\n\nA new article about scanners.\n")
    assert _build(corpus_dir, empty, test_calibration, CountingEmbedder()).added == 1
