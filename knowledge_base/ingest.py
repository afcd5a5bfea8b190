"""Read a folder of Markdown, HTML, text, PDF and FAQ (CSV/JSONL) files into `Document`s.

Each reader keeps the title, the heading of every section, the source path (or the `url` from front
matter) and the updated date, so every chunk can be cited later.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import yaml

from knowledge_base.documents import Document, Section, content_hash, slugify
from knowledge_base.errors import IngestError

log = logging.getLogger(__name__)

_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_DOC_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt", ".pdf"}
_FAQ_SUFFIXES = {".csv", ".jsonl"}
SUPPORTED_SUFFIXES = frozenset(_DOC_SUFFIXES | _FAQ_SUFFIXES)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _web_url(value: object, source: str) -> str | None:
    """An article's own address, kept only if it is http(s): it is shown to customers as a link."""
    if not value:
        return None
    url = str(value).strip()
    if url.lower().startswith(("https://", "http://")):
        return url
    log.warning(
        "%s: ignoring url %r (only http:// and https:// addresses are shown to customers)", source, url
    )
    return None


def _as_date(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)


def _blocks(text: str) -> list[str]:
    """Split text on blank lines; a numbered or bulleted list stays one block."""
    blocks = [re.sub(r"[ \t]+", " ", b).strip() for b in re.split(r"\n\s*\n", text)]
    return [b for b in blocks if b]


def parse_markdown(text: str, source: str, doc_id: str) -> Document:
    meta: dict[str, object] = {}
    match = _FRONT_MATTER_RE.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise IngestError(f"{source}: bad front matter: {exc}") from exc
        if not isinstance(loaded, dict):
            raise IngestError(f"{source}: front matter must be a mapping")
        meta = loaded
        text = text[match.end() :]
    title = str(meta.get("title") or "").strip()
    sections: list[Section] = []
    heading = ""
    lines: list[str] = []

    def flush() -> None:
        blocks = _blocks("\n".join(lines))
        if blocks:
            sections.append(Section(heading, tuple(blocks)))

    for line in text.splitlines():
        hmatch = _HEADING_RE.match(line)
        if hmatch:
            flush()
            lines = []
            heading = hmatch.group(2).strip()
            if len(hmatch.group(1)) == 1 and not title:
                title = heading
            if heading == title:
                heading = ""
            continue
        lines.append(line)
    flush()
    if not title:
        title = Path(source).stem.replace("-", " ").replace("_", " ").capitalize()
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    elif not isinstance(tags, list | tuple):  # `tags: 5` is one tag, not a crash
        tags = [tags]
    return Document(
        doc_id=doc_id,
        title=title,
        source=source,
        sections=tuple(sections),
        content_hash=content_hash(text, json.dumps(meta, default=str, sort_keys=True)),
        url=_web_url(meta.get("url"), source),
        updated=_as_date(meta.get("updated")),
        tags=tuple(str(t) for t in tags),
        diagnostic_id=str(meta["diagnostic"]) if meta.get("diagnostic") else None,
        asked_as=_phrasings(meta.get("asked_as")),
    )


