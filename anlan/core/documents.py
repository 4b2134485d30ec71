"""Word documents in the customary layout of Chinese official papers (python-docx, no template file):
标题 in 小标宋-style bold 22 pt, body in 仿宋 16 pt (三号), A4 with the GB/T 9704 margins."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT, TITLE_FONT = "仿宋", "宋体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # CJK text uses eastAsia


def _repeat_header():
    from docx.oxml import OxmlElement

    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    return element


class OfficialDocument:
    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), TITLE_FONT, 22, bold=True)

    def centered(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), BODY_FONT, 16)

    def line(self, text: str, *, indent: bool = True, bold: bool = False, right: bool = False) -> None:
        p = self.doc.add_paragraph()
        if right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif indent:
            p.paragraph_format.first_line_indent = Pt(32)  # two characters
        _font(p.add_run(text), BODY_FONT, 16, bold=bold)

    def table(self, rows: list[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            for cell, text, bold in ((cells[0], label, True), (cells[1], value, False)):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, 14, bold=bold)
            cells[0].width, cells[1].width = Cm(4), Cm(11.6)

    def grid(self, headers: list[str], rows: list[list[str]], widths_cm: list[float], size: float = 10.5) -> None:
        """A table of several columns (a scoring sheet, a register) in 五号 text with a bold header row that
        repeats on every printed page."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(_repeat_header())
        for cell, text in zip(header.cells, headers, strict=True):
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, size, bold=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, size)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
