"""Turn an article into a chat-sized answer: the summary and the numbered steps, not the whole page."""

from __future__ import annotations

import re

from knowledge_base.chunking import split_sentences
from knowledge_base.documents import Document

MAX_ANSWER_CHARS = 900
MAX_EXCERPT_SENTENCES = 3
_STEP_RE = re.compile(r"^\s*\d+[.)]\s+")


def _plain(text: str) -> str:
    """Drop Markdown emphasis so chat channels that show raw text stay readable."""
    return re.sub(r"(\*\*|__|`)", "", text)


def _is_steps(block: str) -> bool:
    lines = [ln for ln in block.splitlines() if ln.strip()]
    return bool(lines) and sum(bool(_STEP_RE.match(ln)) for ln in lines) >= max(1, len(lines) // 2)


def excerpt(text: str, max_sentences: int = MAX_EXCERPT_SENTENCES, max_chars: int = 500) -> str:
    sentences = split_sentences(_plain(text).replace("\n", " "))
    out = ""
    for sentence in sentences[:max_sentences]:
        if out and len(out) + 1 + len(sentence) > max_chars:
            break
        out = f"{out} {sentence}".strip()
    return out[:max_chars].rstrip() if out else _plain(text)[:max_chars].rstrip()


def short_answer(doc: Document) -> str | None:
    """Summary + steps when the article has a numbered list; None when it has none."""
    blocks = [b for s in doc.sections for b in s.blocks]
    steps = next((b for b in blocks if _is_steps(b)), None)
    if steps is None:
        return None
    summary = next((b for b in blocks if not _is_steps(b) and not b.lstrip().startswith("-")), "")
    parts = [excerpt(summary, 2, 300)] if summary else []
    budget = MAX_ANSWER_CHARS - sum(len(p) for p in parts)
    lines = []
    for line in (ln.strip() for ln in steps.splitlines() if ln.strip()):
        line = _plain(line)
        if len(line) + 1 > budget:
            break
        lines.append(line)
        budget -= len(line) + 1
    parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)
