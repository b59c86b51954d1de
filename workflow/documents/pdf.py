"""The ministry letter layout with reportlab: letterhead, number, place and date, subject,
addressee, title, body with facts and score tables, signature block, QR code, page numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT, BOLD = "Helvetica", "Helvetica-Bold"
BASE = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=13.2)
BODY = ParagraphStyle("body", parent=BASE, alignment=TA_JUSTIFY, spaceAfter=4)
HEAD = ParagraphStyle("head", parent=BASE, fontName=BOLD, alignment=TA_CENTER, fontSize=11.5, leading=15)
KOP_1 = ParagraphStyle("kop1", parent=BASE, fontName=BOLD, alignment=TA_CENTER, fontSize=12, leading=15)
KOP_2 = ParagraphStyle("kop2", parent=BASE, alignment=TA_CENTER, fontSize=8.5, leading=11)
SMALL = ParagraphStyle("small", parent=BASE, fontSize=8, leading=10)
CELL = ParagraphStyle("cell", parent=BASE, fontSize=9.5, leading=12)
CELL_B = ParagraphStyle("cellb", parent=CELL, fontName=BOLD)


@dataclass(frozen=True)
class Grid:
    """A table in the body: a header row, rows, relative column widths, an optional bold last row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    total_row: bool = False


@dataclass(frozen=True)
class Letter:
    number: str
    place_date: str  # "Jakarta, 15 Agustus 2023"
    subject: str
    title: str
    addressee: tuple[str, ...]
    body: str  # wording: paragraphs; "- " list items; "## " subheadings; "[[name]]" places a block
    blocks: dict = field(default_factory=dict)  # name -> Grid or tuple of (label, value)
    letterhead: tuple[str, ...] = ()
    signer: tuple[str, str, str] = ("", "", "")  # name, position, NIP
    qr_payload: str = ""
    short_code: str = ""
    attachment: str = "-"


def p(text: str, style=BASE) -> Paragraph:
    return Paragraph(escape(text), style)


def render(letter: Letter) -> bytes:
    """The letter as PDF bytes (A4, 2.5 cm margins)."""
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm, topMargin=12 * mm,
                            bottomMargin=18 * mm, title=f"{letter.title} {letter.number}",
                            author=letter.letterhead[1] if len(letter.letterhead) > 1 else "", subject=letter.subject,
                            creator="p2ham")
    story = _letterhead(letter.letterhead) + _heading(letter, doc.width) + _body(letter, doc.width)
    story.append(_signature(letter, doc.width))
    doc.build(story, canvasmaker=_numbered(letter.number))
    return out.getvalue()


def _letterhead(lines: tuple[str, ...]) -> list:
    if not lines:
        return []
    out = [p(lines[0], KOP_1)]
    if len(lines) > 1:
        out.append(p(lines[1], ParagraphStyle("kop1b", parent=KOP_1, fontSize=11)))
    out += [p(x, KOP_2) for x in lines[2:]]
    out += [Spacer(1, 2), HRFlowable(width="100%", thickness=2, color=colors.black, spaceAfter=1),
            HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceAfter=10)]
    return out


def _heading(letter: Letter, width: float) -> list:
    meta = [[p("Nomor"), p(":"), p(letter.number), p(letter.place_date)],
            [p("Sifat"), p(":"), p("Biasa"), ""],
            [p("Lampiran"), p(":"), p(letter.attachment), ""],
            [p("Hal"), p(":"), p(letter.subject), ""]]
    t = Table(meta, colWidths=[20 * mm, 4 * mm, width - 84 * mm, 60 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (3, 0), (3, 0), "RIGHT"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                           ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    to = [p("Yth.")] + [p(x) for x in letter.addressee]
    return [t, Spacer(1, 8)] + to + [Spacer(1, 12), p(letter.title.upper(), HEAD), Spacer(1, 8)]


def _body(letter: Letter, width: float) -> list:
    out: list = []
    items: list = []

    def flush_items():
        if items:
            out.append(ListFlowable([ListItem(p(i, BODY), leftIndent=14) for i in items], bulletType="1",
                                    bulletFontName=FONT, bulletFontSize=10, leftIndent=14))
            items.clear()

    for para in _paragraphs(letter.body):
        if para.startswith("- "):
            items.append(para[2:].strip())
            continue
        flush_items()
        if para.startswith("## "):
            out.append(p(para[3:].strip(), ParagraphStyle("sub", parent=BODY, fontName=BOLD, spaceBefore=4)))
        elif para.startswith("[[") and para.endswith("]]"):
            block = letter.blocks.get(para[2:-2].strip())
            if block is not None:
                out += [_block(block, width), Spacer(1, 8)]
        else:
            out.append(p(para, BODY))
    flush_items()
    return out


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; '- ' starts a list item (following lines continue it);
    '## ' and '[[block]]' lines stand alone."""
    paras: list[str] = []
    current = None  # index of the paragraph that a plain line continues
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            current = None
        elif line.startswith(("- ", "## ", "[[")):
            paras.append(line)
            current = len(paras) - 1 if line.startswith("- ") else None
        elif current is None:
            paras.append(line)
            current = len(paras) - 1
        else:
            paras[current] += " " + line
    return paras


def _block(block, width: float):
    if isinstance(block, Grid):
        total = sum(block.widths)
        rows = [[p(h, CELL_B) for h in block.header]]
        rows += [[p(str(c), CELL_B if block.total_row and i == len(block.rows) - 1 else CELL) for c in row]
                 for i, row in enumerate(block.rows)]
        t = Table(rows, colWidths=[width * w / total for w in block.widths], repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t
    rows = [[p(label), p(":"), p(str(value))] for label, value in block]
    t = Table(rows, colWidths=[50 * mm, 4 * mm, width - 54 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return t


def _signature(letter: Letter, width: float):
    name, position, nip = letter.signer
    sign = [p(position + ","), Spacer(1, 34), p(name, ParagraphStyle("n", parent=BASE, fontName=BOLD)),
            p(f"NIP. {nip}")]
    left: list = [Spacer(1, 1)]
    if letter.qr_payload:
        size = 30 * mm
        widget = QrCodeWidget(letter.qr_payload, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        left = [drawing, p(f"Kode verifikasi: {letter.short_code}", SMALL),
                p("Periksa keaslian dokumen ini di", SMALL), p(letter.qr_payload, SMALL)]
    t = Table([[left, sign]], colWidths=[width * 0.45, width * 0.55])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 8), t])


def _numbered(number: str):
    """A canvas class that writes 'Halaman i dari n' and the document number on every page."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(colors.HexColor("#444444"))
                self.drawString(25 * mm, 12 * mm, f"Nomor {number}")
                self.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Halaman {self._pageNumber} dari {total}")
                super().showPage()
            super().save()

    return NumberedCanvas
