"""A customer's file is judged by its bytes: pictures, PDF and UTF-8 text pass, anything else does not,
whatever its name or the app's word; the download name always ends in the checked kind's extension."""

from __future__ import annotations

from customer_files.kinds import GIF, JPEG, PDF, PNG, TEXT, WEBP, kind_of, might_be_accepted
from customer_files.names import safe_name


def test_kinds_come_from_the_first_bytes() -> None:
    assert kind_of(b"\x89PNG\r\n\x1a\n" + bytes(20)) is PNG
    assert kind_of(b"\xff\xd8\xff\xe0" + bytes(20)) is JPEG
    assert kind_of(b"GIF89a" + bytes(20)) is GIF
    assert kind_of(b"RIFF\x10\x00\x00\x00WEBPVP8 ") is WEBP
    assert kind_of(b"%PDF-1.7\n") is PDF
    assert kind_of("Fehler 0x80070005: Zugriff verweigert, höflich\r\n".encode()) is TEXT


def test_programs_html_bytes_and_broken_text_are_refused() -> None:
    assert kind_of(b"MZ\x90\x00\x03\x00\x00\x00") is None  # an .exe, whatever it is called
    assert kind_of(b"PK\x03\x04zip") is None
    assert kind_of(b"\xff\xfe\x00b\x00a\x00d") is None  # not UTF-8
    assert kind_of(b"text with a \x00 byte") is None
    assert kind_of(b"") is None
    assert not might_be_accepted(b"MZ\x90\x00" + bytes(500))
    assert might_be_accepted("ok é".encode()[:-1])  # a character cut at the end of the first chunk


def test_download_names_are_safe_and_end_in_the_checked_kind() -> None:
    assert safe_name("screen shot.PNG", PNG) == "screen shot.PNG"
    assert safe_name("../../etc/passwd", TEXT) == "passwd.txt"
    assert safe_name("setup.exe", PNG) == "setup.exe.png"
    assert safe_name('a"b<c>\r\n.jpg', JPEG) == "a_b_c_.jpg"
    assert safe_name("", PDF) == "file.pdf"
    assert len(safe_name("x" * 500 + ".pdf", PDF)) <= 120
