"""Normalisation of text extracted from PDFs (stdlib only).

What PDF producers leave in a text layer, and what becomes of it:

- typographic ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) and full-width forms: spelled out (NFKC on those
  ranges only; NFKC everywhere would also flatten ², ™ and friends), then NFC everywhere;
- U+00AD: never survives. A PDF text layer holds drawn glyphs only, and LuaTeX (Awesome-CV)
  maps the visible hyphen glyph to U+00AD ("high\\u00adimpact", "2023 \\u00ad 2024"), so it
  becomes "-"; at a line end it is then a discretionary hyphen, handled as below;
- a hyphen ending a line between lowercase letters: the lines are joined. The hyphen is kept
  only when the same hyphenated compound appears elsewhere on the page ("multi-account"),
  otherwise it was hyphenation ("en-/terprise" -> "enterprise");
- control characters: C0/C1 controls become a space (some broken font encodings map the
  space to one), zero-width and private-use characters (icon fonts) and U+FFFD are dropped;
- whitespace: every space character becomes a plain space, runs collapse, lines are
  stripped, and a blank line between paragraphs is kept (never more than one).
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_DASHES = {"\u2010": "-", "\u2011": "-", "\u00ad": "-"}
_LINE_BREAKS = {"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x0b": "\n", "\x0c": "\n\n", "\x85": "\n"}
_ZERO_WIDTH = {"\u200b", "\u2060", "\ufeff", "\ufffd", "\u180e"}
_COMPAT = re.compile(r"[\ufb00-\ufb4f\uff01-\uffee]+")
_HYPHEN_AT_BREAK = re.compile(r"\b(\w+)-\n([^\W\d_]\w*)")
_SPACES = re.compile(r"[ \t]+")
_LINE_EDGES = re.compile(r" ?\n ?")
_COMPOUND = re.compile(r"\w+-\w+")
_NOT_PLAIN = re.compile(r"[^\n\x20-\x7e]")  # only these characters need a closer look
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_pdf_text(text: str) -> str:
    """Clean a page's (or document's) raw text layer as described in the module docstring."""
    text = _MAPPED.sub(lambda m: _MAP[m.group()], text.replace("\r\n", "\n"))
    text = _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = unicodedata.normalize("NFC", _NOT_PLAIN.sub(_clean_char, text))
    text = _LINE_EDGES.sub("\n", _SPACES.sub(" ", text))
    text = dehyphenate(text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def dehyphenate(text: str) -> str:
    """Join words hyphenated across a line break, keeping compounds the text spells with one."""
    if "-\n" not in text:
        return text
    compounds: set[str] | None = None

    def join(match: re.Match[str]) -> str:
        nonlocal compounds
        left, right = match.group(1), match.group(2)
        if not (left[-1].islower() and right[0].islower()) or len(left) < 2:
            return match.group()
        if compounds is None:  # built once, and only when a join is possible
            compounds = {m.group().lower() for m in _COMPOUND.finditer(text)}
        if f"{left}-{right}".lower() in compounds:
            return f"{left}-{right}"
        return left + right

    return _HYPHEN_AT_BREAK.sub(join, text)


def _clean_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ZERO_WIDTH:
        return ""
    category = unicodedata.category(char)
    if category == "Cc" or category == "Zs":
        return " "
    if category in ("Co", "Cs") or (category == "Cf" and char not in "\u200c\u200d"):
        return ""
    return char


_MAP = {**_LIGATURES, **_LINE_BREAKS, **_DASHES}
# A regex over the few mapped characters beats str.translate with a dict on mostly-ASCII text.
_MAPPED = re.compile("[" + re.escape("".join(_MAP)) + "]")
