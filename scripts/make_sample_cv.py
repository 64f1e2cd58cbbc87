"""Build samples/cv/mara-quinn-backend.pdf: the quick start's CV, a fictional person written for this project.

python scripts/make_sample_cv.py   (re-run after editing the text; the PDF is committed)
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

OUT = Path(__file__).resolve().parents[1] / "samples" / "cv" / "mara-quinn-backend.pdf"

LINES = [
    ("MARA QUINN", 18),
    ("Senior Backend Engineer", 12),
    ("Berlin, Germany  |  mara.quinn@example.com  |  +49 30 0000 0000", 9),
    ("", 9),
    ("SUMMARY", 12),
    ("Backend engineer with eight years of experience building APIs and data pipelines in", 10),
    ("Python and Go for small product teams. Prefers hybrid work in Berlin.", 10),
    ("", 9),
    ("EXPERIENCE", 12),
    ("Senior Backend Engineer, Lindenhof Logistics, Berlin", 10),
    ("March 2021 - Present", 9),
    ("- Designed event-driven services in Python (FastAPI, Celery) on Google Cloud and Kubernetes.", 9),
    ("- Moved order tracking from a monolith to PostgreSQL-backed services; p99 latency down 60%.", 9),
    ("- Mentored four engineers; ran the on-call rotation and incident reviews.", 9),
    ("", 9),
    ("Backend Engineer, Spreeblick Media, Berlin", 10),
    ("June 2017 - February 2021", 9),
    ("- Built REST and GraphQL APIs in Python (Django) and Go for a news platform.", 9),
    ("- Ran Redis caching, Elasticsearch search and CI/CD pipelines on AWS with Terraform and Docker.", 9),
    ("", 9),
    ("EDUCATION", 12),
    ("M.Sc. Computer Science, Technische Universitat Berlin, 2017", 10),
    ("", 9),
    ("SKILLS", 12),
    ("Python, Go, SQL, PostgreSQL, Redis, Kafka, Docker, Kubernetes, Terraform, GCP, AWS, REST, GraphQL", 9),
    ("", 9),
    ("LANGUAGES", 12),
    ("English (fluent), German (fluent)", 9),
]


def build(path: Path = OUT) -> Path:
    """Write the sample CV (one A4 page of real text, no images)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 60.0
    for text, size in LINES:
        if text:
            page.insert_text((56, y), text, fontsize=size, fontname="helv")
        y += size + 6
    doc.set_metadata({"title": "Mara Quinn - CV", "author": "Career assistant samples"})
    path.parent.mkdir(parents=True, exist_ok=True)
    # No timestamps from a clock, so a rebuild of the same text gives the same bytes.
    doc.save(path, garbage=4, deflate=True, no_new_id=True)
    doc.close()
    return path


if __name__ == "__main__":
    print(build())  # noqa: T201 - a script's one line of output
