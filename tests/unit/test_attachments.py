"""Which files a complaint takes: by their first bytes, not by their names."""

from __future__ import annotations

from pathlib import Path

import pytest

from klachtenportaal.attachments import content_matches

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "files"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(("name", "content_type"), [
    ("brief.pdf", "application/pdf"), ("foto.png", "image/png"), ("verslag.docx", DOCX)])
def test_content_matches_real_files_of_their_kind(name: str, content_type: str) -> None:
    # GIVEN the first 4 KB of a real file WHEN checked against its kind THEN it matches
    assert content_matches(content_type, (FILES / name).read_bytes()[:4096])


@pytest.mark.parametrize(("head", "content_type"), [
    ((FILES / "nep.pdf").read_bytes(), "application/pdf"),  # a program named .pdf
    ((FILES / "brief.pdf").read_bytes(), "image/png"),
    (b"PK\x03\x04" + b"\x00" * 60 + b"evil.exe", DOCX),  # a zip, but no Word document
    (b"PK\x03\x04" + b"[Content_Types].xml" + b"xl/workbook.xml", DOCX),  # a spreadsheet
    (b"\xff\xd8\xfe", "image/jpeg"),
    (b"\x00\x00\x00\x18ftypisom", "image/heic"),  # an MP4 video
    (b"hallo\x00wereld", "text/plain"),
    (b"\xff\xfe niet utf-8", "text/plain"),
    (b"%PDF-1.4", "application/x-msdownload"),  # a kind the form does not take
])
def test_content_matches_refuses_what_is_not_what_it_says(head: bytes,
                                                          content_type: str) -> None:
    # GIVEN a file's first bytes WHEN checked against a kind it is not THEN it does not match
    assert not content_matches(content_type, head)


def test_content_matches_takes_text_and_photos_by_their_signatures() -> None:
    # GIVEN text (also cut off inside a character) and the signatures of photos
    # WHEN checked against their kinds THEN each matches
    assert content_matches("text/plain", "Gesprek op 3 maart:\r\n\u2013 geen afspraak".encode())
    # a head that ends halfway a character is still text
    assert content_matches("text/plain", "Café".encode()[:-1])
    assert content_matches("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    assert content_matches("image/heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00")
