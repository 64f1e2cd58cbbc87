"""PDF text extraction: the kit's real CVs, generated edge cases, and `career extract`."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.cli.extract import extract as extract_command
from shared.config import Settings
from shared.domain.errors import PermanentError
from shared.domain.failures import FailureClass
from shared.ports import ExtractedText
from shared.services.pdf_reading import ExtractionLimits, extract_pdf, sha256_text

REPO = Path(__file__).resolve().parents[2]
LIMITS = ExtractionLimits.from_settings(Settings())
ENCRYPTED = "teacher_ncsu-style_ENCRYPTED-pw-key_3p.pdf"
UNENCRYPTED_TWIN = "teacher_ncsu-style_unencrypted_3p.pdf"
SCANNED = "edge_scanned-image-only_no-text-layer_epson.pdf"
BROKEN_XREF = "edge_malformed_broken-xref_pypdf-issue-297.pdf"
DEEDY = "swe-new-grad_deedy_two-column_1p.pdf"
CHROMIUM = "senior-swe_two-column_chromium_1p.pdf"
SPANISH = "es_cv-template_moderncv_2p.pdf"
# file -> (pages, PyMuPDF chars) as SOURCES.md lists them for the readable CVs.
READABLE = {
    "product-manager_alfred-pennyworth_moderncv_2p.pdf": (2, 2416),
    "frontend-dev_barry-allen_moderncv_1p.pdf": (1, 1473),
    "fullstack-dev_john-doe_latex_2p.pdf": (2, 2197),
    CHROMIUM: (1, 3391),
    "devops-architect_awesome-cv_3p.pdf": (3, 9561),
    DEEDY: (1, 3310),
    "data-analyst_brilliant-cv_typst-photo_1p.pdf": (1, 2899),
    UNENCRYPTED_TWIN: (3, 2981),
    SPANISH: (2, 1742),
}


def extract(data: bytes, *, password: str | None = None, limits: ExtractionLimits = LIMITS) -> ExtractedText:
    """Run the adapter with the deployment's limits."""
    return PyMuPdfExtractor().extract(
        data,
        password=password,
        max_pages=limits.max_pages,
        max_chars=limits.max_chars,
        max_bytes=limits.max_bytes,
    )


def failure_of(data: bytes, **kwargs: object) -> PermanentError:
    """The classed error an extraction raises."""
    with pytest.raises(PermanentError) as caught:
        extract(data, **kwargs)  # type: ignore[arg-type]
    return caught.value


def pdf_with_text(*pages: str) -> bytes:
    """A PDF with one line of Helvetica text per page."""
    doc = pymupdf.open()
    for text in pages:
        doc.new_page().insert_text((72, 72), text)
    return doc.tobytes()


@pytest.fixture
def resumes(shared_data: Path) -> Path:
    """The kit's CV folder."""
    return shared_data / "resumes"


class TestKitResumes:
    @pytest.mark.parametrize("name", sorted(READABLE))
    def test_extracts_every_readable_cv_with_its_page_count(self, resumes: Path, name: str) -> None:
        pages, reference_chars = READABLE[name]

        result = extract((resumes / name).read_bytes())

        assert result.pages == pages
        assert len(result.page_chars) == pages
        assert abs(result.chars - reference_chars) <= 0.1 * reference_chars
        assert result.chars == len(result.text)

    def test_every_pdf_of_the_kit_is_covered(self, resumes: Path) -> None:
        on_disk = {p.name for p in resumes.glob("*.pdf")}

        covered = set(READABLE) | {ENCRYPTED, SCANNED, BROKEN_XREF}

        assert on_disk == covered

    def test_refuses_the_encrypted_cv_without_a_password(self, resumes: Path) -> None:
        err = failure_of((resumes / ENCRYPTED).read_bytes())

        assert err.failure_class is FailureClass.PDF_ENCRYPTED
        assert "password" in err.message

    def test_refuses_the_encrypted_cv_with_a_wrong_password(self, resumes: Path) -> None:
        err = failure_of((resumes / ENCRYPTED).read_bytes(), password="not-the-key")

        assert err.failure_class is FailureClass.PDF_ENCRYPTED
        assert "does not open" in err.message

    def test_decrypted_text_equals_the_unencrypted_twin(self, resumes: Path) -> None:
        decrypted = extract((resumes / ENCRYPTED).read_bytes(), password="key")

        plain = extract((resumes / UNENCRYPTED_TWIN).read_bytes())

        assert decrypted.text == plain.text
        assert "Studied abroad for 6 weeks in Costa Rica" in decrypted.text

    def test_scanned_cv_has_no_text(self, resumes: Path) -> None:
        err = failure_of((resumes / SCANNED).read_bytes())

        assert err.failure_class is FailureClass.PDF_NO_TEXT
        assert "scanned" in err.message

    def test_repairs_the_broken_xref(self, resumes: Path) -> None:
        result = extract((resumes / BROKEN_XREF).read_bytes())

        assert result.text == "test example"

    def test_detects_the_spanish_cv(self, resumes: Path) -> None:
        result = extract((resumes / SPANISH).read_bytes())

        assert result.language == "es"
        assert "Formación académica" in result.text

    def test_detects_english_cvs(self, resumes: Path) -> None:
        languages = {extract((resumes / name).read_bytes()).language for name in READABLE if name != SPANISH}

        assert languages == {"en"}


