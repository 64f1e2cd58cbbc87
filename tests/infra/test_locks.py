"""Hash-pinned locks per requirements set, the audit allowlist, and each archive's SBOM."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from infra_stack import REPO, make_source_tree
from packaging.requirements import Requirement

from infra.bundle import BundleError, build, requirements
from infra.locks import (
    LockError,
    active,
    audit_command,
    lock_path,
    pins,
    read_allowlist,
    read_lock,
    set_name,
    sets,
)
from shared.topology import TOPOLOGY

pytestmark = pytest.mark.infra


def _norm(name: str) -> str:
    return name.replace("_", "-").replace(".", "-").lower()


class TestLocks:
    def test_every_requirements_set_of_the_manifest_has_a_fresh_lock(self) -> None:
        for packages in sets().values():
            read_lock(REPO, packages, requirements(REPO, packages))  # raises when missing or stale

    def test_each_function_maps_to_the_lock_of_its_optional_packages(self) -> None:
        extraction = TOPOLOGY.function("extract_document")
        assert lock_path(REPO, extraction.packages).name == "pymupdf.txt"
        assert set_name(TOPOLOGY.function("match_offers").packages) == "core"
        assert set_name(TOPOLOGY.function("api").packages) == "flask-swagger-ui"

    @pytest.mark.parametrize("name", sorted(sets()))
    def test_a_lock_pins_every_requirement_to_a_version_it_allows_with_hashes(self, name: str) -> None:
        packages = sets()[name]
        locked = {p.name: p for p in pins(lock_path(REPO, packages).read_text())}
        lines = requirements(REPO, packages).splitlines()
        wanted = [Requirement(line) for line in lines if line[:1].isalnum()]

        assert locked, "a lock pins something"
        assert all(p.hashes for p in locked.values()), "every pin carries at least one sha256"
        for req in wanted:
            pin = locked[_norm(req.name)]
            assert req.specifier.contains(pin.version, prereleases=True), f"{pin} breaks {req}"

    def test_optional_packages_are_locked_only_in_their_own_sets(self) -> None:
        core = {p.name for p in pins(lock_path(REPO, ()).read_text())}
        extraction = {p.name for p in pins(lock_path(REPO, ("pymupdf",)).read_text())}
        assert "pymupdf" not in core
        assert "pymupdf" in extraction

    def test_a_stale_lock_stops_the_build(self, tmp_path: Path) -> None:
        tree = make_source_tree(tmp_path / "src", TOPOLOGY)
        pyproject = tree / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace('"click>=8.1"', '"click>=8.2"'))

        with pytest.raises(BundleError, match="stale"):
            build("api", tree, tmp_path / "out")

    def test_a_missing_lock_says_how_to_make_it(self, tmp_path: Path) -> None:
        tree = make_source_tree(tmp_path / "src", TOPOLOGY)
        lock_path(tree, ()).unlink()

        with pytest.raises(LockError, match="make lock"):
            read_lock(tree, (), requirements(tree, ()))

    def test_the_archive_installs_the_lock_in_hash_checking_mode(self, tmp_path: Path) -> None:
        tree = make_source_tree(tmp_path / "src", TOPOLOGY)
        bundle = build("extract_document", tree, tmp_path / "out", packages=("pymupdf",))

        shipped = zipfile.ZipFile(bundle.path).read("requirements.txt").decode()

        assert shipped == lock_path(REPO, ("pymupdf",)).read_text()
        pinned = [line for line in shipped.splitlines() if line[:1].isalnum()]
        assert pinned
        assert all("==" in line and line.endswith("\\") for line in pinned)


class TestAuditAllowlist:
    def test_the_checked_in_allowlist_parses(self) -> None:
        read_allowlist((REPO / "infra" / "locks" / "audit-allowlist.txt").read_text())

    def test_entries_past_their_date_are_no_longer_accepted(self) -> None:
        allowed = read_allowlist(
            "# comment\nGHSA-aaaa-bbbb-cccc 2026-01-31 not reachable: we never parse XML\n"
            "PYSEC-2026-1 2027-06-30 fixed upstream in 2.1, waiting for firebase-admin\n"
        )
        assert active(allowed, date(2026, 12, 3)) == ["PYSEC-2026-1"]

    def test_a_line_without_a_date_and_reason_is_refused(self) -> None:
        with pytest.raises(LockError, match="line 1"):
            read_allowlist("GHSA-aaaa-bbbb-cccc\n")

    def test_the_audit_checks_hashes_and_ignores_only_accepted_advisories(self) -> None:
        cmd = audit_command(Path("core.txt"), ["PYSEC-2026-1"], "python")
        assert "--require-hashes" in cmd
        assert "--strict" in cmd
        assert cmd[cmd.index("--ignore-vuln") + 1] == "PYSEC-2026-1"


class TestSbom:
    def test_the_bom_lists_exactly_what_the_archive_installs(self, tmp_path: Path) -> None:
        tree = make_source_tree(tmp_path / "src", TOPOLOGY)
        bundle = build("extract_document", tree, tmp_path / "out", packages=("pymupdf",))

        document = json.loads(bundle.sbom_path.read_text())

        locked = pins(lock_path(REPO, ("pymupdf",)).read_text())
        assert document["bomFormat"] == "CycloneDX"
        assert document["specVersion"] == "1.5"
        assert document["metadata"]["component"]["hashes"] == [{"alg": "SHA-256", "content": bundle.digest}]
        assert {c["purl"] for c in document["components"]} == {
            f"pkg:pypi/{p.name}@{p.version}" for p in locked
        }
        assert all(c["hashes"] for c in document["components"])

    def test_the_same_archive_gets_the_same_bom(self, tmp_path: Path) -> None:
        tree = make_source_tree(tmp_path / "src", TOPOLOGY)
        first = build("api", tree, tmp_path / "one")
        second = build("api", tree, tmp_path / "two")

        assert first.sbom_path.read_bytes() == second.sbom_path.read_bytes()

    def test_licences_come_from_installed_metadata(self, tmp_path: Path) -> None:
        tree = make_source_tree(tmp_path / "src", TOPOLOGY)
        document = json.loads(build("api", tree, tmp_path / "out").sbom_path.read_text())

        pydantic = next(c for c in document["components"] if c["name"] == "pydantic")
        assert pydantic["licenses"]
