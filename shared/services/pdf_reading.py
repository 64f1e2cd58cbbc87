"""Text extraction of a PDF: the one code path behind the extraction task and `career extract`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from shared.domain.errors import PermanentError
from shared.domain.failures import FailureClass

if TYPE_CHECKING:
    from shared.config import Settings
    from shared.ports import ExtractedText, TextExtractor

# The failures an extraction may end in; anything else is a bug or an outage and is raised.
EXTRACTION_FAILURES = frozenset(
    {
        FailureClass.PDF_ENCRYPTED,
        FailureClass.PDF_NO_TEXT,
        FailureClass.PDF_CORRUPT,
        FailureClass.FILE_TOO_LARGE,
        FailureClass.TOO_MANY_PAGES,
    }
)


@dataclass(frozen=True)
class ExtractionLimits:
    """Bounds on what one extraction reads."""

    max_bytes: int
    max_pages: int
    max_chars: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ExtractionLimits:
        """The limits configured for this deployment."""
        return cls(settings.max_upload_bytes, settings.max_pdf_pages, settings.max_text_chars)


@dataclass(frozen=True)
class ExtractionOutcome:
    """What an extraction produced: the text and its measurements, or a classed failure."""

    status: Literal["extracted", "failed"]
    result: ExtractedText | None = None
    failure_class: FailureClass | None = None
    message: str | None = None

    @property
    def text_sha256(self) -> str | None:
        """SHA-256 of the UTF-8 text (what the text blob holds)."""
        return None if self.result is None else sha256_text(self.result.text)

    def summary(self) -> dict[str, object]:
        """The JSON shape `career extract --json` prints (never the text itself)."""
        r = self.result
        return {
            "status": self.status,
            "pages": r.pages if r else None,
            "chars": r.chars if r else None,
            "language": r.language if r else None,
            "failure_class": str(self.failure_class) if self.failure_class else None,
            "message": self.message,
            "text_sha256": self.text_sha256,
        }


def sha256_text(text: str) -> str:
    """SHA-256 hex digest of text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extract_pdf(
    extractor: TextExtractor,
    data: bytes,
    *,
    limits: ExtractionLimits,
    password: str | None = None,
) -> ExtractionOutcome:
    """Extract a PDF's text; an extraction failure becomes a failed outcome, never an exception."""
    try:
        result = extractor.extract(
            data,
            password=password,
            max_pages=limits.max_pages,
            max_chars=limits.max_chars,
            max_bytes=limits.max_bytes,
        )
    except PermanentError as err:
        if err.failure_class not in EXTRACTION_FAILURES:
            raise
        return ExtractionOutcome("failed", failure_class=err.failure_class, message=err.message)
    return ExtractionOutcome("extracted", result=result)
