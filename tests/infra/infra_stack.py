"""Helpers of the infra policy tests: a source tree to bundle and the program run under mocks.

Mocks are installed by ``infra.mocks.run`` before the program runs anything; each test
reads the recorded declarations.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from infra import mocks
from infra.bundle import Bundle, build_all
from infra.mocks import Declared
from shared.topology import Topology

REPO = Path(__file__).resolve().parents[2]
SECRET_VALUE = "plain-secret-value-7f3a"


def make_source_tree(root: Path, topology: Topology) -> Path:
    """A minimal repository: pyproject.toml and its locks, a small ``shared`` package, every main.py."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "infra" / "locks", root / "infra" / "locks")
    (root / "shared" / "__pycache__").mkdir(parents=True)
    (root / "shared" / "__init__.py").write_text('"""Shared package."""\n')
    (root / "shared" / "topology.py").write_text("TOPOLOGY = None\n")
    (root / "shared" / "__pycache__" / "topology.cpython-311.pyc").write_bytes(b"\x00cache")
    for spec in topology.functions:
        folder = root / "functions" / spec.name
        folder.mkdir(parents=True)
        (folder / "main.py").write_text(f"def {spec.entry_point}(request):\n    return 'ok'\n")
    return root


@dataclass
class Stack:
    """What one run of the program declared."""

    declared: list[Declared]
    bundles: dict[str, Bundle]

    def all(self, type_: str) -> list[Declared]:
        """Every declared resource of a Pulumi type token."""
        return [d for d in self.declared if d.type == type_]

    def named(self, type_: str) -> dict[str, Declared]:
        """Resources of ``type_`` by Pulumi name."""
        return {d.name: d for d in self.all(type_)}


def run_stack(tmp: Path, topology: Topology) -> Stack:
    """Run the whole program on ``topology`` under mocks, with one secret given through config."""
    from infra.__main__ import compose  # after the mocks exist: importing declares nothing
    from infra.components.secrets import secret_names
    from infra.config import load

    root = make_source_tree(tmp / "src", topology)
    bundles = build_all((f.name for f in topology.functions), root, tmp / "bundles", topology)
    names = secret_names(topology)
    config = mocks.default_config()
    secret_keys = tuple(f"career:{n}" for n in names)
    config.update(dict.fromkeys(secret_keys, SECRET_VALUE))
    declared = mocks.run(lambda: compose(load(names), topology, bundles), config, secret_keys)
    return Stack(declared, bundles)
