from ingest.cleaning import clean_pages, squash


def test_running_headers_footers_and_page_numbers_are_stripped():
    bodies = ["Apples are discussed first.", "Budget lines follow.", "Closing remarks end it."]
    raw = [
        f"Cabinet – 28 March 2022 Social Value Annual Report\n{body}\nPage {n} of 3"
        for n, body in enumerate(bodies, start=1)
    ]
    pages = clean_pages(raw)
    assert [p.number for p in pages] == [1, 2, 3]
    for page in pages:
        assert "Cabinet – 28 March 2022" not in page.text
        assert "Page" not in page.text
        assert page.text == bodies[page.number - 1]


def test_bare_page_numbers_at_the_edge_go_but_numbers_in_text_stay():
    pages = clean_pages(["Intro line\nThe threshold is 100000 pounds.\n7", "Other page\n2019\n8"])
    assert pages[0].text == "Intro line\nThe threshold is 100000 pounds."
    # A lone year at the edge is indistinguishable from a page number only when it looks like one.
    assert "Other page" in pages[1].text


def test_hyphenated_line_ends_are_joined():
    [page] = clean_pages(["The council will embed social value in procure-\nment and commission-\ning."])
    assert "procurement and commissioning." in page.text


def test_squash_collapses_whitespace():
    assert squash(" a \n b\t c ") == "a b c"


def test_bullet_glyphs_of_pdf_fonts_become_bullets():
    pages = clean_pages(["Objectives:\n\x7f employment and economic sustainability\n\uf0b7 living standards\n  \u25cf participation"])
    assert pages[0].text.split("\n")[1:] == ["• employment and economic sustainability", "• living standards", "• participation"]
