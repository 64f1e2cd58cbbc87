"""GroupScan contract: every document of a collection group, paged in path order, on each backend."""

from __future__ import annotations

import uuid

import pytest

from shared.ports import DocumentStore, GroupScan


@pytest.fixture
def group() -> str:
    """A collection id no other test uses (the emulator keeps data for the whole session)."""
    return f"grp_{uuid.uuid4().hex[:10]}"


def _scanner(store: DocumentStore) -> GroupScan:
    assert isinstance(store, GroupScan)
    return store


class TestScanGroup:
    def test_finds_the_group_at_every_depth_and_nothing_else(
        self, document_store: DocumentStore, group: str
    ) -> None:
        paths = [f"users/u1/{group}/a", f"users/u2/{group}/b", f"{group}/c", f"x/y/z/w/{group}/d"]
        for path in paths:
            document_store.set(path, {"path": path})
        document_store.set(f"users/u1/{group}_other/e", {"path": "elsewhere"})
        document_store.set(f"users/u1/{group}/a/inner/f", {"path": "below a member"})

        found = _scanner(document_store).scan_group(group, limit=50)

        assert sorted(s.path for s in found) == sorted(paths)
        assert all(s.data == {"path": s.path} for s in found)

    def test_pages_resume_after_the_last_path_without_gaps_or_repeats(
        self, document_store: DocumentStore, group: str
    ) -> None:
        expected = {f"users/u{i % 4}/{group}/d{i:02d}" for i in range(11)}
        for path in expected:
            document_store.set(path, {"n": 1})
        scanner = _scanner(document_store)

        seen: list[str] = []
        after: str | None = None
        while page := scanner.scan_group(group, after=after, limit=3):
            assert len(page) <= 3
            seen.extend(s.path for s in page)
            after = page[-1].path

        assert len(seen) == len(expected)
        assert set(seen) == expected

    def test_an_empty_group_gives_an_empty_page(self, document_store: DocumentStore, group: str) -> None:
        assert _scanner(document_store).scan_group(group) == []
