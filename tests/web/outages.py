"""Real storage faults for browser tests, on the local stack's disk: a folder of the text bucket
becomes a symlink loop, so the blob store's file operations there fail with ELOOP, an error the
queue retries like any unexpected one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def break_text_bucket(data_dir: Path) -> Path:
    """A storage outage: the text bucket's folder becomes a symlink loop, so every write of
    extracted text fails with an OSError the queue retries (ELOOP), until it is removed."""
    bucket = data_dir / "blobs" / "career-text"
    shutil.rmtree(bucket, ignore_errors=True)
    bucket.parent.mkdir(parents=True, exist_ok=True)
    bucket.symlink_to(bucket.name)
    return bucket


@contextmanager
def text_metadata_outage(data_dir: Path) -> Iterator[None]:
    """The text bucket's metadata folder is a symlink loop while inside: every read of an
    extracted text fails with ELOOP. On exit the folder is back as it was, objects and all.

    The metadata, not the objects' folder: the store asks ``is_file()`` of an object before it
    reads it, which answers False on ELOOP, so a looped objects folder reads as a plain NotFound
    (and a score would go on without the CV text instead of failing)."""
    meta = data_dir / "blobs" / ".meta" / "career-text"
    aside = meta.with_name("career-text.outage")
    meta.rename(aside)
    meta.symlink_to(meta.name)
    try:
        yield
    finally:
        meta.unlink()
        aside.rename(meta)
