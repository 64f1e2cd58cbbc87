"""`career score`, `career score calibrate` (offline and against the Vertex stub), the LLM usage
route for operators and `career ops usage`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from shared.adapters.llm_scoring import LlmScoreProvider
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.api.usage import ROUTES as USAGE_ROUTES
from shared.cli.main import main
from shared.ports import Role
from shared.repositories.llm_usage import CallRecord, LlmUsageRepository
from shared.services.calibration import calibrate
from shared.topology import TOPOLOGY
from tests.support.http import bearer, client_for
from tests.support.vertex_stub import VertexStub, stub_json, stub_llm
from tests.unit.matching_world import OFFERS, make_profile
from tests.unit.notebook_world import NotebookWorld, world
from tests.unit.test_notebook_gemini import reply_for

__all__ = ["world"]  # the fixture, imported for pytest


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    profile = tmp_path / "profile.json"
    profile.write_text(make_profile("cli-user").model_dump_json(), encoding="utf-8")
    offer = tmp_path / "offer.json"
    offer.write_text(OFFERS[0].model_dump_json(), encoding="utf-8")
    offers = tmp_path / "offers.ndjson"
    offers.write_text("\n".join(o.model_dump_json() for o in OFFERS[:3]) + "\n", encoding="utf-8")
    return profile, offer, offers


class TestScoreCommand:
    def test_scores_a_pair_offline_as_json(self, tmp_path: Path) -> None:
        profile, offer, _ = _files(tmp_path)

        result = CliRunner().invoke(
            main, ["score", "--profile", str(profile), "--offer", str(offer), "--json"]
        )

        assert result.exit_code == 0, result.output
        record = json.loads(result.output)
        assert (record["provider"], record["offer_content_hash"]) == ("heuristic", OFFERS[0].content_hash)
        assert record["llm"]["kind"] == "llm"
        assert record["deterministic"]["kind"] == "deterministic"

    def test_needs_a_profile_and_an_offer(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(main, ["score"])

        assert result.exit_code == 2
        assert "--profile and --offer are required" in result.output


class TestCalibrate:
    def test_the_offline_scorer_does_not_drift(self, tmp_path: Path) -> None:
        profile, _, offers = _files(tmp_path)

        result = CliRunner().invoke(
            main,
            ["score", "calibrate", "--profile", str(profile), "--offers", str(offers), "--runs", "3",
             "--provider", "heuristic"],
        )  # fmt: skip

        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert (report["max_spread"], report["runs"], len(report["pairs"])) == (0.0, 3, 3)

    def test_against_the_stub_every_run_calls_and_the_spread_is_zero(self) -> None:
        with VertexStub(default=stub_json(reply_for(OFFERS[0].content_hash))) as stub:
            llm = stub_llm(stub)
            try:
                result = calibrate(
                    LlmScoreProvider(llm),
                    make_profile("cli-user"),
                    [OFFERS[0]],
                    runs=4,
                    cv_text=None,
                    now=lambda: datetime(2026, 3, 1, tzinfo=UTC),
                )
            finally:
                llm.close()

        assert len(stub.generate_requests()) == 4
        assert (result.max_spread, result.pairs[0].totals) == (0.0, [79.25] * 4)


class TestUsage:
    def test_operators_see_calls_and_tokens_per_day(self, world: NotebookWorld) -> None:
        usage = LlmUsageRepository(world.store)
        for tokens in (100, 250):
            usage.record(
                CallRecord("u1", "notebook_score", "gemini", "m", tokens, 10, 5, "ok", world.clock.now())
            )
        client = client_for(USAGE_ROUTES, world.container, name="ops")
        identity = world.container.identity

        as_operator = client.get("/llm-usage?days=2", headers=bearer(identity, "op", Role.OPERATOR))  # type: ignore[arg-type]
        as_user = client.get("/llm-usage", headers=bearer(identity, "u1"))  # type: ignore[arg-type]

        body = as_operator.get_json()
        assert (body["calls"], body["input_tokens"], body["output_tokens"]) == (2, 350, 20)
        assert [d["day"] for d in body["days"]] == ["2026-01-01", "2025-12-31"]
        assert body["days"][0]["by_provider"] == {"gemini": 2}
        assert as_user.status_code == 403

    def test_the_ops_usage_command_sums_the_local_stack(self, tmp_path: Path) -> None:
        data = tmp_path / "stack"
        data.mkdir()
        store = SqliteDocumentStore(data / "store.sqlite3", indexes=TOPOLOGY.indexes)
        today = datetime.now(UTC)
        LlmUsageRepository(store).record(
            CallRecord("u1", "notebook_score", "heuristic", "h", 0, 0, 1, "ok", today)
        )
        store.close()

        result = CliRunner().invoke(main, ["ops", "usage", "--days", "1", "--json", "--data-dir", str(data)])

        assert result.exit_code == 0, result.output
        [day] = json.loads(result.output)
        assert (day["day"], day["calls"], day["by_provider"]) == (
            today.date().isoformat(),
            1,
            {"heuristic": 1},
        )