def _phrasings(value: object) -> tuple[str, ...]:
    """`asked_as` from front matter or a FAQ column: a list, or one string with phrasings split by "|"."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split("|")
    return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def parse_html(text: str, source: str, doc_id: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header"]):
        tag.decompose()
    title_tag = soup.find("title") or soup.find("h1")
    title = title_tag.get_text(" ", strip=True) if title_tag else Path(source).stem
    canonical = soup.find("link", rel="canonical")
    url = _web_url(canonical.get("href"), source) if canonical else None
    body = soup.body or soup
    sections: list[Section] = []
    heading = ""
    blocks: list[str] = []
    for el in body.find_all(["h1", "h2", "h3", "h4", "p", "ol", "ul", "pre", "table"]):
        if el.find_parent(["ol", "ul", "table"]) is not None:
            continue
        if el.name in {"h1", "h2", "h3", "h4"}:
            if blocks:
                sections.append(Section(heading, tuple(blocks)))
            heading = el.get_text(" ", strip=True)
            heading = "" if heading == title else heading
            blocks = []
        elif el.name == "ol":
            items = [li.get_text(" ", strip=True) for li in el.find_all("li")]
            blocks.append("\n".join(f"{i}. {item}" for i, item in enumerate(items, 1)))
        elif el.name == "ul":
            blocks.append("\n".join(f"- {li.get_text(' ', strip=True)}" for li in el.find_all("li")))
        else:
            content = el.get_text(" ", strip=True)
            if content:
                blocks.append(content)
    if blocks:
        sections.append(Section(heading, tuple(blocks)))
    return Document(
        doc_id=doc_id,
        title=title,
        source=source,
        sections=tuple(sections),
        content_hash=content_hash(text),
        url=url,
    )


def parse_text(text: str, source: str, doc_id: str) -> Document:
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    title = first.strip() or Path(source).stem
    return Document(
        doc_id=doc_id,
        title=title,
        source=source,
        sections=(Section("", tuple(_blocks(rest))),),
        content_hash=content_hash(text),
    )


def parse_pdf(raw: bytes, source: str, doc_id: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError) as exc:
        raise IngestError(f"{source}: unreadable PDF: {exc}") from exc
    sections = []
    for n, page in enumerate(pages, 1):
        # PDF text has hard line breaks inside paragraphs; keep blank-line breaks only.
        blocks = [re.sub(r"\s*\n\s*", " ", b) for b in _blocks(page)]
        if blocks:
            sections.append(Section(f"page {n}", tuple(blocks)))
    first_line = next((b for s in sections for b in s.blocks), "")[:80]
    title = meta_title.strip() or first_line or Path(source).stem
    return Document(
        doc_id=doc_id,
        title=title,
        source=source,
        sections=tuple(sections),
        content_hash=content_hash(raw.hex()),
    )


def _faq_rows(raw: str, path: Path) -> Iterator[tuple[str, str, str | None, object]]:
    """(question, answer, url, asked_as) for each row of a FAQ file."""
    if path.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(raw))
        fields = {f.lower(): f for f in reader.fieldnames or []}
        if "question" not in fields or "answer" not in fields:
            raise IngestError(f"{path}: FAQ CSV needs 'question' and 'answer' columns")
        for row in reader:
            yield (
                row[fields["question"]] or "",
                row[fields["answer"]] or "",
                row.get(fields.get("url", "")),
                row.get(fields.get("asked_as", "")),
            )
        return
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{path}:{n}: malformed JSON: {exc.msg}") from exc
        if not isinstance(obj, dict) or "question" not in obj or "answer" not in obj:
            raise IngestError(f"{path}:{n}: each line needs 'question' and 'answer'")
        yield str(obj["question"]), str(obj["answer"]), obj.get("url"), obj.get("asked_as")


def parse_faq(raw: str, path: Path, source: str, stem_id: str) -> list[Document]:
    docs = []
    seen: set[str] = set()
    incomplete = 0
    for question, answer, given_url, asked in _faq_rows(raw, path):
        question, answer, url = question.strip(), answer.strip(), _web_url(given_url, source)
        if not question or not answer:
            incomplete += 1
            continue
        doc_id = f"{stem_id}-{slugify(question, 48)}"
        while doc_id in seen:
            doc_id += "-x"
        seen.add(doc_id)
        docs.append(
            Document(
                doc_id=doc_id,
                title=question,
                source=source,
                sections=(Section("", tuple(_blocks(answer))),),
                content_hash=content_hash(question, answer, url or "", *_phrasings(asked)),
                url=url,
                asked_as=_phrasings(asked),
            )
        )
    if incomplete:
        log.warning("%s: skipped %d row(s) without both a question and an answer", source, incomplete)
    return docs


_PARSERS: dict[str, Callable[[str, str, str], Document]] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
    ".txt": parse_text,
}


def load_file(path: Path, source: str, doc_id: str) -> list[Document]:
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    if suffix == ".pdf":
        return [parse_pdf(raw, source, doc_id)]
    text = _decode(raw, path)
    if suffix in _FAQ_SUFFIXES:
        return parse_faq(text, path, source, doc_id)
    parser = _PARSERS.get(suffix)
    if parser is None:
        raise IngestError(f"{path}: unsupported file type {suffix!r}")
    return [parser(text, source, doc_id)]


def _display_path(path: Path) -> str:
    """Cite `data/kb/x.md` rather than an absolute path when the file is under the working directory."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_folder(folder: Path, *, strict: bool = False) -> list[Document]:
    """Read every supported file under `folder`. A bad file is logged and skipped unless `strict`."""
    if not folder.is_dir():
        raise IngestError(f"source folder not found: {folder}")
    docs: list[Document] = []
    seen: set[str] = set()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        rel = path.relative_to(folder)
        source = _display_path(path)
        doc_id = slugify(rel.with_suffix("").as_posix(), 80)
        try:
            loaded = load_file(path, source, doc_id)
        except IngestError as exc:
            if strict:
                raise
            log.warning("skipped: %s", exc)  # the message names the file
            continue
        for doc in loaded:
            # A title-only draft would "answer" customers with its title alone.
            if not any(section.blocks for section in doc.sections):
                log.warning("skipped: %s has no text to answer with", doc.source)
                continue
            if doc.doc_id in seen:
                raise IngestError(f"{path}: duplicate document id {doc.doc_id!r}")
            seen.add(doc.doc_id)
            docs.append(doc)
    return docs
