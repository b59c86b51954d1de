"""Content checks of one uploaded file, over its bytes: name rules, size, magic bytes against the
extension, then a real parse (pypdf for PDF, Pillow for images). Every refusal is a
``ValidationFailed`` naming the rule broken (``details['rule']``); nothing is written here."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from ..errors import ValidationFailed

MAX_NAME = 255
MAX_PIXELS = 50_000_000  # far above any camera photo; refuses decompression bombs before decoding
KIND_OF_EXTENSION = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg"}
MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
KIND_LABELS = {"pdf": "PDF", "png": "gambar PNG", "jpeg": "gambar JPEG"}
_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))
_FOREIGN = ((b"MZ", "program Windows (EXE/DLL)"), (b"\x7fELF", "program Linux (ELF)"),
            (b"PK\x03\x04", "arsip ZIP atau dokumen Office"), (b"GIF8", "gambar GIF"), (b"RIFF", "berkas RIFF/WEBP"),
            (b"#!", "skrip"), (b"<", "HTML/XML"), (b"\xd0\xcf\x11\xe0", "dokumen Office lama"))
_ACTIVE_PDF_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/EmbeddedFiles": "berkas tersemat",
                    "/EmbeddedFile": "berkas tersemat", "/RichMedia": "media aktif", "/Launch": "perintah menjalankan program"}
_ACTIVE_PDF_VALUES = {"/JavaScript": "JavaScript", "/Launch": "perintah menjalankan program",
                      "/EmbeddedFile": "berkas tersemat", "/FileAttachment": "berkas tersemat",
                      "/RichMedia": "media aktif"}


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the original name, normalised (NFC); metadata only, never a path
    kind: str  # pdf | png | jpeg
    media_type: str
    size: int


def _refuse(rule: str, message: str, message_en: str) -> ValidationFailed:
    return ValidationFailed(message, message_en, rule=rule, fields={"file": message})


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.2f}".replace(".", ",") + " MB"


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Indonesian thousands separator


def check_name(filename: str, allowed: tuple[str, ...]) -> tuple[str, str]:
    """The normalised name and its lower-case extension, or a refusal."""
    name = unicodedata.normalize("NFC", filename or "")
    if not name.strip():
        raise _refuse("name_missing", "Nama berkas wajib ada.", "The file has no name.")
    if len(name) > MAX_NAME:
        raise _refuse("name_too_long", f"Nama berkas terlalu panjang ({len(name)} karakter; paling banyak "
                      f"{MAX_NAME} karakter). Persingkat nama berkas lalu unggah kembali.", "File name too long.")
    if "/" in name or "\\" in name or name.startswith("."):
        raise _refuse("name_path", "Nama berkas tidak boleh memuat garis miring ('/' atau '\\') atau diawali "
                      "titik (seperti '../'); gunakan nama berkas biasa, misalnya 'foto_ramp.jpg'.", "File name looks like a path.")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise _refuse("name_control", "Nama berkas memuat karakter kontrol yang tidak diperbolehkan.",
                      "File name contains control characters.")
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if ext not in allowed or ext not in KIND_OF_EXTENSION:
        shown = f"'.{ext}'" if ext else "tanpa ekstensi"
        raise _refuse("type_not_allowed", f"Jenis berkas {shown} tidak diizinkan. Jenis yang diizinkan: "
                      f"{', '.join(allowed)}.", f"File type {ext or '(none)'} is not allowed.")
    return name, ext


def check_file(filename: str, data: bytes, allowed: tuple[str, ...], max_bytes: int) -> CheckedFile:
    """Check an upload completely; return what it is, or raise ValidationFailed naming the rule."""
    name, ext = check_name(filename, tuple(t.lower() for t in allowed))
    if len(data) == 0:
        raise _refuse("empty", "Berkas kosong (0 bita) dan tidak dapat diterima.", "The file is empty.")
    if len(data) > max_bytes:
        raise _refuse("too_large", f"Ukuran berkas {_mb(len(data))} ({_n(len(data))} bita) melebihi batas "
                      f"{_mb(max_bytes)} ({_n(max_bytes)} bita).", "The file is too large.")
    kind = KIND_OF_EXTENSION[ext]
    actual = next((k for magic, k in _MAGIC if data.startswith(magic)), None)
    if actual is None:
        what = next((label for magic, label in _FOREIGN if data.lstrip()[:8].startswith(magic)), "tidak dikenal")
        raise _refuse("content_not_allowed", f"Isi berkas bukan {KIND_LABELS[kind]} (jenis isi: {what}), "
                      f"walaupun namanya berakhiran '.{ext}'. Hanya PDF, JPG/JPEG dan PNG asli yang diterima.",
                      "The content is not an allowed file type.")
    if actual != kind:
        raise _refuse("type_mismatch", f"Isi berkas adalah {KIND_LABELS[actual]}, tidak sesuai dengan ekstensi "
                      f"'.{ext}'. Simpan berkas dengan ekstensi yang benar lalu unggah kembali.",
                      "The content does not match the extension.")
    if kind == "pdf":
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return CheckedFile(name, kind, MEDIA_TYPES[kind], len(data))


def _damaged(kind: str, detail: str = "") -> ValidationFailed:
    return _refuse("damaged", f"Berkas {KIND_LABELS[kind]} rusak atau terpotong sehingga tidak dapat dibaca"
                   f"{' (' + detail + ')' if detail else ''}. Simpan ulang berkas dari aplikasi asalnya lalu "
                   "unggah kembali.", "The file is damaged or truncated.")


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%%EOF" not in data[-1024:]:
        raise _damaged("pdf", "penanda akhir berkas tidak ada")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns on harmless oddities; errors still raise
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _refuse("encrypted", "Berkas PDF terkunci kata sandi; unggah PDF tanpa kata sandi.",
                              "The PDF is encrypted.")
            if len(reader.pages) == 0:
                raise _damaged("pdf", "tidak ada halaman")
            found = _active_content(reader.trailer)
    except ValidationFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError) as exc:
        raise _damaged("pdf") from exc
    if found is None and re.search(rb"/(JavaScript|EmbeddedFile)\b", data):
        found = "JavaScript atau berkas tersemat"  # also outside the reachable objects
    if found:
        raise _refuse("pdf_active_content", f"Berkas PDF memuat {found}, yang tidak diperbolehkan demi keamanan. "
                      "Cetak ulang dokumen ke PDF biasa (Print to PDF) lalu unggah kembali.",
                      "The PDF carries JavaScript, embedded files or other active content.")


def _active_content(root) -> str | None:
    """Walk every object reachable from the trailer; name the first active content found."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen, stack = set(), [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for k, v in obj.items():
                if k in _ACTIVE_PDF_KEYS:
                    return _ACTIVE_PDF_KEYS[k]
                if isinstance(v, NameObject) and k in ("/S", "/Type", "/Subtype") and v in _ACTIVE_PDF_VALUES:
                    return _ACTIVE_PDF_VALUES[v]
                if k != "/Parent":  # the page tree is reached from the root anyway
                    stack.append(v)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _check_image(data: bytes, kind: str) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt, (w, h) = img.format, img.size
                if w * h > MAX_PIXELS:
                    raise _refuse("image_too_big", f"Dimensi gambar {w} x {h} piksel terlalu besar (paling banyak "
                                  f"{_n(MAX_PIXELS)} piksel).", "Image dimensions too large.")
                img.load()  # decodes every pixel: a truncated image fails here
    except ValidationFailed:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _damaged(kind) from exc
    if fmt != {"png": "PNG", "jpeg": "JPEG"}[kind]:
        raise _damaged(kind, f"format terbaca {fmt}")
