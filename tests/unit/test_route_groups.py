"""Route groups: each area is imported on its first request, and the segment lists stay right."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import flask
import pytest
from pydantic import BaseModel

from shared.api.routes import api_route_groups, api_routes, ops_route_groups, ops_routes
from shared.bootstrap import Container
from shared.config import Settings
from shared.edge.http import Call, HttpApp, Route, RouteGroup


class Echo(BaseModel):
    """What the fake handlers answer."""

    route: str


def _echo(name: str) -> Callable[[Call], Echo]:
    return lambda call: Echo(route=name)


class _Area:
    """A fake area: counts how often its table is loaded."""

    def __init__(self, *routes: Route) -> None:
        self.routes = routes
        self.loads = 0

    def load(self) -> Sequence[Route]:
        self.loads += 1
        return self.routes


@pytest.fixture
def areas() -> dict[str, _Area]:
    return {
        "things": _Area(
            Route("GET", "/things", _echo("list things"), auth="public"),
            Route("POST", "/things/{id}:poke", _echo("poke thing"), auth="public"),
        ),
        "others": _Area(
            Route("GET", "/others", _echo("list others"), auth="public"),
            # Declared under "others" but outside the group's segments: must still answer.
            Route("GET", "/stray", _echo("stray"), auth="public"),
        ),
    }


@pytest.fixture
def app(areas: dict[str, _Area], tmp_path: Path) -> HttpApp:
    container = Container(Settings(backend="local", environment="test", data_dir=tmp_path))
    groups = [RouteGroup(("things",), areas["things"].load), RouteGroup(("others",), areas["others"].load)]
    return HttpApp("unit", groups, container_factory=lambda: container)


def _send(app: HttpApp, method: str, path: str) -> flask.Response:
    with flask.Flask("route-groups").test_request_context(path, method=method):
        return app(flask.request)


class TestLazyLoading:
    def test_healthz_loads_no_area(self, app: HttpApp, areas: dict[str, _Area]) -> None:
        response = _send(app, "GET", "/healthz")

        assert response.status_code == 200
        assert [a.loads for a in areas.values()] == [0, 0]

    def test_a_request_loads_only_the_area_owning_its_first_segment(
        self, app: HttpApp, areas: dict[str, _Area]
    ) -> None:
        response = _send(app, "POST", "/things/7:poke")

        assert response.get_json() == {"route": "poke thing"}
        assert (areas["things"].loads, areas["others"].loads) == (1, 0)

    def test_an_area_is_loaded_once(self, app: HttpApp, areas: dict[str, _Area]) -> None:
        _send(app, "GET", "/things")
        _send(app, "GET", "/things")

        assert areas["things"].loads == 1

    def test_a_route_outside_its_groups_segments_still_answers(self, app: HttpApp) -> None:
        response = _send(app, "GET", "/stray")

        assert response.get_json() == {"route": "stray"}

    def test_an_unknown_path_is_a_404_problem(self, app: HttpApp) -> None:
        response = _send(app, "GET", "/nowhere")

        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"

    def test_route_order_is_the_declared_one_whatever_loaded_first(self, app: HttpApp) -> None:
        _send(app, "GET", "/others")

        paths = [r.path for r in app.routes]

        builtin = ["/healthz", "/openapi.json", "/docs", "/docs/{asset}"]
        assert paths == [*builtin, "/things", "/things/{id}:poke", "/others", "/stray"]


class TestFunctionGroups:
    @pytest.mark.parametrize(
        ("groups", "flat"), [(api_route_groups, api_routes), (ops_route_groups, ops_routes)]
    )
    def test_groups_hold_exactly_the_functions_routes_in_order(
        self, groups: Callable[[], list[RouteGroup]], flat: Callable[[], list[Route]]
    ) -> None:
        grouped = [route for group in groups() for route in group.load()]

        assert grouped == flat()

    @pytest.mark.parametrize("groups", [api_route_groups, ops_route_groups])
    def test_every_route_is_owned_by_its_own_group_only(self, groups: Callable[[], list[RouteGroup]]) -> None:
        table = groups()

        for group in table:
            for route in group.load():
                owners = [g for g in table if g.owns(route.path)]
                assert owners == [group], f"{route.method} {route.path}"
