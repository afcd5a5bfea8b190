"""Topics of customers' problems: clusters of their first messages, named by top terms and an example."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from analytics.clustering import cluster
from analytics.embedding import embed
from analytics.masking import mask
from analytics.records import Conversation
from knowledge_base.embedder import Embedder

# Fragments left by the tokenizer (won't -> won) and words every support message has.
STOP_WORDS = sorted(
    ENGLISH_STOP_WORDS
    | {
        "won",
        "don",
        "doesn",
        "didn",
        "isn",
        "can",
        "ll",
        "ve",
        "need",
        "help",
        "please",
        "just",
        "get",
        "keeps",
    }
)


@dataclass
class Topic:
    topic_id: int
    terms: list[str]
    representative: str
    size: int
    centroid: np.ndarray

    @property
    def name(self) -> str:
        return ", ".join(self.terms[:3]) or "misc"


def top_terms(groups: list[list[str]], count: int = 4) -> list[list[str]]:
    """Class-based TF-IDF: each group's messages as one document; its highest-weighted words and pairs."""
    docs = [" ".join(g) for g in groups]
    if not any(d.strip() for d in docs):
        return [[] for _ in groups]
    vectorizer = TfidfVectorizer(stop_words=STOP_WORDS, ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    try:
        weights = vectorizer.fit_transform(docs).toarray()
    except ValueError:  # only stop words
        return [[] for _ in groups]
    vocab = vectorizer.get_feature_names_out()
    result = []
    for row in weights:
        picked: list[str] = []
        for i in np.argsort(row)[::-1]:
            if row[i] <= 0 or len(picked) >= count:
                break
            term = str(vocab[i])
            if any(term in p or p in term for p in picked):
                continue
            picked.append(term)
        result.append(picked)
    return result


def assign(conversations: list[Conversation], embedder: Embedder | None = None) -> list[Topic]:
    """Set conv.topic for each conversation with text; return the topics, largest first."""
    with_text = [c for c in conversations if c.first_text]
    if not with_text:
        return []
    texts = sorted({c.first_text for c in with_text})  # each distinct message clustered once
    vectors = embed(texts, embedder)
    labels = cluster(vectors)
    label_of = dict(zip(texts, labels.tolist(), strict=True))
    sizes = Counter(label_of[c.first_text] for c in with_text)
    ids = sorted(sizes, key=lambda k: -sizes[k])
    renumber = {old: new for new, old in enumerate(ids)}
    for conv in with_text:
        conv.topic = renumber[label_of[conv.first_text]]
    groups = [[texts[i] for i in np.flatnonzero(labels == old)] for old in ids]
    terms = top_terms(groups)
    topics = []
    for new, old in enumerate(ids):
        members = np.flatnonzero(labels == old)
        centroid = vectors[members].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        nearest = members[int(np.argmax(vectors[members] @ centroid))]
        topics.append(Topic(new, terms[new], mask(texts[nearest]), sizes[old], centroid))
    return topics
