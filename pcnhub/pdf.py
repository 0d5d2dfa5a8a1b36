"""Text for fpdf2's core fonts, which draw Latin-1 only: look-alikes to ASCII, cells that
fit."""

from fpdf import FPDF

ASCII_LOOKALIKES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u200b": "",
    }
)


def latin1(text: str) -> str:
    """Text the core Helvetica font can draw: known look-alikes to ASCII, the rest to '?'."""
    return text.translate(ASCII_LOOKALIKES).encode("latin-1", "replace").decode("latin-1")


def fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut with '...' so it fits a cell of `width` rather than spilling or wrapping."""
    text = latin1(text)
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "...") > room:
        text = text[:-1]
    return text.rstrip() + "..."


def wrap(pdf: FPDF, text: str, width: float, max_lines: int = 0) -> list[str]:
    """The text broken into lines that fit a cell of `width` in the current core font: at
    spaces, and inside a word too long for a line. Measured from the font's widths directly,
    so a report of thousands of rows stays quick (multi_cell is some thirty times slower).
    With `max_lines`, the last line kept ends in '...' when there was more."""
    widths = pdf.current_font.cw

    def size(word: str) -> float:
        return sum(map(widths.__getitem__, word))

    room = (width - 2 * pdf.c_margin) / (pdf.font_size / 1000)
    space = widths[" "]
    lines: list[str] = []
    line, used = "", 0.0
    for word in latin1(text).split():
        wide = size(word)
        if line and used + space + wide <= room:
            line, used = f"{line} {word}", used + space + wide
            continue
        if line:
            lines.append(line)
        while wide > room:  # a word wider than the cell: as much as fits on each line
            cut = 1
            while cut < len(word) and size(word[: cut + 1]) <= room:
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
            wide = size(word)
        line, used = word, wide
    if line:
        lines.append(line)
    if max_lines and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and size(last + "...") > room:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "..."]
    return lines or [""]
