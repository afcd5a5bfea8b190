from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge_base.beir import BeirSet
from knowledge_base.build import build_in_memory
from knowledge_base.calibration import Calibration
from knowledge_base.decision import DecisionParams
from knowledge_base.embedder import HashingEmbedder
from knowledge_base.evaluation import evaluate_runs, run_queries
from knowledge_base.ingest import load_folder
from knowledge_base.kb import KnowledgeBase
from knowledge_base.vector_index import VectorIndex, recall_at_k


@pytest.fixture
def kb(corpus_dir: Path, test_calibration: Calibration) -> KnowledgeBase:
    return build_in_memory(load_folder(corpus_dir), HashingEmbedder(), test_calibration)


def test_search_finds_the_right_article_with_its_citation(kb: KnowledgeBase) -> None:
    hits = kb.search("printer paper jam in the print queue", k=3)
    assert hits[0].doc_id == "printer"
    assert hits[0].title == "Fix a printer that won't print"
    assert hits[0].source.endswith("printer.md")
    assert len({h.doc_id for h in hits}) == len(hits)  # one hit per document
    assert hits[0].score >= hits[1].score


def test_answer_is_the_summary_and_the_steps(kb: KnowledgeBase) -> None:
    hit = kb.search("forgot password reset", k=1)[0]
    assert hit.doc_id == "password-reset"
    assert hit.answer.startswith("If you forgot your password")
    assert "1. Click Forgot password?" in hit.answer  # Markdown emphasis removed for chat
    assert "3. Choose a new password" in hit.answer


def test_url_is_used_as_citation_when_given(kb: KnowledgeBase) -> None:
    hit = kb.search("wifi network reconnect", k=1)[0]
    assert hit.citation == "https://help.example.com/wifi"


