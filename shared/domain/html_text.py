"""HTML to clean text for job descriptions (stdlib ``html.parser`` only).

Job boards send descriptions as HTML, sometimes entity-escaped a second time (Greenhouse's
``&lt;div&gt;``), sometimes cut mid-tag by whoever trimmed them, sometimes with UTF-8 read as
Latin-1 upstream ("Youâ\\x80\\x99ll"). The output is plain text: block elements end lines,
``<li>`` items become bullet lines, scripts and styles disappear, entities are decoded and
whitespace is normalised. No markup survives.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

BULLET = "•"
# Paragraph-level elements are separated by a blank line; line-level ones by a line break.
_PARAGRAPH = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "hr",
        "figure",
        "form",
        "fieldset",
        "details",
        "address",
    }
)
_LINE = frozenset({"div", "tr", "dt", "dd", "figcaption", "summary", "thead", "tbody", "tfoot", "caption"})
_DROP = frozenset({"script", "style", "noscript", "template", "head", "title", "iframe", "svg", "object"})
_CELL = frozenset({"td", "th"})
_TRAILING_PARTIAL_TAG = re.compile(r"<[a-zA-Z/!][^<>]*$")
_TAG_START = re.compile(r"<[a-zA-Z/!]")
# A tag cut mid-attribute and followed by the next tag ("<span style=\"font: a, s<br/>").
_BROKEN_TAG = re.compile(r"<[a-zA-Z/!][^<>]*(?=<)")
# Two to four code points that are the Latin-1 reading of one UTF-8 sequence.
_MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf]{1,3}")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


class _TextCollector(HTMLParser):
    """Collects text, turning block structure into line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # Text, or an int break level: 1 = line break, 2 = blank line (see _join).
        self.parts: list[str | int] = []
        self._dropping = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self._dropping += 1
        elif tag == "li":
            self.parts += [1, f"{BULLET} "]
        else:
            self._break(tag)
            self._pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self._dropping = max(0, self._dropping - 1)
        elif tag != "br":  # "</br>" is a typo for "<br>" that browsers ignore
            self._break(tag)
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            # Source newlines are layout, not content, in HTML (except inside <pre>).
            self.parts.append(data if self._pre else data.replace("\n", " ").replace("\r", " "))

    def _break(self, tag: str) -> None:
        if tag in _PARAGRAPH:
            self.parts.append(2)
        elif tag in _LINE:
            self.parts.append(1)
        elif tag == "br":
            self.parts.append(-1)  # a <br> adds a line even right after a block boundary
        elif tag in _CELL:
            self.parts.append(" ")

    def text(self) -> str:
        """The collected text: adjacent boundaries merge into the strongest one."""
        out: list[str] = []
        pending = 0
        for part in self.parts:
            if isinstance(part, int):
                pending = min(2, pending + 1) if part < 0 else max(pending, part)
            elif pending and not part.strip():
                continue  # whitespace between two boundaries is layout
            else:
                if pending:
                    out.append("\n" * pending)
                    pending = 0
                out.append(part)
        return "".join(out)


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 that was decoded as Latin-1 upstream, sequence by sequence."""

    def repair(match: re.Match[str]) -> str:
        chunk = match.group(0)
        try:
            return chunk.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return chunk

    return _MOJIBAKE.sub(repair, text)


def normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces, strip every line, keep at most one blank line in a row."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.translate(_INVISIBLE).splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def html_to_text(markup: str | None) -> str:
    """Turn an HTML fragment (possibly entity-escaped or truncated) into clean plain text."""
    if not markup:
        return ""
    text = markup.lstrip("\ufeff")
    # Markup may arrive escaped once (Greenhouse's &lt;div&gt;) or twice (&amp;lt;): alternate
    # stripping tags and decoding entities until neither changes anything.
    for _ in range(4):
        if _TAG_START.search(text):
            text = _strip_markup(text)
        elif "&" in text and (decoded := html.unescape(text)) != text:
            text = decoded
        else:
            break
    return normalise_whitespace(fix_mojibake(text))


def _strip_markup(text: str) -> str:
    # Tags cut short (trimmed payloads, broken feeds) would otherwise leak "<span class=...".
    collector = _TextCollector()
    collector.feed(_TRAILING_PARTIAL_TAG.sub("", _BROKEN_TAG.sub("", text)))
    collector.close()
    return collector.text()


def clean_inline(value: str | None) -> str:
    """Clean a short single-line field (title, company): entities, markup, whitespace."""
    if not value:
        return ""
    return " ".join(html_to_text(value).split())
