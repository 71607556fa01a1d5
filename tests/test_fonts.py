"""Fonts that lost their /ToUnicode map: characters read back from the embedded TrueType program."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from fontTools.agl import toUnicode
from fontTools.fontBuilder import FontBuilder
from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder
from fontTools.ttLib.tables._g_l_y_f import Glyph

from ingest.fonts import glyph_characters, to_unicode_cmap
from ingest.pdf import extract_page_texts


def truetype(glyphs: list[str], *, codes: dict[int, str] | None = None, names: bool = False) -> bytes:
    """A TrueType program of empty glyphs with these names, with a 'cmap' of `codes` (none when None) and a
    'post' table that keeps the names only when `names`."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(glyphs)
    builder.setupCharacterMap(codes or {})
    builder.setupGlyf({name: Glyph() for name in glyphs})
    builder.setupHorizontalMetrics({name: (500, 0) for name in glyphs})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupPost(keepGlyphNames=names)
    if codes is None:
        del builder.font["cmap"]
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def standard(text: str) -> str:
    """The text as a font in the standard Macintosh order numbers its glyphs, one character per glyph number,
    as pypdf gives them out when the map is lost ("Trust funds" -> "7UXVW\\x03IXQGV")."""
    order = [toUnicode(name) for name in standardGlyphOrder]
    return "".join(chr(order.index(character)) for character in text)


WORD_SUBSET = truetype([".notdef", "glyph1", "glyph2", "glyph3"])
"""A subset as Word embeds it: glyph numbers of the original font, no cmap, no glyph names."""


def pdf_with_lost_map(program: bytes, glyphs: list[int]) -> bytes:
    """One page showing `glyphs` in a composite font that embeds `program` and has no /ToUnicode."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    stream = DecodedStreamObject()
    stream.set_data(program)
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject("/ABCDEF+ArialMT"),
            NameObject("/FontFile2"): writer._add_object(stream),
        }
    )
    descendant = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/CIDFontType2"),
            NameObject("/BaseFont"): NameObject("/ABCDEF+ArialMT"),
            NameObject("/CIDSystemInfo"): DictionaryObject(
                {
                    NameObject("/Registry"): TextStringObject("Adobe"),
                    NameObject("/Ordering"): TextStringObject("Identity"),
                }
            ),
            NameObject("/FontDescriptor"): writer._add_object(descriptor),
            NameObject("/CIDToGIDMap"): NameObject("/Identity"),
        }
    )
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type0"),
            NameObject("/BaseFont"): NameObject("/ABCDEF+ArialMT"),
            NameObject("/Encoding"): NameObject("/Identity-H"),
            NameObject("/DescendantFonts"): ArrayObject([writer._add_object(descendant)]),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 72 700 Td <" + "".join(f"{glyph:04X}" for glyph in glyphs).encode() + b"> Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_font_in_the_standard_order_without_tables_reads_as_the_words_it_draws() -> None:
    shown = standard("Trust funds of £52.00 each")
    assert shown.startswith("7UXVW\x03IXQGV")
    data = pdf_with_lost_map(WORD_SUBSET, [ord(character) for character in shown])

    assert extract_page_texts(data, "minutes.pdf", max_pages=5, ocr=False)[0].strip() == "Trust funds of £52.00 each"


def test_after_the_standard_orders_no_break_space_the_core_fonts_glyphs_sit_one_place_earlier() -> None:
    characters = glyph_characters(WORD_SUBSET, shown=standard("Clerk report"))

    assert (characters[133], characters[177], characters[181], characters[182], characters[191]) == (
        "£", "–", "‘", "’", "ﬁ",
    )


def test_a_font_whose_text_does_not_show_spaces_where_words_fall_is_left_as_it_is() -> None:
    renumbered = "".join(chr(glyph) for glyph in [4, 5, 6, 7, 8, 9, 10, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])

    assert glyph_characters(WORD_SUBSET, shown=renumbered) == {}
    assert glyph_characters(WORD_SUBSET, shown="") == {}


def test_the_fonts_own_cmap_says_which_character_each_glyph_is() -> None:
    program = truetype([".notdef", "a", "k", "P", "r"], codes={ord("P"): "P", ord("a"): "a", ord("r"): "r", ord("k"): "k"})
    data = pdf_with_lost_map(program, [3, 1, 4, 2])

    assert glyph_characters(program) == {1: "a", 2: "k", 3: "P", 4: "r"}
    assert extract_page_texts(data, "minutes.pdf", max_pages=5, ocr=False)[0].strip() == "Park"


def test_glyph_names_kept_in_the_post_table_name_the_characters() -> None:
    program = truetype([".notdef", "A", "uni2019", "space"], names=True)

    assert glyph_characters(program) == {1: "A", 2: "’", 3: " "}


def test_the_cmap_stream_maps_each_glyph_to_utf16() -> None:
    cmap = to_unicode_cmap({3: " ", 36: "A", 5: "\U0001f600"}).decode()

    assert "<0003> <0020>" in cmap and "<0024> <0041>" in cmap and "<0005> <D83DDE00>" in cmap
    assert cmap.count("beginbfchar") == 1


@given(st.binary(max_size=400), st.text(max_size=60))
def test_any_bytes_as_a_font_program_give_a_map_or_nothing_never_an_error(program: bytes, shown: str) -> None:
    characters = glyph_characters(program, shown)

    assert all(isinstance(glyph, int) and isinstance(text, str) for glyph, text in characters.items())
    to_unicode_cmap(characters)


def test_a_repair_that_fails_leaves_the_page_read_as_before(monkeypatch) -> None:
    shown = standard("Trust funds")
    data = pdf_with_lost_map(WORD_SUBSET, [ord(character) for character in shown])

    def broken(*_args, **_kwargs):
        raise RuntimeError("font program not understood")

    monkeypatch.setattr("ingest.pdf.glyph_characters", broken)

    assert extract_page_texts(data, "minutes.pdf", max_pages=5, ocr=False)[0].strip() == shown.strip()
