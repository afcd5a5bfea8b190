from __future__ import annotations

from knowledge_base.chunking import chunk_document, split_sentences
from knowledge_base.documents import Document, Section


def _doc(*sections: Section) -> Document:
    return Document("d", "Title", "src.md", tuple(sections), "h", updated="2025-01-01")


def test_chunks_follow_sections_and_keep_metadata() -> None:
    doc = _doc(Section("", ("Intro text.",)), Section("Steps", ("1. One.\n2. Two.",)))
    chunks = chunk_document(doc)
    assert [(c.section, c.text) for c in chunks] == [("", "Intro text."), ("Steps", "1. One.\n2. Two.")]
    assert all(c.title == "Title" and c.source == "src.md" and c.updated == "2025-01-01" for c in chunks)
    assert chunks[1].embed_text().startswith("Title. Steps.")


def test_long_paragraph_splits_on_sentence_boundaries() -> None:
    sentences = [f"Sentence number {i} says something useful about printers." for i in range(40)]
    doc = _doc(Section("", (" ".join(sentences),)))
    chunks = chunk_document(doc, max_chars=300)
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(c.text.endswith("printers.") for c in chunks)  # never cut mid-sentence
    assert " ".join(c.text for c in chunks) == " ".join(sentences)


def test_small_blocks_are_packed_together() -> None:
    doc = _doc(Section("", ("A.", "B.", "C.")))
    assert [c.text for c in chunk_document(doc)] == ["A.\n\nB.\n\nC."]


def test_spacy_sentencizer_splits_sentences() -> None:
    assert split_sentences("Restart it. Then try again! Did it work?") == [
        "Restart it.",
        "Then try again!",
        "Did it work?",
    ]
