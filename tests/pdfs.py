"""Reading back the PDFs PCN Hub writes with fpdf2, for tests: pages and the text drawn."""

import re
import zlib


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)\b", pdf))


def page_texts(pdf: bytes) -> list[str]:
    """The strings drawn on each page, in order, from fpdf2's compressed content streams
    (one a page; the core fonts have none)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    return [
        " ".join(
            t.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
            for t in re.findall(rb"\((.*?)(?<!\\)\) Tj", zlib.decompress(s))
        )
        for s in streams
        if s.startswith(b"x")
    ]


def pdf_text(pdf: bytes) -> str:
    """The strings drawn on every page."""
    return " ".join(page_texts(pdf))
