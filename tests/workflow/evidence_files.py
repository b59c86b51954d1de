"""Real test files, made by the tests themselves: PDFs with reportlab (and pypdf for the hostile
ones), PNG and JPEG with Pillow."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen import canvas

MB3 = 3 * 1024 * 1024


def pdf(text: str = "Laporan hasil koordinasi", pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n in range(pages):
        c.drawString(72, 750, f"{text} ({n + 1})")
        c.showPage()
    c.save()
    return buf.getvalue()


def _rewrite(data: bytes, change) -> bytes:
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(w)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    return _rewrite(pdf(), lambda w: w.add_js("app.alert('halo');"))


def pdf_with_open_action_js() -> bytes:
    def change(w):
        w._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})

    return _rewrite(pdf(), change)


def pdf_with_escaped_js_name() -> bytes:
    """``/J#53`` is the name ``/JS`` written with a hex escape: a byte scan misses it, a parser not."""
    return pdf_with_open_action_js().replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def pdf_with_attachment() -> bytes:
    return _rewrite(pdf(), lambda w: w.add_attachment("virus.txt", b"bukan data dukung"))


def image(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def png(color=(200, 30, 30)) -> bytes:
    return image("PNG", color=color)


def jpeg(color=(30, 30, 200)) -> bytes:
    return image("JPEG", size=(320, 240), color=color)


def png_of_size(total: int) -> bytes:
    """A valid PNG of exactly ``total`` bytes: a private ancillary chunk before IEND pads it."""
    base = png()
    iend = base.rindex(b"IEND") - 4
    pad = total - len(base) - 12  # length, type and CRC of the padding chunk
    body = b"\0" * pad
    chunk = struct.pack(">I", pad) + b"pdDg" + body + struct.pack(">I", zlib.crc32(b"pdDg" + body))
    return base[:iend] + chunk + base[iend:]


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
