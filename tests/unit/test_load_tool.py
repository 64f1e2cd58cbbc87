"""How ``make load`` counts: an expected 4xx is a request; a 5xx, a surprise or a lost connection an error."""

from __future__ import annotations

import random
from collections import Counter

import httpx

from bench.load import Client, Level, Tally


def client_for(handler: httpx.MockTransport) -> Client:
    http = httpx.Client(base_url="http://127.0.0.1:1", transport=handler)
    return Client(http, random.Random(1), Tally(), b"%PDF-1.7")


def answering(status: int) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json={"status": status}))


class TestWhatCountsAsAnError:
    def test_an_expected_status_is_timed_and_not_an_error(self) -> None:
        c = client_for(answering(404))

        response = c.call("GET", "/api/career-profiles/latest", (200, 404))

        assert response is not None
        assert response.status_code == 404
        assert (len(c.tally.latencies_ms), c.tally.errors) == (1, [])
        assert c.tally.routes == {"GET /api/career-profiles/latest 404": 1}

    def test_a_server_error_is_an_error(self) -> None:
        c = client_for(answering(500))

        assert c.call("GET", "/api/journey", (200,)) is None

        [error] = c.tally.errors
        assert error.startswith("GET /api/journey: 500")

    def test_a_4xx_the_mix_does_not_expect_is_an_error(self) -> None:
        c = client_for(answering(422))

        assert c.call("PUT", "/api/me/profile-inputs", (200,), json={}) is None

        assert c.tally.errors[0].startswith("PUT /api/me/profile-inputs: 422")

    def test_a_connection_error_is_an_error_and_not_a_latency(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        c = client_for(httpx.MockTransport(refuse))

        assert c.call("GET", "/api/notebook", (200,)) is None

        assert c.tally.latencies_ms == []
        assert "ConnectError" in c.tally.errors[0]

    def test_ids_are_grouped_in_error_lines(self) -> None:
        c = client_for(answering(503))

        c.call("GET", "/api/matches/remotive-abcdef0123456789", (200,))

        assert c.tally.errors[0].startswith("GET /api/matches/{id}: 503")


class TestLevelFigures:
    def test_percentiles_are_nearest_rank(self) -> None:
        level = Level(
            clients=2,
            seconds=2.0,
            latencies_ms=[float(n) for n in range(1, 101)],
            errors=[],
            routes=Counter(),
        )

        assert (level.percentile(50), level.percentile(95), level.percentile(99)) == (50.0, 95.0, 99.0)
        assert level.rps == 50.0

    def test_the_lines_name_the_level_and_the_errors(self) -> None:
        level = Level(
            clients=4, seconds=1.0, latencies_ms=[10.0, 20.0], errors=["GET /x: 500"], routes=Counter()
        )

        lines = level.lines()

        assert lines[0] == "BENCH load_rps 2.0 req/s (4 clients)"
        assert [line.split()[1] for line in lines] == [
            "load_rps",
            "load_p50_ms",
            "load_p95_ms",
            "load_p99_ms",
            "load_errors",
        ]
        assert lines[-1] == "BENCH load_errors 1 count (4 clients)"
