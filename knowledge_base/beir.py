"""Read a BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv. A query without qrels is unanswerable."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.documents import Document, Section, content_hash
from knowledge_base.errors import KnowledgeBaseError


@dataclass(frozen=True)
class BeirSet:
    name: str
    documents: list[Document]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]

    def relevant(self, query_id: str) -> set[str]:
        return {d for d, s in self.qrels.get(query_id, {}).items() if s > 0}


def _jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise KnowledgeBaseError(f"{path}:{n}: malformed JSON: {exc.msg}") from exc
                if not isinstance(row, dict):
                    raise KnowledgeBaseError(
                        f"{path}:{n}: expected a JSON object with _id, got {type(row).__name__}"
                    )
                rows.append(row)
    return rows


def load_beir(folder: Path, split: str = "test") -> BeirSet:
    try:
        corpus = _jsonl(folder / "corpus.jsonl")
        queries = {str(q["_id"]): str(q["text"]) for q in _jsonl(folder / "queries.jsonl")}
        qrels: dict[str, dict[str, int]] = {}
        with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as fh:
            reader = csv.reader(fh, delimiter="\t")
            for row in reader:
                if not row or row[0] == "query-id":
                    continue
                if len(row) < 3:
                    raise KnowledgeBaseError(
                        f"{fh.name}:{reader.line_num}: expected query-id, corpus-id and score separated by tabs"
                    )
                qrels.setdefault(row[0], {})[row[1]] = int(float(row[2]))  # "1" and "1.0" both occur
    except FileNotFoundError as exc:
        raise KnowledgeBaseError(f"not a BEIR folder: {exc.filename} missing") from exc
    except (KeyError, IndexError, ValueError) as exc:
        raise KnowledgeBaseError(f"{folder}: bad BEIR data: {exc}") from exc
    documents = [
        Document(
            doc_id=str(d["_id"]),
            title=str(d.get("title") or ""),
            source=f"{folder.name}/corpus.jsonl#{d['_id']}",
            sections=(Section("", (str(d.get("text") or ""),)),),
            content_hash=content_hash(str(d.get("title")), str(d.get("text"))),
        )
        for d in corpus
    ]
    return BeirSet(folder.name, documents, queries, qrels)
