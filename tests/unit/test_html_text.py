"""HTML job descriptions become clean text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from shared.domain.html_text import clean_inline, fix_mojibake, html_to_text


class TestHtmlToText:
    def test_list_items_become_bullet_lines(self) -> None:
        assert html_to_text("<ul>\n<li>Python</li>\n<li>SQL</li>\n</ul>") == "• Python\n• SQL"

    def test_paragraphs_are_separated_by_one_blank_line(self) -> None:
        assert (
            html_to_text("<h2>About</h2>\n<p>We build.</p><p>You ship.</p>")
            == "About\n\nWe build.\n\nYou ship."
        )

    def test_br_breaks_a_line(self) -> None:
        assert html_to_text("one<br>two<br/>three") == "one\ntwo\nthree"

    def test_scripts_and_styles_are_dropped(self) -> None:
        assert html_to_text("<style>p{color:red}</style><p>kept</p><script>alert(1)</script>") == "kept"

    def test_entity_escaped_html_is_unescaped_then_stripped(self) -> None:
        escaped = "&lt;div class=&quot;intro&quot;&gt;&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;&lt;/div&gt;"
        assert html_to_text(escaped) == "Fish & chips"

    def test_entities_are_decoded(self) -> None:
        assert html_to_text("<p>R&amp;D&nbsp;team &#x27;24 &eacute;t&eacute;</p>") == "R&D team '24 été"

    def test_leading_byte_order_mark_is_tolerated(self) -> None:
        assert html_to_text("\ufeff<p>hello</p>") == "hello"

    def test_a_fragment_cut_mid_tag_leaks_no_markup(self) -> None:
        assert (
            html_to_text('<p>Accounts payable</p><span class="x" style="overflow: hid') == "Accounts payable"
        )

    def test_a_tag_cut_before_the_next_tag_leaks_no_markup(self) -> None:
        text = html_to_text('<li><span style="font: helvetica, s<br/>Apply now</li>')
        assert "<" not in text
        assert text.endswith("\nApply now")

    def test_plain_text_keeps_its_lines(self) -> None:
        assert html_to_text("line one\nline two") == "line one\nline two"

    def test_latin1_read_utf8_is_repaired(self) -> None:
        assert fix_mojibake("What You\u00e2\u0080\u0099ll Do") == "What You\u2019ll Do"

    def test_inline_fields_become_one_line(self) -> None:
        assert clean_inline(" Senior&nbsp;Engineer\n(m/w/d) ") == "Senior Engineer (m/w/d)"

    @given(st.text(alphabet=list("<>/&;pli bdv#x27amp\n\"='"), max_size=200))
    def test_never_leaves_a_tag_start_behind(self, markup: str) -> None:
        text = html_to_text(markup)
        assert not re.search(r"<[a-zA-Z/!]", text)