class TestReadingOrder:
    def test_deedy_left_column_is_read_before_the_right_one(self, resumes: Path) -> None:
        text = extract((resumes / DEEDY).read_bytes()).text

        education = text[text.index("EDUCATION") : text.index("LA MARTINIERE FOR BOYS")]

        assert "MENG IN COMPUTER SCIENCE" in education
        assert "BS IN COMPUTER SCIENCE" in education
        assert "FACEBOOK" not in education
        assert "EXPERIENCE" not in education
        assert text.index("SKILLS") < text.index("EXPERIENCE") < text.index("FACEBOOK")

    def test_deedy_header_comes_first(self, resumes: Path) -> None:
        text = extract((resumes / DEEDY).read_bytes()).text

        assert text.index("Debarghya Das") < text.index("EDUCATION")

    def test_chromium_cv_reads_name_then_title_then_columns(self, resumes: Path) -> None:
        text = extract((resumes / CHROMIUM).read_bytes()).text

        sidebar = text[text.index("EDUCATION") : text.index("LINKS")]

        assert text.index("John Doe") < text.index("Senior Software Engineer")
        assert text.index("PROJECTS") < text.index("EDUCATION")
        assert "Stripe" not in sidebar
        assert "Kubernetes" in sidebar

    def test_single_column_cv_stays_top_to_bottom(self, resumes: Path) -> None:
        text = extract((resumes / "fullstack-dev_john-doe_latex_2p.pdf").read_bytes()).text

        assert text.startswith("JOHN DOE")


class TestNormalisation:
    def test_ligatures_become_letters(self) -> None:
        doc = pymupdf.open()
        ligatures = "Pro\ufb01le e\ufb00ort o\ufb03ce \ufb02ow ba\ufb04e"
        doc.new_page().insert_htmlbox(pymupdf.Rect(50, 50, 550, 300), ligatures)

        result = extract(doc.tobytes())

        assert result.text == "Profile effort office flow baffle"

    def test_soft_hyphens_never_survive(self) -> None:
        doc = pymupdf.open()
        page = doc.new_page()
        writer = pymupdf.TextWriter(page.rect)
        font = pymupdf.Font("cjk")
        writer.append((72, 100), "Kubernetes and inter\u00ad", font=font)
        writer.append((72, 114), "national teams, high\u00adimpact work", font=font)
        writer.write_text(page)

        result = extract(doc.tobytes())

        assert "\u00ad" not in result.text
        assert result.text == "Kubernetes and international teams, high-impact work"

    def test_control_characters_and_runs_of_spaces_are_cleaned(self) -> None:
        data = pdf_with_text("Python    developer\u00a0\u00a0with   Go")

        result = extract(data)

        assert result.text == "Python developer with Go"


