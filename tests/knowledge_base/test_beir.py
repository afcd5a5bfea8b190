"""BEIR folders as other people write them: float qrels scores, repeated ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.beir import load_beir
from knowledge_base.build import build_in_memory
from knowledge_base.calibration import Calibration
from knowledge_base.errors import KnowledgeBaseError

from .conftest import CountingEmbedder


def _beir(folder: Path, corpus: list[dict[str, str]], qrels: str) -> Path:
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus), encoding="utf-8")
    (folder / "queries.jsonl").write_text('{"_id": "q1", "text": "reset my password"}\n', encoding="utf-8")
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + qrels, encoding="utf-8")
    return folder


def test_float_qrels_scores_count_as_relevant(tmp_path: Path) -> None:
    folder = _beir(
        tmp_path / "set",
        [{"_id": "d1", "title": "Reset your password", "text": "Use Forgot password."}],
        "q1\td1\t1.0\n",
    )
    assert load_beir(folder).relevant("q1") == {"d1"}


def test_a_repeated_document_id_is_a_clear_error_not_a_broken_index(
    tmp_path: Path, test_calibration: Calibration
) -> None:
    corpus = [
        {"_id": "d1", "title": "Reset your password", "text": "Use Forgot password."},
        {"_id": "d1", "title": "Fix a printer", "text": "Clear the paper jam."},
    ]
    data = load_beir(_beir(tmp_path / "set", corpus, "q1\td1\t1\n"))
    embedder = CountingEmbedder()
    with pytest.raises(KnowledgeBaseError, match="'d1' is used twice"):
        build_in_memory(data.documents, embedder, test_calibration)
    assert embedder.calls == 0  # refused before any embedding work


@pytest.mark.parametrize("line", ["[1, 2]", '"just a string"', "42"])
def test_a_corpus_line_that_is_not_an_object_is_named_in_the_error(tmp_path: Path, line: str) -> None:
    folder = _beir(tmp_path / "set", [], "q1\td1\t1\n")
    (folder / "corpus.jsonl").write_text(
        '{"_id": "d1", "title": "t", "text": "x"}\n' + line + "\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeBaseError, match=r"corpus.jsonl:2: expected a JSON object"):
        load_beir(folder)


@pytest.mark.parametrize("row", ["q1", "q1 d1 1", "q1\td1"])
def test_a_qrels_row_without_three_tab_separated_columns_is_named_in_the_error(
    tmp_path: Path, row: str
) -> None:
    folder = _beir(tmp_path / "set", [{"_id": "d1", "title": "t", "text": "x"}], "q1\td1\t1\n" + row + "\n")
    with pytest.raises(KnowledgeBaseError, match=r"test.tsv:3: expected query-id, corpus-id and score"):
        load_beir(folder)
