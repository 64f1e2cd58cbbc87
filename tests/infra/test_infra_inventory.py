"""The inventory lists every declared cloud resource, without a cloud or the Pulumi CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from infra_stack import make_source_tree

from infra import inventory, mocks
from infra.bundle import build_all
from infra.names import service_name
from shared.topology import TOPOLOGY

pytestmark = pytest.mark.infra


class TestInventory:
    def test_prints_one_sorted_line_per_resource(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        root = make_source_tree(tmp_path / "src", TOPOLOGY)

        code = inventory.main(["--root", str(root)])

        lines = capsys.readouterr().out.splitlines()
        assert code == 0
        assert lines == sorted(lines)
        assert all(len(line.split(" ")) == 2 for line in lines)
        assert not [line for line in lines if line.startswith("career:")]  # components are groupings
        for spec in TOPOLOGY.functions:
            assert f"gcp:cloudfunctionsv2/function:Function {service_name(spec.name)}" in lines

    def test_a_function_without_source_is_listed_with_a_warning(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        root = make_source_tree(tmp_path / "src", TOPOLOGY)
        (root / "functions" / "ops" / "main.py").unlink()

        lines = inventory.lines(root)

        assert "gcp:cloudfunctionsv2/function:Function ops" in lines
        assert "functions/ops/main.py not found" in capsys.readouterr().err

    def test_lists_the_same_archives_make_bundle_builds(self, tmp_path: Path) -> None:
        root = make_source_tree(tmp_path / "src", TOPOLOGY)
        names = [f.name for f in TOPOLOGY.functions]

        listed = inventory.inventory_bundles(TOPOLOGY, root, tmp_path / "listed")
        built = build_all(names, root, tmp_path / "built")

        assert {n: b.digest for n, b in listed.items()} == {n: b.digest for n, b in built.items()}


class TestProgramEntry:
    def test_main_builds_every_archive_and_declares_every_function(self, tmp_path: Path) -> None:
        from infra.__main__ import main

        root = make_source_tree(tmp_path / "src", TOPOLOGY)
        out = tmp_path / "bundles"

        declared = mocks.run(lambda: main(root, out), mocks.default_config())

        functions = {d.name for d in declared if d.type == "gcp:cloudfunctionsv2/function:Function"}
        assert functions == {service_name(f.name) for f in TOPOLOGY.functions}
        assert len(list(out.glob("*.zip"))) == len(TOPOLOGY.functions)
