"""``career serve`` serves the built web app at / with the single-page-app fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from shared.localstack.static import StaticSite


def _request(path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Request:
    return Request(EnvironBuilder(path=path, method=method, headers=headers).get_environ())


@pytest.fixture
def site(tmp_path: Path) -> StaticSite:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / ".build-stamp").write_text("")
    (tmp_path.parent / "secret.txt").write_text("no")
    return StaticSite(tmp_path)


class TestStaticSite:
    def test_serves_the_app_shell_at_the_root_revalidated_every_time(self, site: StaticSite) -> None:
        response = site.respond(_request("/"))

        assert response is not None
        assert response.status_code == 200
        assert response.mimetype == "text/html"
        assert response.headers["Cache-Control"] == "no-cache"

    def test_client_routes_get_the_app_shell(self, site: StaticSite) -> None:
        response = site.respond(_request("/matches", headers={"Accept": "text/html,*/*;q=0.8"}))

        assert response is not None
        assert b"id=root" in response.get_data()

    @pytest.mark.parametrize("accept", ["*/*", "application/json", None])
    def test_an_unknown_path_asked_by_an_api_client_is_not_the_shell(
        self, site: StaticSite, accept: str | None
    ) -> None:
        headers = {"Accept": accept} if accept else None

        assert site.respond(_request("/nowhere", headers=headers)) is None

    def test_hashed_assets_are_cached_for_a_year(self, site: StaticSite) -> None:
        response = site.respond(_request("/assets/index-abc123.js"))

        assert response is not None
        assert response.mimetype in ("text/javascript", "application/javascript")
        assert "immutable" in response.headers["Cache-Control"]

    def test_a_missing_asset_is_not_answered_with_the_shell(self, site: StaticSite) -> None:
        assert site.respond(_request("/assets/gone-000.js")) is None

    @pytest.mark.parametrize("path", ["/../secret.txt", "/assets/../../secret.txt", "/.build-stamp"])
    def test_nothing_outside_the_folder_nor_hidden_files(self, site: StaticSite, path: str) -> None:
        assert site.respond(_request(path)) is None

    def test_only_reads_are_answered(self, site: StaticSite) -> None:
        assert site.respond(_request("/matches", method="POST")) is None

    def test_an_unchanged_file_answers_304(self, site: StaticSite) -> None:
        first = site.respond(_request("/"))
        assert first is not None

        again = site.respond(_request("/", headers={"If-None-Match": first.headers["ETag"]}))

        assert again is not None
        assert again.status_code == 304

    def test_an_unbuilt_folder_answers_nothing(self, tmp_path: Path) -> None:
        assert StaticSite(tmp_path / "missing").respond(_request("/")) is None
