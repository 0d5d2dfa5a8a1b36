"""Reading back the PDFs PCN Hub writes with fpdf2, for tests: pages and the text drawn."""

import re
import zlib


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)\b", pdf))


def pdf_text(pdf: bytes) -> str:
    """The strings drawn on the page, from fpdf2's compressed content streams."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    content = b"".join(zlib.decompress(s) for s in streams if s.startswith(b"x"))
    return " ".join(
        t.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
        for t in re.findall(rb"\((.*?)(?<!\\)\) Tj", content)
    )
