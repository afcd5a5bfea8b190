"""Pictures are stored without their metadata (GPS position, camera, comments), the image itself byte for
byte: checked by decoding with Pillow, an independent reader."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

from customer_files.kinds import JPEG, PNG, WEBP, kind_of
from customer_files.metadata import without_metadata

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _picture() -> Image.Image:
    image = Image.new("RGB", (64, 40), (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, 32, 20))
    return image


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # camera make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    return exif


def _pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def test_a_jpeg_loses_its_gps_and_camera_but_keeps_its_pixels_and_orientation() -> None:
    out = io.BytesIO()
    _picture().save(out, "JPEG", exif=_exif(6), comment=b"Sam's house, 12 Acacia Avenue")
    original = out.getvalue()
    assert kind_of(original) == JPEG
    stripped = without_metadata(original, JPEG)
    assert b"Acacia" not in stripped and b"PhoneMaker" not in stripped
    exif = Image.open(io.BytesIO(stripped)).getexif()
    assert dict(exif) == {ORIENTATION: 6}  # shown upright, nothing else kept
    assert not exif.get_ifd(GPS_IFD)
    assert _pixels(stripped) == _pixels(original)


def test_an_upright_jpeg_keeps_no_exif_at_all() -> None:
    out = io.BytesIO()
    _picture().save(out, "JPEG", exif=_exif(1))
    stripped = without_metadata(out.getvalue(), JPEG)
    assert b"Exif" not in stripped
    assert _pixels(stripped) == _pixels(out.getvalue())


def test_png_text_and_exif_chunks_go_and_the_picture_stays() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home: 12 Acacia Avenue")
    info.add_itxt("Author", "Sam Jones")
    out = io.BytesIO()
    _picture().save(out, "PNG", pnginfo=info, exif=_exif(1))
    stripped = without_metadata(out.getvalue(), PNG)
    assert b"Acacia" not in stripped and b"Sam Jones" not in stripped and b"eXIf" not in stripped
    assert _pixels(stripped) == _pixels(out.getvalue())


def test_webp_exif_goes_and_the_picture_stays() -> None:
    out = io.BytesIO()
    _picture().save(out, "WEBP", lossless=True, exif=_exif(1).tobytes())
    original = out.getvalue()
    assert b"PhoneMaker" in original
    stripped = without_metadata(original, WEBP)
    assert b"PhoneMaker" not in stripped and kind_of(stripped) == WEBP
    assert _pixels(stripped) == _pixels(original)


def test_a_file_that_cannot_be_followed_is_left_as_it_is() -> None:
    broken = b"\xff\xd8\xff\xe1\xff\xff" + b"Exif" * 10  # a segment longer than the file
    assert without_metadata(broken, JPEG) == broken
    assert without_metadata(b"\x89PNG\r\n\x1a\n\x00\x00", PNG) == b"\x89PNG\r\n\x1a\n\x00\x00"
