"""The domain's third-party imports are the ones its import contract allows (decisions 0112, 0091)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "shared" / "domain"
ALLOWED = {"pydantic", "ahocorasick", "ahocorasick_rs"}


def _top_level_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


class TestDomainDependencies:
    def test_domain_imports_only_stdlib_pydantic_and_the_automaton(self) -> None:
        found = {
            (name, str(path.relative_to(DOMAIN)))
            for path in DOMAIN.rglob("*.py")
            for name in _top_level_imports(path)
            if name not in sys.stdlib_module_names and name != "shared"
        }

        assert {name for name, _ in found} <= ALLOWED, sorted(found)
