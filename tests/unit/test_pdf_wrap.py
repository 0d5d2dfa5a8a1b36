"""pcnhub.pdf.wrap: lines that fit their cell, every word kept, long words cut to fit."""

from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st

from pcnhub.pdf import wrap


def pdf(size: float = 8) -> FPDF:
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", "", size)
    return document


def room(document: FPDF, width: float) -> float:
    return width - 2 * document.c_margin


@given(
    st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzWM0123.,é", min_size=1, max_size=14)),
    st.floats(min_value=20, max_value=120),
)
def test_wrap_keeps_every_word_in_lines_that_fit(words, width):
    document = pdf()
    lines = wrap(document, " ".join(words), width)
    assert all(document.get_string_width(line) <= room(document, width) + 1e-9 for line in lines)
    text = " ".join(words)
    # Every character, in order; and every word whole unless it is wider than the cell.
    assert "".join("".join(lines).split()) == "".join(text.split())
    if all(document.get_string_width(word) <= room(document, width) for word in text.split()):
        assert " ".join(lines).split() == text.split()


def test_wrap_cuts_a_word_too_long_for_the_cell():
    document = pdf()
    lines = wrap(document, "see https://example.org/" + "a" * 120 + " then", 30)
    assert lines[0] == "see" and lines[-1].endswith("then")
    assert "".join(lines[1:]).startswith("https://example.org/aaa")
    assert all(document.get_string_width(line) <= room(document, 30) for line in lines)


def test_wrap_ends_the_last_kept_line_in_an_ellipsis():
    document = pdf()
    lines = wrap(document, "word " * 200, 40, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("...")
    assert document.get_string_width(lines[-1]) <= room(document, 40)
    assert wrap(document, "two words", 40, max_lines=3) == ["two words"]
    assert wrap(document, "   ", 40) == [""]


def test_wrap_draws_what_the_core_font_cannot_as_look_alikes():
    assert wrap(pdf(), "Local deliverable 1 \u2013 \u201cWorkforce\u201d", 200) == [
        'Local deliverable 1 - "Workforce"'
    ]
