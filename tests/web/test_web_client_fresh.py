"""The web app's typed client is generated from the route tables; a route change must regenerate it.

Fix a failure with ``make web-client`` (OpenAPI documents from the route tables, then
openapi-typescript), and commit web/openapi/*.json and web/src/api/*-schema.d.ts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from shared.cli.openapi import openapi_json, render
from tests.emulators.process import REPO

WEB = REPO / "web"
FIX = "stale: run `make web-client` and commit web/openapi and web/src/api"


@pytest.mark.parametrize("function", ["api", "ops"])
def test_committed_openapi_document_matches_the_route_tables(function: str) -> None:
    committed = (WEB / "openapi" / f"{function}.json").read_text(encoding="utf-8")

    assert committed == render(openapi_json(function)), f"web/openapi/{function}.json is {FIX}"


@pytest.mark.parametrize("function", ["api", "ops"])
def test_generated_types_match_the_committed_document(function: str, tmp_path: Path) -> None:
    tool = WEB / "node_modules" / ".bin" / "openapi-typescript"
    if not tool.exists() or shutil.which("node") is None:
        pytest.fail(f"{tool} is missing: `make install` runs npm ci in web/")
    out = tmp_path / f"{function}-schema.d.ts"

    subprocess.run(
        [str(tool), f"openapi/{function}.json", "-o", str(out)],
        cwd=WEB,
        check=True,
        capture_output=True,
        timeout=120,
    )

    committed = (WEB / "src" / "api" / f"{function}-schema.d.ts").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, f"web/src/api/{function}-schema.d.ts is {FIX}"
