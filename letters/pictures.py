"""Pictures of a Word letter: the SEPA payment QR code drawn with segno, the logo of the templates folder."""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import segno
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.image.image import Image
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from models.payment import PaymentQr

QR_WIDTH = Mm(26)  # quiet zone included: about 0.5 mm a module, 0.4 mm for 15 invoices (version 11)
LOGO_WIDTH = Mm(40)
LOGO_MAX_HEIGHT = Mm(15)  # a square logo stays within the letterhead: the address block keeps its place
LOGO_NAMES = ("logo.png", "logo.jpg", "logo.jpeg")
# What python-docx raises on a file that is not a picture it can read (or one cut short).
IMAGE_ERRORS = (
    UnrecognizedImageError, UnexpectedEndOfFileError, InvalidImageStreamError,
    ValueError, IndexError, struct.error, ZeroDivisionError,
)  # fmt: skip


def with_pictures(doc: DocxTemplate, fields: dict[str, Any], logo: Path | None) -> dict[str, Any]:
    """The fields with the QR code and the logo as pictures of this document (docxtpl's InlineImage)."""
    filled = dict(fields)
    qr = fields.get("qr_paiement")
    if isinstance(qr, PaymentQr):
        filled["qr_paiement"] = InlineImage(doc, io.BytesIO(qr_png(qr.payload)), width=QR_WIDTH)
    if logo is not None:
        stat = logo.stat()
        width, height = logo_size(logo, stat.st_mtime_ns, stat.st_size)
        filled["logo"] = InlineImage(doc, str(logo), width=width, height=height)
    return filled


@lru_cache(maxsize=64)  # the emailed and the printed copy of a letter share their code
def qr_png(payload: str) -> bytes:
    """The QR code as a black and white PNG: error correction level M and version 13 at most, as EPC069-12
    requires; byte mode in UTF-8, the character set the payload declares."""
    qr = segno.make(payload.encode("utf-8"), error="m", boost_error=False, micro=False)
    assert qr.version <= 13, qr.version  # a payload of 331 bytes at most fits version 13
    out = io.BytesIO()
    # 2 modules of quiet zone in the picture: the white of the page around it gives the 4 that
    # ISO/IEC 18004 asks for (the table cell keeps text 4 mm away).
    qr.save(out, kind="png", scale=5, border=2)  # 5 pixels a module: over 300 dpi at 2.6 cm
    return out.getvalue()


# --- the logo ---------------------------------------------------------------------------------------


def find_logo(folder: Path) -> Path | None:
    """templates_word/logo.png (or .jpg, .jpeg, in any case); None when there is none."""
    if not folder.is_dir():
        return None
    by_name = {path.name.lower(): path for path in folder.iterdir() if path.is_file()}
    return next((by_name[name] for name in LOGO_NAMES if name in by_name), None)


@cache
def logo_size(path: Path, mtime: int, size: int) -> tuple[int, int]:
    """4 cm wide with its own proportions, or 1.5 cm high for a logo that would be taller."""
    image = Image.from_file(str(path))
    ratio = image.px_height / image.px_width
    if LOGO_WIDTH * ratio > LOGO_MAX_HEIGHT:
        return int(LOGO_MAX_HEIGHT / ratio), LOGO_MAX_HEIGHT
    return LOGO_WIDTH, int(LOGO_WIDTH * ratio)


def logo_problem(path: Path, shown: str) -> str:
    """Why the logo cannot go on the letters, in one French sentence; "" when it is a whole PNG or JPEG."""
    fix = (
        f"Le logo {shown} n'est pas une image lisible ({{}}) : enregistrez-le de nouveau au format PNG ou "
        f"JPEG depuis un logiciel d'images, ou retirez-le du dossier {path.parent.name}."
    )
    try:
        data = path.read_bytes()
    except OSError as error:
        return fix.format(f"il ne s'ouvre pas : {error.strerror or type(error).__name__}")
    is_png = data.startswith(b"\x89PNG\r\n\x1a\n")
    if not is_png and not data.startswith(b"\xff\xd8"):
        return fix.format("ce n'est ni un PNG ni un JPEG")
    damaged = fix.format("le fichier est abîmé ou incomplet")
    try:
        image = Image.from_blob(data)
    except IMAGE_ERRORS:
        return damaged
    if not image.px_width or not image.px_height:
        return damaged
    return "" if (_whole_png(data) if is_png else _whole_jpeg(data)) else damaged


def _whole_png(data: bytes) -> bool:
    """Every chunk has its CRC right, the image data inflates, and the file ends with IEND (PNG spec, 5.3)."""
    offset, pixels = 8, zlib.decompressobj()
    try:
        while offset + 12 <= len(data):
            length, kind = struct.unpack(">I4s", data[offset : offset + 8])
            chunk = data[offset + 4 : offset + 8 + length]
            (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
            if len(chunk) != 4 + length or zlib.crc32(chunk) != crc:
                return False
            if kind == b"IDAT":
                pixels.decompress(chunk[4:])
            if kind == b"IEND":
                return pixels.eof
            offset += 12 + length
    except (struct.error, zlib.error):
        return False
    return False


def _whole_jpeg(data: bytes) -> bool:
    """Starts with SOI and ends with EOI (a few padding bytes after it are common)."""
    return data.startswith(b"\xff\xd8") and b"\xff\xd9" in data[-64:]
