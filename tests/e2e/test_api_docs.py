"""/api/docs and /ops/docs: an interactive reference served by the functions themselves, no CDN."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx
import pytest

from tests.e2e.local_server import Server

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("mount", ["/api", "/ops"])
class TestReferencePage:
    def test_every_file_the_page_loads_comes_from_the_function(
        self, server: Server, client: httpx.Client, mount: str
    ) -> None:
        page_url = f"{server.url}{mount}/docs"
        page = client.get(page_url)
        links = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        loaded = {link: client.get(urljoin(page_url, link)) for link in links}

        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert links
        assert [link for link in links if "//" in link] == []  # nothing from another host
        assert {link: r.status_code for link, r in loaded.items()} == dict.fromkeys(links, 200)
        assert "SwaggerUIBundle" in loaded["docs/swagger-ui-bundle.js"].text

    def test_the_reference_reads_the_functions_own_openapi_document(
        self, server: Server, client: httpx.Client, mount: str
    ) -> None:
        page_url = f"{server.url}{mount}/docs"
        script = client.get(f"{page_url}/start.js").text
        [document_url] = re.findall(r'url: "([^"]+)"', script)
        document = client.get(urljoin(page_url, document_url))

        assert document.status_code == 200
        assert document.json()["openapi"].startswith("3.1")
        assert any(path.startswith(("/documents", "/dead-letters")) for path in document.json()["paths"])

    def test_an_unknown_asset_is_a_404_problem(self, client: httpx.Client, mount: str) -> None:
        response = client.get(f"{mount}/docs/secrets.txt")

        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
