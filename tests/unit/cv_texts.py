"""The kit's CVs as the product reads them: extracted by the documents slice's PyMuPDF adapter."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from shared.adapters.pdf_text import PyMuPdfExtractor

# Every CV of the kit whose text layer is readable (the scanned and encrypted ones are not).
READABLE = (
    "data-analyst_brilliant-cv_typst-photo_1p",
    "devops-architect_awesome-cv_3p",
    "edge_malformed_broken-xref_pypdf-issue-297",
    "es_cv-template_moderncv_2p",
    "frontend-dev_barry-allen_moderncv_1p",
    "fullstack-dev_john-doe_latex_2p",
    "product-manager_alfred-pennyworth_moderncv_2p",
    "senior-swe_two-column_chromium_1p",
    "swe-new-grad_deedy_two-column_1p",
    "teacher_ncsu-style_unencrypted_3p",
)
UNREADABLE = {
    "edge_scanned-image-only_no-text-layer_epson": "PDF_NO_TEXT",
    "teacher_ncsu-style_ENCRYPTED-pw-key_3p": "PDF_ENCRYPTED",
}


def pdf_path(shared_data: Path, stem: str) -> Path:
    """The kit file of ``stem``."""
    return shared_data / "resumes" / f"{stem}.pdf"


@cache
def _extract(path: Path) -> str:
    return PyMuPdfExtractor().extract(path.read_bytes(), max_pages=50, max_chars=200_000).text


def cv_text(shared_data: Path, stem: str) -> str:
    """The extracted text of one kit CV (cached per process)."""
    return _extract(pdf_path(shared_data, stem))
