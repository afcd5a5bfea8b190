"""Pictures lose what they say about the customer before they are stored: EXIF (GPS position, camera serial
number, time taken), XMP, IPTC and comments. Phone photos of an error message carry the customer's home
address in their GPS tags; the agent needs the pixels only.

Lossless: metadata segments (JPEG) and chunks (PNG, WebP) are cut out and the image data is copied byte for
byte, never re-encoded. A JPEG's orientation is kept (as a minimal EXIF block holding only that tag), so a
photo taken sideways still shows upright. A file whose structure cannot be followed is returned unchanged
(it was already checked by its first bytes; a picture viewer will show it or not, nothing runs)."""

from __future__ import annotations

import struct

from customer_files.kinds import JPEG, PNG, WEBP, FileKind

# JPEG APPn segments holding metadata: APP1 (EXIF, XMP), APP12 (Ducky), APP13 (IPTC / Photoshop); and COM.
# APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) are needed to show the colours.
_JPEG_DROPPED = {0xE1, 0xEC, 0xED, 0xFE}
_JPEG_NO_LENGTH = {0xD8, 0x01, *range(0xD0, 0xD8)}  # SOI, TEM, RSTn
_JPEG_START_OF_SCAN = 0xDA
_ORIENTATION_TAG = 0x0112
# PNG text and EXIF chunks; WebP's EXIF and XMP chunks.
_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_WEBP_DROPPED = {b"EXIF", b"XMP "}
_WEBP_VP8X_FLAGS_CLEARED = 0x08 | 0x04  # "has EXIF", "has XMP"


def without_metadata(data: bytes, kind: FileKind) -> bytes:
    try:
        if kind == JPEG:
            return _jpeg(data)
        if kind == PNG:
            return _png(data)
        if kind == WEBP:
            return _webp(data)
    except (IndexError, ValueError, struct.error):
        return data
    return data


def _jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("no JPEG start")
    kept = [data[:2]]
    orientation: int | None = None
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise ValueError("not at a JPEG marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_NO_LENGTH:
            kept.append(data[at : at + 2])
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2 or at + 2 + length > len(data):
            raise ValueError("JPEG segment runs past the end")
        segment = data[at : at + 2 + length]
        if marker == _JPEG_START_OF_SCAN:
            if orientation not in (None, 1):
                kept.insert(1, _exif_with_orientation(orientation))
            kept.append(data[at:])  # the compressed image itself, up to EOI, untouched
            return b"".join(kept)
        if marker in _JPEG_DROPPED:
            if marker == 0xE1 and segment[4:10] == b"Exif\x00\x00":
                orientation = _orientation(segment[10:]) or orientation
        else:
            kept.append(segment)
        at += 2 + length
    raise ValueError("no JPEG scan")


def _orientation(tiff: bytes) -> int | None:
    """The Orientation tag of IFD0 in a TIFF (EXIF) block, or None."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return None
    (first_ifd,) = struct.unpack(order + "I", tiff[4:8])
    (count,) = struct.unpack(order + "H", tiff[first_ifd : first_ifd + 2])
    for n in range(count):
        entry = tiff[first_ifd + 2 + 12 * n : first_ifd + 14 + 12 * n]
        tag, kind, _, value = struct.unpack(order + "HHI4s", entry)
        if tag == _ORIENTATION_TAG and kind == 3:  # SHORT
            (orientation,) = struct.unpack(order + "H", value[:2])
            return orientation if 1 <= orientation <= 8 else None
    return None


def _exif_with_orientation(orientation: int) -> bytes:
    """An APP1 EXIF segment with one tag: Orientation."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHIH2x", _ORIENTATION_TAG, 3, 1, orientation)
    tiff += struct.pack(">I", 0)  # no next IFD
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def _png(data: bytes) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        raise ValueError("no PNG signature")
    kept = [signature]
    at = len(signature)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunk_type = data[at + 4 : at + 8]
        end = at + 12 + length  # length, type, data, CRC
        if end > len(data):
            raise ValueError("PNG chunk runs past the end")
        if chunk_type not in _PNG_DROPPED:
            kept.append(data[at:end])
        at = end
        if chunk_type == b"IEND":
            break
    return b"".join(kept)


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("no WebP header")
    chunks = []
    at = 12
    while at + 8 <= len(data):
        chunk_type = data[at : at + 4]
        (size,) = struct.unpack("<I", data[at + 4 : at + 8])
        end = at + 8 + size + (size & 1)  # chunks are padded to an even size
        if end > len(data) + 1:
            raise ValueError("WebP chunk runs past the end")
        chunk = data[at:end]
        if chunk_type == b"VP8X":
            flags = chunk[8] & ~_WEBP_VP8X_FLAGS_CLEARED
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if chunk_type not in _WEBP_DROPPED:
            chunks.append(chunk)
        at = end
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
