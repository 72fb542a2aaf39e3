"""Bytes to text without rewriting: binary sniffing, BOM handling, UTF-8 first, then detection;
and the size limits a read input must keep (bytes before decoding, characters after)."""

from __future__ import annotations

from pathlib import Path

from newsprism.config import ReadOptions
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError

# Longest BOM first: the UTF-32-LE mark begins with the UTF-16-LE one. The explicit-endian codecs
# keep the mark as the character U+FEFF (the plain 'utf-16' codec would eat it), because gold
# offsets in the public data count it.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# C0 controls that ordinary text uses: tab, LF, CR, FF (and VT, rare but seen in old dumps).
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c")


def bom_encoding(data: bytes) -> str | None:
    """The encoding a leading byte-order mark announces, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def utf16_without_bom(prefix: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit only at odd/even offsets of mostly-ASCII pairs.

    BOM-less UTF-16 of Latin-script text has a NUL in every other byte; binary data scatters them.
    """
    if len(prefix) < 8:
        return None
    pairs = len(prefix) // 2
    even_nul = sum(1 for i in range(0, pairs * 2, 2) if prefix[i] == 0)
    odd_nul = sum(1 for i in range(1, pairs * 2, 2) if prefix[i] == 0)
    # 90%: a few non-Latin characters in a Latin-script text still leave their high byte non-NUL.
    if odd_nul >= 0.9 * pairs and even_nul == 0:
        return "utf-16-le"
    if even_nul >= 0.9 * pairs and odd_nul == 0:
        return "utf-16-be"
    return None


def is_binary(data: bytes, options: ReadOptions) -> bool:
    """True when the first `sniff_bytes` hold a NUL or too many control bytes for text.

    Inputs whose BOM (or NUL pattern) shows UTF-16/32 are text: their NULs are part of the code.
    """
    prefix = data[: options.sniff_bytes]
    if bom_encoding(prefix) or utf16_without_bom(prefix):
        return False
    if b"\x00" in prefix:
        return True
    if not prefix:
        return False
    controls = sum(1 for b in prefix if (b < 0x20 and b not in _TEXT_CONTROLS) or b == 0x7F)
    return controls / len(prefix) > options.max_control_ratio


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """(text, encoding): BOM codec, else strict UTF-8, else charset-normalizer's best guess.

    Raises E102 when nothing decodes. The text is returned exactly as decoded.
    """
    encoding = bom_encoding(data) or utf16_without_bom(data[:8192])
    if encoding:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as bad:
            raise NewsprismError(
                Code.UNDECODABLE, where, f"invalid {encoding}: {bad.reason}"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not best.encoding:
        raise NewsprismError(Code.UNDECODABLE, where, "not UTF-8 and no encoding detected")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as bad:
        raise NewsprismError(Code.UNDECODABLE, where, f"detected {best.encoding}: {bad}") from None


def read_limited(path: Path, options: ReadOptions) -> bytes:
    """The bytes of a whole-file input, refused before reading when over `read.max_bytes`
    (E104: a 200 MB "article" must not be loaded to be rejected); a missing or unreadable file
    is E100 (with the system's reason when it is not simply missing)."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            detail = f"{size} bytes > read.max_bytes={options.max_bytes}"
            raise NewsprismError(Code.TOO_LARGE, name, detail)
        return path.read_bytes()
    except FileNotFoundError:
        raise NewsprismError(Code.NOT_FOUND, name) from None
    except OSError as bad:
        # Permission denied, a directory given as a file, a FIFO: name it and let the batch go on.
        raise NewsprismError(Code.NOT_FOUND, name, bad.strerror or str(bad)) from None


def check_text_bytes(data: bytes, where: str, options: ReadOptions) -> None:
    """Refuse empty, oversized or binary input before any decoding (E103, E104, E101)."""
    if not data:
        raise NewsprismError(Code.EMPTY, where)
    if len(data) > options.max_bytes:
        raise NewsprismError(
            Code.TOO_LARGE, where, f"{len(data)} bytes > read.max_bytes={options.max_bytes}"
        )
    if is_binary(data, options):
        raise NewsprismError(Code.BINARY, where, "NUL or control bytes in the first bytes")


def check_length(doc: Document, read: ReadOptions) -> None:
    """E113 when `doc`'s text is longer than `read.max_chars` (analysis memory grows with it)."""
    if len(doc.text) > read.max_chars:
        source = str(doc.meta.get("source") or doc.id)
        detail = f"{len(doc.text)} characters > read.max_chars={read.max_chars}"
        raise NewsprismError(Code.TOO_LONG, source, detail)