class TestGeneratedFailures:
    def test_refuses_an_empty_file(self) -> None:
        assert failure_of(b"").failure_class is FailureClass.PDF_CORRUPT

    def test_refuses_garbage(self) -> None:
        garbage = random.Random(7).randbytes(4096)

        assert failure_of(b"%PDF-1.7\n" + garbage).failure_class is FailureClass.PDF_CORRUPT

    def test_refuses_html_renamed_pdf(self, tmp_path: Path) -> None:
        renamed = tmp_path / "cv.pdf"
        renamed.write_text("<html><body><h1>My CV</h1><p>Python developer</p></body></html>")

        err = failure_of(renamed.read_bytes())

        assert err.failure_class is FailureClass.PDF_CORRUPT
        assert "not a PDF" in err.message

    def test_refuses_a_file_truncated_beyond_repair(self) -> None:
        data = pdf_with_text("Page one text", "Page two text", "Page three text")

        err = failure_of(data[: len(data) * 6 // 10])

        assert err.failure_class is FailureClass.PDF_CORRUPT

    def test_repairs_a_file_truncated_after_its_pages(self) -> None:
        data = pdf_with_text("Page one text", "Page two text", "Page three text")

        result = extract(data[: data.rindex(b"xref")])

        assert result.pages == 3
        assert result.text == "Page one text\n\nPage two text\n\nPage three text"

    def test_refuses_a_thousand_page_pdf(self) -> None:
        doc = pymupdf.open()
        for _ in range(1000):
            doc.new_page(width=200, height=200)

        err = failure_of(doc.tobytes())

        assert err.failure_class is FailureClass.TOO_MANY_PAGES
        assert "1000 pages" in err.message

    def test_refuses_a_pdf_over_the_size_limit(self) -> None:
        doc = pymupdf.open()
        doc.new_page().insert_text((72, 72), "A CV with a huge attachment")
        doc.embfile_add("noise.bin", random.Random(3).randbytes(LIMITS.max_bytes + 1))

        err = failure_of(doc.tobytes())

        assert err.failure_class is FailureClass.FILE_TOO_LARGE
        assert "MB" in err.message

    def test_cuts_text_at_the_character_limit(self) -> None:
        data = pdf_with_text("alpha beta gamma delta", "epsilon zeta eta theta")

        result = extract(data, limits=ExtractionLimits(LIMITS.max_bytes, 10, 15))

        assert result.truncated
        assert result.text == "alpha beta"
        assert result.chars == 10


class TestExtractCommand:
    def test_prints_one_json_object_and_exits_zero(self, resumes: Path) -> None:
        cv = resumes / DEEDY

        run = CliRunner().invoke(extract_command, [str(cv), "--json"])

        doc = json.loads(run.output)
        expected = extract_pdf(PyMuPdfExtractor(), cv.read_bytes(), limits=LIMITS)
        assert run.exit_code == 0
        assert set(doc) == {"status", "pages", "chars", "language", "failure_class", "message", "text_sha256"}
        assert doc == expected.summary()
        assert doc["status"] == "extracted"
        assert doc["failure_class"] is None

    def test_classed_failure_exits_two_with_the_class(self, resumes: Path) -> None:
        run = CliRunner().invoke(extract_command, [str(resumes / SCANNED), "--json"])

        doc = json.loads(run.output)
        assert run.exit_code == 2
        assert doc["status"] == "failed"
        assert doc["failure_class"] == "PDF_NO_TEXT"
        assert doc["message"]

    def test_prints_the_text_of_an_encrypted_cv_with_its_password(self, resumes: Path) -> None:
        run = CliRunner().invoke(extract_command, [str(resumes / ENCRYPTED), "--password", "key", "--text"])

        assert run.exit_code == 0
        assert run.output.rstrip("\n") == extract((resumes / UNENCRYPTED_TWIN).read_bytes()).text

    def test_requires_exactly_one_output_mode(self, resumes: Path) -> None:
        run = CliRunner().invoke(extract_command, [str(resumes / DEEDY), "--json", "--text"])

        assert run.exit_code == 2
        assert "exactly one" in run.output

    def test_runs_as_a_separate_process(self, resumes: Path) -> None:
        cv = resumes / SPANISH
        entry = "from shared.cli.main import main; main()"

        done = subprocess.run(
            [sys.executable, "-c", entry, "extract", str(cv), "--json"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        lines = done.stdout.strip().splitlines()
        doc = json.loads(lines[0])
        assert done.returncode == 0
        assert len(lines) == 1
        assert doc["language"] == "es"
        assert doc["text_sha256"] == sha256_text(extract(cv.read_bytes()).text)


class TestLazyImport:
    def test_loading_the_adapter_does_not_import_pymupdf(self) -> None:
        probe = "import sys, shared.adapters.pdf_text, shared.bootstrap; print('pymupdf' in sys.modules)"

        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
        )

        assert done.stdout.strip() == "False"
