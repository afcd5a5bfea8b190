from __future__ import annotations

import logging
from pathlib import Path

import pytest

from knowledge_base.errors import IngestError
from knowledge_base.ingest import load_file, load_folder


def test_markdown_keeps_title_sections_date_url_and_diagnostic(corpus_dir: Path) -> None:
    docs = {d.doc_id: d for d in load_folder(corpus_dir)}
    assert set(docs) == {"password-reset", "printer", "wifi"}
    doc = docs["password-reset"]
    assert doc.title == "Reset your password"
    assert doc.updated == "2025-01-15"
    assert doc.tags == ("password", "login")
    assert doc.diagnostic_id == "login"
    assert [s.heading for s in doc.sections] == ["", "Steps"]
    assert doc.sections[1].blocks[0].startswith("1. Click")
    assert docs["wifi"].url == "https://help.example.com/wifi"


def test_html_reads_headings_paragraphs_and_lists_without_scripts(tmp_path: Path) -> None:
    page = tmp_path / "vpn.html"
    page.write_text(
        """<html><head><title>Connect to the VPN</title><link rel="canonical" href="https://x.test/vpn">
        <script>alert('x')</script></head><body><h1>Connect to the VPN</h1><p>Use the VPN app.</p>
        <h2>Steps</h2><ol><li>Open the app.</li><li>Sign in.</li></ol></body></html>""",
        encoding="utf-8",
    )
    [doc] = load_file(page, str(page), "vpn")
    assert doc.title == "Connect to the VPN"
    assert doc.url == "https://x.test/vpn"
    assert doc.sections[0].blocks == ("Use the VPN app.",)
    assert doc.sections[1].heading == "Steps"
    assert doc.sections[1].blocks == ("1. Open the app.\n2. Sign in.",)
    assert "alert" not in doc.text


def test_plain_text_uses_first_line_as_title(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Printer codes\n\nE1 means paper jam.\n\nE2 means no toner.", encoding="utf-8")
    [doc] = load_file(path, str(path), "note")
    assert doc.title == "Printer codes"
    assert doc.sections[0].blocks == ("E1 means paper jam.", "E2 means no toner.")


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text, written by hand (no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_is_read_per_page(tmp_path: Path) -> None:
    path = tmp_path / "manual.pdf"
    path.write_bytes(_tiny_pdf("Hold the power button for ten seconds to reset the router."))
    [doc] = load_file(path, str(path), "manual")
    assert "power button for ten seconds" in doc.text
    assert doc.sections[0].heading == "page 1"


def test_faq_csv_and_jsonl_give_one_document_per_question(tmp_path: Path) -> None:
    csv_path = tmp_path / "faq.csv"
    csv_path.write_text(
        'question,answer\nWhat are the hours?,"8 to 6, Monday to Friday."\n', encoding="utf-8"
    )
    jsonl_path = tmp_path / "more.jsonl"
    jsonl_path.write_text('{"question": "Where is the printer?", "answer": "Floor 2."}\n\n', encoding="utf-8")
    docs = load_folder(tmp_path)
    assert [(d.title, d.text) for d in docs] == [
        ("What are the hours?", "8 to 6, Monday to Friday."),
        ("Where is the printer?", "Floor 2."),
    ]
    assert docs[0].doc_id == "faq-what-are-the-hours"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.md", "caf\xe9".encode("latin-1"), "not UTF-8"),
        ("bad.jsonl", b'{"question": "x", "answer":\n', "malformed JSON"),
        ("bad.csv", b"q,a\nx,y\n", "'question' and 'answer'"),
        ("bad.md", b"---\n- a list\n---\ntext", "front matter"),
    ],
)
def test_bad_files_give_a_clear_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        load_folder(tmp_path, strict=True)
    assert load_folder(tmp_path) == []  # not strict: the bad file is skipped, nothing else is lost


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not found"):
        load_folder(tmp_path / "nope")


def test_only_web_addresses_are_kept_as_an_article_url(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The url is shown to customers as a link, so a `javascript:` or relative address is dropped, loudly."""
    (tmp_path / "evil.md").write_text("---\ntitle: Evil\nurl: javascript:alert(1)\n---\nBody text.\n")
    (tmp_path / "page.html").write_text(
        '<html><head><title>Page</title><link rel="canonical" href="/wifi"></head><body><p>Text.</p></body></html>'
    )
    (tmp_path / "faq.csv").write_text(
        "question,answer,url\nHow do I print?,Pick the printer.,https://help.example.com/print\n"
        "How do I scan?,Use the scanner app.,data:text/html;base64,PHNjcmlwdD4=\n"
    )
    with caplog.at_level(logging.WARNING, logger="knowledge_base.ingest"):
        urls = {doc.title: doc.url for doc in load_folder(tmp_path)}
    assert urls == {
        "Evil": None,
        "Page": None,
        "How do I print?": "https://help.example.com/print",
        "How do I scan?": None,
    }
    assert "ignoring url 'javascript:alert(1)'" in caplog.text


def test_odd_front_matter_types_do_not_stop_the_build(tmp_path: Path) -> None:
    (tmp_path / "types.md").write_text("---\ntitle: 123\nupdated: soon\ntags: 5\n---\nBody text.\n")
    (doc,) = load_folder(tmp_path, strict=True)
    assert (doc.title, doc.updated, doc.tags) == ("123", "soon", ("5",))


def test_an_article_with_no_text_is_skipped_not_offered_as_an_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "draft.md").write_text("---\ntitle: Printer help\n---\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "wifi.md").write_text("# Wifi\n\nTurn wifi off and on.\n")
    with caplog.at_level(logging.WARNING, logger="knowledge_base.ingest"):
        docs = load_folder(tmp_path)
    assert [doc.doc_id for doc in docs] == ["wifi"]
    assert "draft.md has no text to answer with" in caplog.text


def test_a_skipped_file_is_one_warning_line_not_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "bad.md").write_bytes("caf\xe9".encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="knowledge_base.ingest"):
        assert load_folder(tmp_path) == []
    (record,) = caplog.records
    assert record.exc_info is None
    assert "bad.md: not UTF-8 text" in record.getMessage()


def test_faq_rows_without_an_answer_are_counted_in_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "faq.csv").write_text(
        "question,answer\nHow do I print?,Pick the printer.\nHow do I scan?,\n,Orphan answer\n"
    )
    with caplog.at_level(logging.WARNING, logger="knowledge_base.ingest"):
        docs = load_folder(tmp_path)
    assert [doc.title for doc in docs] == ["How do I print?"]
    assert "skipped 2 row(s) without both a question and an answer" in caplog.text
