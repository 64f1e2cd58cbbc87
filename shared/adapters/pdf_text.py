"""PDF text extraction with PyMuPDF 1.x: the only module that imports pymupdf.

pymupdf is imported inside ``extract`` so that loading this module (and the container that
names it) costs nothing; only the extraction function pays for MuPDF, once per instance.
Every PyMuPDF failure shape (see LOCAL-CLOUD.md) ends as a PermanentError with a failure
class and a message a user can act on: retrying the same bytes can never help.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.domain.errors import PermanentError
from shared.domain.failures import FailureClass
from shared.domain.language import guess_language
from shared.domain.pdf_text import normalise_pdf_text
from shared.domain.reading_order import Block, reading_order
from shared.ports import ExtractedText

if TYPE_CHECKING:
    from types import ModuleType

PDF_MAGIC = b"%PDF-"
# Readers accept a header anywhere in the first KiB (some producers prepend junk).
_MAGIC_WINDOW = 1024
_TEXT_BLOCK = 0
UNDETERMINED_LANGUAGE = "und"  # ISO 639-2 code for an undetermined language


def failure(failure_class: FailureClass, message: str) -> PermanentError:
    """The classed error every extraction failure is raised as."""
    return PermanentError(message, failure_class=failure_class)


def check_size(size: int, max_bytes: int | None) -> None:
    """Refuse a file above the size limit before any parsing work."""
    if max_bytes is not None and size > max_bytes:
        raise failure(
            FailureClass.FILE_TOO_LARGE,
            f"The file is {size / 1_048_576:.1f} MB; the limit is {max_bytes / 1_048_576:.1f} MB.",
        )


class PyMuPdfExtractor:
    """TextExtractor on PyMuPDF: blocks in reading order, normalised, language detected."""

    def extract(
        self,
        data: bytes,
        *,
        password: str | None = None,
        max_pages: int,
        max_chars: int,
        max_bytes: int | None = None,
    ) -> ExtractedText:
        """Extract the text of a PDF, or raise a classed PermanentError."""
        check_size(len(data), max_bytes)
        if PDF_MAGIC not in data[:_MAGIC_WINDOW]:
            raise failure(FailureClass.PDF_CORRUPT, "The file is not a PDF (no PDF header).")
        pymupdf = _pymupdf()
        try:
            doc = pymupdf.open(stream=data, filetype="pdf")
        except (pymupdf.FileDataError, RuntimeError, ValueError):
            raise failure(FailureClass.PDF_CORRUPT, "The PDF is damaged and cannot be read.") from None
        with doc:
            _unlock(doc, password)
            pages = doc.page_count
            if pages == 0 or not doc.is_pdf:
                raise failure(FailureClass.PDF_CORRUPT, "The PDF is damaged: no readable page was found.")
            if pages > max_pages:
                raise failure(
                    FailureClass.TOO_MANY_PAGES,
                    f"The PDF has {pages} pages; at most {max_pages} can be read.",
                )
            page_texts = _page_texts(doc, max_chars)
        return _assemble(page_texts, pages, max_chars)


def page_text(page: Any) -> str:
    """One page's text: its blocks in reading order, normalised."""
    blocks = [
        Block(b[0], b[1], b[2], b[3], b[4])
        for b in page.get_text("blocks", sort=False)
        if b[6] == _TEXT_BLOCK
    ]
    return normalise_pdf_text("\n\n".join(b.text for b in reading_order(blocks)))


def _unlock(doc: Any, password: str | None) -> None:
    if not doc.needs_pass:
        return
    if password is None:
        raise failure(FailureClass.PDF_ENCRYPTED, "The PDF is password-protected; provide its password.")
    if not doc.authenticate(password):
        raise failure(FailureClass.PDF_ENCRYPTED, "The password does not open this PDF.")


def _page_texts(doc: Any, max_chars: int) -> list[str]:
    texts: list[str] = []
    total = 0
    try:
        for page in doc:
            text = page_text(page)
            texts.append(text)
            total += len(text)
            if total > max_chars:
                break  # the rest would be cut anyway: bound time and memory
    except (RuntimeError, ValueError):
        raise failure(FailureClass.PDF_CORRUPT, "The PDF is damaged: a page cannot be read.") from None
    return texts


def _assemble(page_texts: list[str], pages: int, max_chars: int) -> ExtractedText:
    text = "\n\n".join(t for t in page_texts if t)
    if not any(c.isalnum() for c in text):
        raise failure(
            FailureClass.PDF_NO_TEXT,
            "The PDF has no text layer (it looks scanned or image-only); "
            "export it from your editor as a PDF with selectable text.",
        )
    truncated = len(text) > max_chars
    if truncated:
        cut = text.rfind(" ", 0, max_chars + 1)
        text = text[: cut if cut > max_chars // 2 else max_chars].rstrip()
    page_chars = [len(t) for t in page_texts] + [0] * (pages - len(page_texts))
    return ExtractedText(
        text=text,
        pages=pages,
        chars=len(text),
        language=guess_language(text) or UNDETERMINED_LANGUAGE,
        page_chars=page_chars,
        truncated=truncated,
    )


_module: ModuleType | None = None


def _pymupdf() -> ModuleType:
    global _module  # noqa: PLW0603 - imported once, on first use, to keep cold starts cheap
    if _module is None:
        import pymupdf

        # MuPDF reports repairs on stderr; the outcome is classed here instead.
        tools: Any = pymupdf.TOOLS
        tools.mupdf_display_errors(False)
        tools.mupdf_display_warnings(False)
        _module = pymupdf
    return _module
