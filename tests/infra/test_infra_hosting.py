"""The web app's hosting: one Firebase Hosting site, and rewrites that keep the browser same-origin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra_stack import Stack

from infra.config import DEFAULT_REGION
from infra.mocks import PROJECT
from shared.topology import TOPOLOGY

SITE = "gcp:firebase/hostingSite:HostingSite"
FIREBASE_JSON = Path(__file__).resolve().parents[2] / "web" / "firebase.json"


def _hosting() -> dict[str, Any]:
    hosting: dict[str, Any] = json.loads(FIREBASE_JSON.read_text(encoding="utf-8"))["hosting"]
    return hosting


class TestHostingSite:
    def test_one_site_named_after_the_project_in_it(self, stack: Stack) -> None:
        sites = stack.all(SITE)

        assert [s.inputs["siteId"] for s in sites] == [f"{PROJECT}-web"]
        assert sites[0].inputs["project"] == PROJECT

    def test_the_hosting_api_is_enabled(self, stack: Stack) -> None:
        services = {s.inputs["service"] for s in stack.all("gcp:projects/service:Service")}

        assert "firebasehosting.googleapis.com" in services


class TestFirebaseJson:
    def test_each_public_function_is_reached_under_its_mount(self) -> None:
        rewrites = {r["source"]: r for r in _hosting()["rewrites"]}

        for spec in TOPOLOGY.functions:
            if spec.public and spec.mount:
                target = rewrites[f"{spec.mount}/**"]["function"]
                assert target == {"functionId": spec.name, "region": DEFAULT_REGION}

    def test_only_public_functions_are_rewritten_to(self) -> None:
        targets = {r["function"]["functionId"] for r in _hosting()["rewrites"] if "function" in r}

        assert targets == {f.name for f in TOPOLOGY.functions if f.public and f.mount}

    def test_client_routes_fall_back_to_the_app_shell_last(self) -> None:
        last = _hosting()["rewrites"][-1]

        assert last == {"source": "**", "destination": "/index.html"}

    def test_serves_the_vite_build_and_nothing_hidden(self) -> None:
        hosting = _hosting()

        assert hosting["public"] == "dist"
        assert "**/.*" in hosting["ignore"]