def test_save_and_load_round_trip(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.save(tmp_path / "idx")
    loaded = KnowledgeBase.load(tmp_path / "idx", HashingEmbedder())
    query = "cancel stuck print jobs"
    assert [h.to_json() for h in loaded.search(query, 3)] == [h.to_json() for h in kb.search(query, 3)]
    assert loaded.decide(query).kind == kb.decide(query).kind


def test_bad_queries_raise_value_error_and_decide_abstains(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError):
        kb.search("   ", 3)
    with pytest.raises(ValueError):
        kb.search("printer", 0)
    assert kb.decide("").kind == "no_answer"
    assert kb.search("printer " * 5000, 1)[0].doc_id == "printer"  # huge input is cut, not rejected
    # a half character (JSON "\\ud800", a non-UTF-8 command line) is read as "?", not a crash
    assert kb.search("printer \ud800 paper jam", 1)[0].doc_id == "printer"


def test_hybrid_mode_ranks_with_bm25_too(kb: KnowledgeBase) -> None:
    hybrid = kb.with_decision(
        DecisionParams(**{**kb.params.to_json(), "retrieval": "hybrid"})  # type: ignore[arg-type]
    )
    hits = hybrid.search("paper jam", k=3)
    assert hits[0].doc_id == "printer"
    assert all(-1.0 <= h.score <= 1.0 for h in hits)


def test_article_lookup_by_id(kb: KnowledgeBase) -> None:
    hit = kb.article("wifi")
    assert hit is not None and hit.title == "Fix Wi-Fi that won't connect"
    assert kb.article("nope") is None


def _clustered(n: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors around 64 fixed topic centres, like embeddings of a real corpus."""
    centres = np.random.default_rng(0).normal(size=(64, dim))
    rng = np.random.default_rng(seed)
    x = centres[rng.integers(0, 64, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_approximate_index_agrees_with_exact_search() -> None:
    vectors = _clustered(6000, 32, seed=1)
    approx = VectorIndex.build(vectors, approx_threshold=1000)
    exact = VectorIndex.build(vectors, approx_threshold=10**9)
    assert approx.info.kind == "ivf" and exact.info.kind == "flat"
    assert approx.info.recall_at_10 is not None and approx.info.recall_at_10 >= 0.95
    queries = _clustered(100, 32, seed=2)
    _, approx_ids = approx.search(queries, 10)
    _, exact_ids = exact.search(queries, 10)
    assert recall_at_k(approx_ids, exact_ids) >= 0.9
    # Exact search really is exact: same top-1 as brute force.
    assert (exact_ids[:, 0] == np.argmax(queries @ vectors.T, axis=1)).all()


def test_many_answers_to_one_question_still_leave_room_for_a_rival_topic(
    test_calibration: Calibration,
) -> None:
    from knowledge_base.documents import Document, Section, content_hash

    def doc(doc_id: str, title: str, text: str) -> Document:
        return Document(doc_id, title, f"{doc_id}.txt", (Section("", (text,)),), content_hash(title, text))

    docs = [doc(f"a{i}", "How do I print?", f"print the page answer {i}") for i in range(12)]
    docs += [doc("b", "How do I scan?", "scan the page"), doc("c", "Wifi", "wireless network")]
    kb = build_in_memory(docs, HashingEmbedder(), test_calibration)
    hits = kb.search("print the page", k=3)
    assert [h.title for h in hits[:3]] == ["How do I print?"] * 3
    assert {"How do I scan?", "Wifi"} <= {h.title for h in hits}  # rivals appended after the k
    assert kb.decide("print the page").margin < hits[0].score  # margin measured against a real rival


def _doc(doc_id: str, title: str, text: str):
    from knowledge_base.documents import Document, Section, content_hash

    return Document(doc_id, title, f"{doc_id}.txt", (Section("", (text,)),), content_hash(title, text))


def test_title_scoring_finds_an_article_whose_title_matches_but_body_does_not(
    test_calibration: Calibration,
) -> None:
    # A long body dilutes the title words in every chunk; the title vector keeps them whole.
    body = " ".join(f"step{i} open menu{i} choose option{i}" for i in range(40))
    docs = [
        _doc("backup", "Back up your files", body),
        _doc("files", "Shared drive", "your files live on the shared drive; back them up there weekly"),
        _doc("wifi", "Wifi", "wireless network"),
    ]
    query = "back up your files"
    chunk_only = build_in_memory(docs, HashingEmbedder(), test_calibration)
    assert chunk_only.search(query, 1)[0].doc_id == "files"  # the body match wins without titles
    titled = chunk_only.with_decision(
        DecisionParams(**{**chunk_only.params.to_json(), "scoring": "title_or_chunk"})  # type: ignore[arg-type]
    )
    hits = titled.search(query, 3)
    assert hits[0].doc_id == "backup"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)  # the title is the query itself
    assert hits[0].text  # still cites a chunk of the article
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_title_scoring_adds_documents_the_chunk_search_missed(test_calibration: Calibration) -> None:
    # 120 notes share two query words in their text, more than the chunk search's candidates; the VPN
    # article's text is noise, so its only chunk ranks below all of them.
    docs = [_doc(f"n{i}", f"Note {i}", f"connect at home note {i}") for i in range(120)]
    docs.append(_doc("vpn", "Connect to the VPN from home", "x " * 50))
    kb = build_in_memory(docs, HashingEmbedder(), test_calibration)
    query = "connect to the vpn from home"
    assert "vpn" not in {h.doc_id for h in kb.search(query, 10)}
    titled = kb.with_decision(
        DecisionParams(**{**kb.params.to_json(), "scoring": "title_or_chunk"})  # type: ignore[arg-type]
    )
    assert titled.search(query, 1)[0].doc_id == "vpn"


def test_a_blank_query_in_an_eval_set_counts_as_an_abstention_not_a_crash(kb: KnowledgeBase) -> None:
    """Held-out data can hold an empty query; eval must score it the way the bot answers it."""
    data = BeirSet(
        name="with-blanks",
        documents=[],
        queries={"q1": "printer paper jam in the print queue", "q2": "", "q3": "   "},
        qrels={"q1": {"printer": 1}, "q3": {"printer": 1}},
    )
    runs = run_queries(kb, data)
    assert [len(r.hits) > 0 for r in runs] == [True, False, False]
    metrics = evaluate_runs(runs, kb.params)
    assert metrics["n_queries"] == 3
    assert metrics["unanswerable_abstained"] == 1.0  # q2: no answer in the corpus, and none given
    assert metrics["p_at_1"] == 0.5  # q3 is answerable but blank: nothing to rank, so a miss


def test_a_customer_phrasing_finds_its_article_and_is_never_shown(
    tmp_path: Path, test_calibration: Calibration
) -> None:
    """`asked_as` phrasings are matched like titles, but the answer is the article's own words."""
    (tmp_path / "phishing.md").write_text(
        "---\ntitle: Report a suspicious email\nasked_as:\n  - is this zebra message legit\n---\n"
        "# Report a suspicious email\n\nUse the Report button in your mail app.\n",
        encoding="utf-8",
    )
    (tmp_path / "faq.csv").write_text(
        "question,answer,asked_as\nWhat are the support hours?,We answer 8 am to 6 pm.,when do you close | open on saturday\n",
        encoding="utf-8",
    )
    kb = build_in_memory(load_folder(tmp_path), HashingEmbedder(), test_calibration)
    hit = kb.search("is this zebra message legit", k=1)[0]
    assert hit.doc_id == "phishing"
    assert "zebra" not in hit.text and "zebra" not in hit.answer
    assert hit.answer.startswith("Use the Report button")
    faq = kb.search("open on saturday", k=1)[0]
    assert faq.doc_id.startswith("faq-what-are-the-support-hours")
    assert faq.answer == "We answer 8 am to 6 pm."


def test_deciding_several_texts_at_once_gives_each_its_own_decision(kb: KnowledgeBase) -> None:
    """A message and its parts are embedded in one batch; blank ones still abstain, as `decide` does."""
    texts = ["I forgot my password", "", "printer will not print", "   ", "I forgot my password"]
    assert kb.decide_many(texts) == [kb.decide(text) for text in texts]
    assert kb.decide_many([]) == []
