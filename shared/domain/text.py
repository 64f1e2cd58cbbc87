"""Text helpers shared by providers and checks: cleaning PDF text and comparing quotes."""

from __future__ import annotations

import re

# Same-length substitutions only, so a span found in cleaned text is a span of the original.
_CLEAN = str.maketrans(
    {"\u00ad": "-", "\u2010": "-", "\u2011": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " "}
)
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Soft and non-breaking hyphens become '-', odd spaces become ' '; length is preserved."""
    return text.translate(_CLEAN)


def normalise_space(text: str) -> str:
    """Clean, then collapse every whitespace run, so quotes compare across line breaks."""
    return _SPACE.sub(" ", clean_text(text)).strip()


def quote_occurs(quote: str, normalised_text: str) -> bool:
    """True when a non-empty ``quote`` occurs in text already passed through ``normalise_space``."""
    q = normalise_space(quote).casefold()
    return bool(q) and q in normalised_text.casefold()
