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
