"""What a complainant may attach to a complaint, and whether a file is what it says it is.
No AWS here: the backend reads a file's first bytes through its upload store and asks these
rules; the pages tell the same limits and kinds."""

from __future__ import annotations

from dataclasses import dataclass

from klachtenportaal.i18n import N_

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
# The bytes of a file read to tell its kind: enough for every signature below.
HEAD_BYTES = 4096


@dataclass(frozen=True)
class FileKind:
    label: str  # as the complainant knows it: "PDF", "Word-bestand (DOCX)"
    extensions: tuple[str, ...]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS: dict[str, FileKind] = {
    "application/pdf": FileKind(N_("PDF"), (".pdf",)),
    "image/jpeg": FileKind(N_("JPEG-foto"), (".jpg", ".jpeg")),
    "image/png": FileKind(N_("PNG-afbeelding"), (".png",)),
    "image/heic": FileKind(N_("HEIC-foto"), (".heic", ".heif")),
    DOCX: FileKind(N_("Word-bestand (DOCX)"), (".docx",)),
    "text/plain": FileKind(N_("tekstbestand"), (".txt",)),
}
# ISO base media brands of HEIC and HEIF photos (the `ftyp` box a phone writes).
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13}


def content_matches(content_type: str, head: bytes) -> bool:
    """Whether the first bytes of a file are those of `content_type` (its magic bytes), so a
    program renamed to .pdf is refused whatever its name or declared type."""
    if content_type == "application/pdf":
        return head.startswith(b"%PDF-")
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/heic":
        return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS
    if content_type == DOCX:
        # A zip archive holding a Word document's parts, not just any zip.
        return head.startswith(b"PK\x03\x04") and b"word/" in head
    if content_type == "text/plain":
        return _is_text(head)
    return False


def _is_text(head: bytes) -> bool:
    if not head or any(byte in _TEXT_CONTROLS for byte in head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The head may end inside a character; anything else is not UTF-8 text.
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def kind_of(head: bytes) -> str | None:
    """The content type a file's first bytes show it to be, of those the form takes."""
    return next((content_type for content_type in KINDS
                 if content_matches(content_type, head)), None)


def kind_named(name: str) -> str | None:
    """The content type a file's name claims (by its extension), of those the form takes:
    only to say what a file that is not what it claims should have been."""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((content_type for content_type, kind in KINDS.items()
                 if extension in kind.extensions), None)


def attachment_limits() -> dict[str, object]:
    """The limits and kinds as the pages state them, the form's file picker offers them and
    the page's script declares a file's type (by its extension)."""
    return {"files": MAX_FILES, "file_mb": MAX_FILE_BYTES // 2**20,
            "total_mb": MAX_TOTAL_BYTES // 2**20,
            "accept": ",".join(extension for kind in KINDS.values()
                               for extension in kind.extensions),
            "types": {extension.lstrip("."): content_type
                      for content_type, kind in KINDS.items() for extension in kind.extensions}}
