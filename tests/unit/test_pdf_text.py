"""Pure text rules of PDF extraction: reading order of blocks and normalisation."""

from __future__ import annotations

from shared.domain.pdf_text import dehyphenate, normalise_pdf_text
from shared.domain.reading_order import Block, find_gutter, reading_order

BODY = "Experience building distributed systems and leading teams of engineers. " * 3


def texts(blocks: list[Block]) -> list[str]:
    """The first word of each block, in order."""
    return [b.text.split()[0] for b in blocks]


class TestReadingOrder:
    def test_single_column_reads_top_to_bottom(self) -> None:
        blocks = [
            Block(50, 300, 550, 340, "Third " + BODY),
            Block(50, 100, 550, 140, "First " + BODY),
            Block(50, 200, 550, 240, "Second " + BODY),
        ]

        assert texts(reading_order(blocks)) == ["First", "Second", "Third"]

    def test_blocks_on_one_line_read_left_to_right(self) -> None:
        blocks = [Block(300, 101, 550, 120, "Right side"), Block(50, 100, 250, 120, "Left side")]

        assert texts(reading_order(blocks)) == ["Left", "Right"]

    def test_two_columns_read_column_by_column_under_a_full_width_header(self) -> None:
        blocks = [
            Block(320, 100, 550, 300, "RightTop " + BODY),
            Block(50, 100, 280, 300, "LeftTop " + BODY),
            Block(320, 320, 550, 500, "RightBottom " + BODY),
            Block(50, 320, 280, 500, "LeftBottom " + BODY),
            Block(50, 20, 550, 60, "Header Jane Doe, engineer"),
        ]

        order = texts(reading_order(blocks))

        assert order == ["Header", "LeftTop", "LeftBottom", "RightTop", "RightBottom"]

    def test_a_narrow_date_gutter_is_not_a_column(self) -> None:
        blocks = [Block(50, 100 + 60 * i, 95, 115 + 60 * i, "2019") for i in range(4)]
        blocks += [Block(110, 100 + 60 * i, 550, 150 + 60 * i, f"Job{i} " + BODY) for i in range(4)]

        assert find_gutter(blocks) is None

    def test_side_boxes_that_do_not_overlap_vertically_are_not_columns(self) -> None:
        blocks = [
            Block(350, 50, 550, 150, "Contact " + BODY),
            Block(50, 200, 300, 700, "Body " + BODY * 2),
        ]

        assert find_gutter(blocks) is None

    def test_empty_blocks_are_dropped(self) -> None:
        assert reading_order([Block(0, 0, 10, 10, "  \n ")]) == []


class TestNormalisation:
    def test_spells_out_ligatures_and_full_width_forms(self) -> None:
        assert normalise_pdf_text("Pro\ufb01le \ufb00\ufb03 \uff2a\uff41\uff56\uff41") == "Profile ffffi Java"

    def test_keeps_compatibility_characters_outside_those_ranges(self) -> None:
        assert normalise_pdf_text("m² and ACME™") == "m² and ACME™"

    def test_soft_hyphen_mid_line_is_a_drawn_hyphen(self) -> None:
        assert normalise_pdf_text("high\u00adimpact, 2023 \u00ad 2024") == "high-impact, 2023 - 2024"

    def test_soft_hyphen_at_a_line_end_joins_the_word(self) -> None:
        assert normalise_pdf_text("Con\u00ad\nsul and en\u00ad\nterprise") == "Consul and enterprise"

    def test_keeps_the_hyphen_of_a_compound_the_page_spells_elsewhere(self) -> None:
        assert dehyphenate("AWS multi-\naccount setup; multi-account billing") == (
            "AWS multi-account setup; multi-account billing"
        )

    def test_does_not_join_before_a_capital_or_a_number(self) -> None:
        assert dehyphenate("Co-\nFounder 2019-\n2020") == "Co-\nFounder 2019-\n2020"

    def test_controls_become_spaces_and_invisible_characters_go(self) -> None:
        raw = "Name\x03Surname\u200b \ue001Phone\tnumber\ufffd"

        assert normalise_pdf_text(raw) == "Name Surname Phone number"

    def test_collapses_whitespace_and_keeps_one_blank_line(self) -> None:
        raw = "  Title  \u00a0 here \r\n\r\n\r\n\r\nNext\u2029paragraph  "

        assert normalise_pdf_text(raw) == "Title here\n\nNext\n\nparagraph"

    def test_composes_to_nfc(self) -> None:
        assert normalise_pdf_text("Formacio\u0301n") == "Formación"
