"""Only repositories name collections: services, API handlers, functions and the CLI hold no
collection name or document path, and every repository writes a schema_version."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import shared.repositories

REPO = Path(__file__).resolve().parents[2]
OUTSIDE = ("shared/services", "shared/api", "shared/edge", "functions")
_NAME = re.compile(r"^[a-z][a-z_]*$")


def collections() -> set[str]:
    """Every top-level collection a repository module names (its lowercase string constants)."""
    found: set[str] = set()
    for info in pkgutil.iter_modules(shared.repositories.__path__):
        module = importlib.import_module(f"shared.repositories.{info.name}")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and _NAME.match(value):
                found.add(value)
    return found


def path_literals(path: Path, names: set[str]) -> set[str]:
    """String constants (f-string parts included) that are or start a collection path."""
    hits: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        value = node.value
        if value.startswith("users/") or value in names or (value.split("/", 1)[0] in names and "/" in value):
            hits.add(value)
    return hits


class TestOnlyRepositoriesNameCollections:
    def test_the_repositories_name_the_known_collections(self) -> None:
        names = collections()

        assert {"job_offers", "runs", "job_sources", "dead_letters", "offer_features"} <= names

    def test_no_service_handler_or_function_names_a_collection_or_path(self) -> None:
        names = collections()
        found = {
            path.relative_to(REPO).as_posix(): hits
            for root in OUTSIDE
            for path in sorted((REPO / root).rglob("*.py"))
            if (hits := path_literals(path, names))
        }

        assert found == {}

    def test_the_scan_sees_a_path_written_as_an_f_string(self, tmp_path: Path) -> None:
        sample = tmp_path / "sample.py"
        sample.write_text('uid = "u"\npath = f"users/{uid}/documents"\nq = "job_offers"\n', encoding="utf-8")

        assert path_literals(sample, {"job_offers"}) == {"users/", "job_offers"}
