"""The first-run commands on the local backend: one --data-dir, import through the crawl path,
status, and the default source registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shared.bootstrap import Container
from shared.cli.main import main
from shared.config import Settings
from shared.domain.runs import RunStatus
from shared.messages import OffersChanged, channel_of
from shared.repositories.runs import RunLedger
from shared.services.source_defaults import default_specs, seed_when_empty
from shared.services.sources import SourceService, SourceSpec
from shared.sources.registry import KINDS
from shared.topology import TOPOLOGY

REPO = Path(__file__).resolve().parents[2]
GREENHOUSE = REPO / "samples" / "jobs" / "greenhouse" / "nordlicht-energy.json"
REMOTIVE = REPO / "samples" / "jobs" / "remotive" / "remote-roles.json"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A folder where a local stack has run (its store exists)."""
    folder = tmp_path / "stack"
    built = Container(Settings(backend="local", environment="test", data_dir=folder))
    _ = built.store
    built.close()
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"CAREER_ENVIRONMENT": "test"})
    return result.exit_code, result.output


def imp(kind: str, path: Path, folder: Path, *extra: str) -> tuple[int, str]:
    """``career sources import`` into ``folder`` without waiting for a server to match."""
    where = ("--data-dir", str(folder), "--wait", "0")
    return run("sources", "import", "--kind", kind, str(path), *where, *extra)


def stack(folder: Path) -> Container:
    return Container(Settings(backend="local", environment="test", data_dir=folder))


class TestDataDir:
    @pytest.mark.parametrize(
        "command",
        [["sources", "list"], ["runs", "list"], ["status"], ["crawl", "--all"], ["sources", "add", "--kind",
         "lever", "--board", "x"], ["sources", "import", "--kind", "greenhouse", str(GREENHOUSE)]],
    )  # fmt: skip
    def test_refuses_a_folder_where_no_stack_ran_and_creates_nothing(
        self, tmp_path: Path, command: list[str]
    ) -> None:
        missing = tmp_path / "typo"

        code, output = run(*command, "--data-dir", str(missing))

        assert code == 1
        assert "no local stack data" in output
        assert not missing.exists()

    def test_every_stack_command_takes_data_dir(self) -> None:
        for command in (["sources", "list"], ["sources", "add"], ["sources", "import"], ["crawl"],
                        ["runs", "list"], ["runs", "show"], ["status"]):  # fmt: skip
            code, output = run(*command, "--help")
            assert code == 0, command
            assert "--data-dir" in output, command


class TestImport:
    def test_a_saved_board_goes_through_a_run_the_upsert_and_offer_events(self, data_dir: Path) -> None:
        code, output = imp("greenhouse", GREENHOUSE, data_dir)

        built = stack(data_dir)
        source = built.make(SourceService).get("greenhouse-nordlicht-energy")
        [imported], _ = built.make(RunLedger).list(source_id=source.id, limit=5)
        pending_events = built.delivery.pending("offer-events-match")
        built.close()
        assert code == 0, output
        assert (source.kind, source.board, source.enabled, source.offer_count) == (
            "greenhouse", "nordlicht-energy", False, 5,
        )  # fmt: skip
        assert (imported.trigger, imported.status, imported.stats.new) == ("import", RunStatus.COMPLETED, 5)
        assert pending_events == 1
        assert f"{source.id}\tCOMPLETED\t{imported.id}\tfetched=5 new=5" in output

    def test_the_same_payload_again_writes_nothing(self, data_dir: Path) -> None:
        args = [
            "sources",
            "import",
            "--kind",
            "remotive",
            str(REMOTIVE),
            "--data-dir",
            str(data_dir),
            "--wait",
            "0",
        ]
        run(*args)

        code, output = run(*args)

        assert code == 0
        assert "fetched=4 new=0 updated=0 unchanged=4 closed=0" in output

    def test_a_payload_that_does_not_parse_fails_its_run_with_the_class(
        self, data_dir: Path, tmp_path: Path
    ) -> None:
        broken = tmp_path / "broken.json"
        broken.write_text("{not json")

        code, output = imp("lever", broken, data_dir, "--source-id", "lever-broken")

        assert code == 1
        assert "lever-broken\tFAILED" in output
        assert "SOURCE_PARSE_ERROR" in output

    def test_refuses_a_source_of_another_kind(self, data_dir: Path) -> None:
        run(
            "sources",
            "add",
            "--kind",
            "lever",
            "--board",
            "acme",
            "--id",
            "acme",
            "--data-dir",
            str(data_dir),
        )

        code, output = imp("greenhouse", GREENHOUSE, data_dir, "--source-id", "acme")

        assert code == 1
        assert "of kind lever, not greenhouse" in output


class TestStatus:
    def test_summarises_offers_sources_and_last_runs(self, data_dir: Path) -> None:
        run(
            "sources",
            "import",
            "--kind",
            "greenhouse",
            str(GREENHOUSE),
            "--data-dir",
            str(data_dir),
            "--wait",
            "0",
        )

        code, output = run("status", "--data-dir", str(data_dir), "--json")

        summary = json.loads(output)
        assert code == 0
        assert (summary["users"], summary["offers_open"], summary["offers_closed"]) == (0, 5, 0)
        # the run's OffersChanged waits once per subscription of its topic (matching, notebook)
        assert summary["pending_deliveries"] == len(TOPOLOGY.subscriptions_of(channel_of(OffersChanged)))
        [source] = summary["sources"]
        assert (source["id"], source["last_run_status"], source["offer_count"]) == (
            "greenhouse-nordlicht-energy", "COMPLETED", 5,
        )  # fmt: skip


class TestDefaultSources:
    def test_cover_the_whole_market_boards_and_company_boards(self) -> None:
        kinds = {spec.kind for spec in default_specs()}

        assert {"remotive", "remoteok", "arbeitnow", "hn-algolia", "greenhouse", "lever", "ashby"} <= kinds
        assert kinds <= set(KINDS)

    def test_fill_an_empty_registry_only(self, data_dir: Path) -> None:
        built = stack(data_dir)
        sources = built.make(SourceService)

        first = seed_when_empty(sources, default_specs())
        sources.save(SourceSpec(id="mine", kind="lever", board="mine"))
        second = seed_when_empty(sources, default_specs())
        built.close()

        assert len(first) == len(default_specs())
        assert second == []
