"""Every job-source payload of the kit parses into clean, complete normalised offers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shared.domain.errors import PermanentError
from shared.domain.failures import FailureClass
from shared.domain.offers import JobOffer, merge_duplicates, offer_id
from shared.sources.registry import KINDS, adapter
from tests.support.cassette import responses

KIT = "job-sources"
PAYLOADS = [
    ("arbeitnow", "arbeitnow/job-board-api_100jobs_2026-02-15.json"),
    ("ashby", "ashby/ramp_posting-api_job-board_4jobs.json"),
    ("greenhouse", "greenhouse/anthropic_board-jobs_content-true_4jobs.json"),
    ("greenhouse", "greenhouse/generalassembly_embed-jobs_content-true_2013.vcr.yml"),
    ("hn-algolia", "hn-algolia/ask-hn-who-is-hiring_2026-09_items_trimmed.json"),
    ("lever", "lever/leverdemo_postings_mode-json_6postings.json"),
    ("lever", "lever/spotify_postings_mode-json_4postings.json"),
    ("personio", "personio/xml-feed_positions_sanitized.xml"),
    ("recruitee", "recruitee/offers_2offers_sanitized.json"),
    ("remoteok", "remoteok/api_97jobs_2026-03.json"),
    ("remotive", "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"),
    ("remotive", "remotive/remote-jobs_4jobs_trimmed.json"),
    ("smartrecruiters", "smartrecruiters/aboutyou_postings-list_3postings.json"),
    ("workable", "workable/zaelab_widget-accounts_2jobs.json"),
]
_MARKUP = re.compile(r"<[a-zA-Z/!]|&lt;|&gt;|&amp;|&quot;|&#\d|&#x|&nbsp;")


def body(path: Path) -> bytes:
    """The payload bytes; for a VCR cassette, the recorded response body."""
    if path.suffix == ".yml":
        return responses(path)[0].body
    return path.read_bytes()


def raw_postings(path: Path) -> list[object]:
    """The postings as the file holds them, counted independently of the parsers."""
    data = body(path)
    if path.suffix == ".xml":
        return re.findall(rb"<position>", data)
    doc = json.loads(data.decode("utf-8-sig"))
    if isinstance(doc, list):
        return [item for item in doc if "legal" not in item]
    for key in ("jobs", "data", "offers", "content", "children"):
        if key in doc:
            return list(doc[key])
    raise AssertionError(f"no postings list in {path}")


def parse_file(shared_data: Path, kind: str, rel: str) -> list[JobOffer]:
    return adapter(kind).parse(body(shared_data / KIT / rel), board="board")


@pytest.fixture(params=PAYLOADS, ids=[rel for _, rel in PAYLOADS])
def payload(request: pytest.FixtureRequest, shared_data: Path) -> tuple[str, Path, list[JobOffer]]:
    kind, rel = request.param
    return kind, shared_data / KIT / rel, parse_file(shared_data, kind, rel)


class TestEveryKitPayloadParses:
    def test_the_table_covers_every_file_of_the_kit(self, shared_data: Path) -> None:
        on_disk = {
            str(p.relative_to(shared_data / KIT)) for p in (shared_data / KIT).rglob("*") if p.is_file()
        }
        assert on_disk == {rel for _, rel in PAYLOADS}

    def test_count_equals_the_postings_in_the_file(self, payload: tuple[str, Path, list[JobOffer]]) -> None:
        _, path, offers = payload
        named = re.search(r"_(\d+)(?:jobs|postings|offers)", path.name)
        assert len(offers) == len(raw_postings(path))
        if named:
            assert len(offers) == int(named.group(1))

    def test_required_fields_are_present(self, payload: tuple[str, Path, list[JobOffer]]) -> None:
        kind, _, offers = payload
        for offer in offers:
            assert offer.source_kind == kind
            assert offer.external_id
            assert offer.company
            assert offer.url.startswith(("https://", "http://"))
            assert re.fullmatch(r"[0-9a-f]{64}", offer.content_hash)
            assert re.fullmatch(r"[0-9a-f]{32}", offer.fingerprint)
            assert offer.remote_policy in ("remote", "hybrid", "onsite", "unknown")
            assert offer.posted_at is None or offer.posted_at.tzinfo is not None
            assert offer.id == offer_id(kind, "board", offer.external_id)

    def test_no_markup_or_entities_are_left_in_any_text(
        self, payload: tuple[str, Path, list[JobOffer]]
    ) -> None:
        _, _, offers = payload
        for offer in offers:
            for text in (
                offer.title,
                offer.company,
                offer.description_text,
                *(loc.raw for loc in offer.locations),
            ):
                assert not _MARKUP.search(text), text[:200]
                assert "\ufeff" not in text

    def test_descriptions_are_kept_where_the_payload_has_one(
        self, payload: tuple[str, Path, list[JobOffer]]
    ) -> None:
        _, path, offers = payload
        keys = ("description", "content", "descriptionHtml", "text")
        raw = [p for p in raw_postings(path) if isinstance(p, dict)]
        with_text = [r for r in raw if any(isinstance(r.get(k), str) and len(r[k]) > 40 for k in keys)]
        assert sum(1 for o in offers if len(o.description_text) > 40) >= len(with_text)

    def test_hashes_are_stable_across_parses(self, shared_data: Path) -> None:
        first = parse_file(shared_data, "remoteok", "remoteok/api_97jobs_2026-03.json")
        second = parse_file(shared_data, "remoteok", "remoteok/api_97jobs_2026-03.json")
        assert [o.content_hash for o in first] == [o.content_hash for o in second]
        assert len({o.content_hash for o in first}) == len(first)


class TestSourceQuirks:
    def test_skips_remote_ok_leading_legal_notice(self, shared_data: Path) -> None:
        raw = json.loads((shared_data / KIT / "remoteok/api_97jobs_2026-03.json").read_bytes())
        offers = parse_file(shared_data, "remoteok", "remoteok/api_97jobs_2026-03.json")
        assert "legal" in raw[0]
        assert offers[0].external_id == str(raw[1]["id"])

    def test_keeps_a_remote_ok_posting_published_without_a_title(self, shared_data: Path) -> None:
        raw = json.loads((shared_data / KIT / "remoteok/api_97jobs_2026-03.json").read_bytes())[1:]
        offers = parse_file(shared_data, "remoteok", "remoteok/api_97jobs_2026-03.json")
        assert [o.title == "" for o in offers] == [not r["position"] for r in raw]

    def test_tolerates_remotive_byte_order_mark(self, shared_data: Path) -> None:
        path = shared_data / KIT / "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"
        offers = parse_file(shared_data, "remotive", "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json")
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert offers[0].external_id == str(json.loads(path.read_text("utf-8-sig"))["jobs"][0]["id"])

    def test_reads_greenhouse_cassette_body_served_as_text_html(self, shared_data: Path) -> None:
        recorded = responses(
            shared_data / KIT / "greenhouse/generalassembly_embed-jobs_content-true_2013.vcr.yml"
        )[0]
        offers = adapter("greenhouse").parse(recorded.body, board="generalassembly")
        assert recorded.headers["Content-Type"].startswith("text/html")
        assert [o.title for o in offers] == [j["title"] for j in json.loads(recorded.body)["jobs"]]
        assert all("&lt;" not in o.description_text and "•" in o.description_text for o in offers)

    def test_workable_listing_per_country_shares_one_fingerprint_and_id(self, shared_data: Path) -> None:
        offers = parse_file(shared_data, "workable", "workable/zaelab_widget-accounts_2jobs.json")
        merged = merge_duplicates(offers)
        assert len({o.fingerprint for o in offers}) == 1
        assert len({o.id for o in offers}) == 1
        assert len(merged) == 1
        assert sorted(loc.country or "" for loc in merged[0].locations) == ["ES", "PT"]

    def test_greenhouse_multi_location_string_becomes_structured_places(self, shared_data: Path) -> None:
        offers = parse_file(
            shared_data, "greenhouse", "greenhouse/anthropic_board-jobs_content-true_4jobs.json"
        )
        raw = json.loads(
            (shared_data / KIT / "greenhouse/anthropic_board-jobs_content-true_4jobs.json").read_bytes()
        )
        for offer, job in zip(offers, raw["jobs"], strict=True):
            parts = re.split(r"\s*[;|]\s*", job["location"]["name"])
            assert len(offer.locations) == len(parts)
            assert all(
                loc.country is None or re.fullmatch(r"[A-Z]{2}", loc.country) for loc in offer.locations
            )


class TestSalaries:
    def test_listed_salaries_are_kept_with_annual_figures(self, shared_data: Path) -> None:
        raw = json.loads((shared_data / KIT / "recruitee/offers_2offers_sanitized.json").read_bytes())[
            "offers"
        ]
        offers = parse_file(shared_data, "recruitee", "recruitee/offers_2offers_sanitized.json")
        for offer, item in zip(offers, raw, strict=True):
            assert offer.salary is not None
            assert (offer.salary.min, offer.salary.max) == (
                float(item["salary"]["min"]),
                float(item["salary"]["max"]),
            )
            assert offer.salary.currency == item["salary"]["currency"]
            assert offer.salary.source == "listed"
            assert offer.salary.annual_max == offer.salary.max

    def test_salary_text_is_parsed_wherever_remotive_lists_one(self, shared_data: Path) -> None:
        rel = "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"
        raw = json.loads((shared_data / KIT / rel).read_text("utf-8-sig"))["jobs"]
        offers = parse_file(shared_data, "remotive", rel)
        for offer, job in zip(offers, raw, strict=True):
            assert (offer.salary is not None) == bool(re.search(r"\d", job["salary"]))
            if offer.salary is not None:
                assert offer.salary.source == "parsed"
                assert (offer.salary.annual_min or 0) >= 1000

    def test_remote_ok_zero_means_not_listed(self, shared_data: Path) -> None:
        raw = json.loads((shared_data / KIT / "remoteok/api_97jobs_2026-03.json").read_bytes())[1:]
        offers = parse_file(shared_data, "remoteok", "remoteok/api_97jobs_2026-03.json")
        assert [o.salary is not None for o in offers] == [
            bool(r["salary_min"] or r["salary_max"]) for r in raw
        ]

    def test_ashby_compensation_tiers_give_the_widest_listed_range(self, shared_data: Path) -> None:
        raw = json.loads((shared_data / KIT / "ashby/ramp_posting-api_job-board_4jobs.json").read_bytes())[
            "jobs"
        ]
        offers = parse_file(shared_data, "ashby", "ashby/ramp_posting-api_job-board_4jobs.json")
        for offer, job in zip(offers, raw, strict=True):
            parts = [
                c
                for t in job["compensation"]["compensationTiers"]
                for c in t["components"]
                if c["compensationType"] == "Salary"
            ]
            if not parts:
                assert offer.salary is None
                continue
            assert offer.salary is not None
            assert offer.salary.min == min(c["minValue"] for c in parts)
            assert offer.salary.max == max(c["maxValue"] for c in parts)


class TestBadPayloads:
    @pytest.mark.parametrize("kind", [k for k in KINDS if k != "personio"])
    def test_malformed_json_is_a_source_parse_error(self, kind: str) -> None:
        with pytest.raises(PermanentError) as caught:
            adapter(kind).parse(b'{"jobs": [', board="b")
        assert caught.value.failure_class == FailureClass.SOURCE_PARSE_ERROR

    @pytest.mark.parametrize("kind", ["greenhouse", "ashby", "remotive", "arbeitnow", "smartrecruiters"])
    def test_a_payload_of_the_wrong_shape_is_a_source_parse_error(self, kind: str) -> None:
        with pytest.raises(PermanentError) as caught:
            adapter(kind).parse(b'{"unexpected": true}', board="b")
        assert caught.value.failure_class == FailureClass.SOURCE_PARSE_ERROR

    def test_a_posting_missing_its_id_names_the_posting(self) -> None:
        with pytest.raises(PermanentError, match="posting #1"):
            adapter("greenhouse").parse(b'{"jobs": [{"id": 1, "title": "a"}, {"title": "b"}]}', board="b")

    def test_personio_refuses_a_doctype(self) -> None:
        bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workzag-jobs>&a;</workzag-jobs>'
        with pytest.raises(PermanentError) as caught:
            adapter("personio").parse(bomb, board="b")
        assert caught.value.failure_class == FailureClass.SOURCE_PARSE_ERROR

    def test_personio_refuses_broken_xml(self) -> None:
        with pytest.raises(PermanentError, match="not XML"):
            adapter("personio").parse(b"<workzag-jobs><position>", board="b")

    def test_an_empty_board_parses_to_no_offers(self) -> None:
        assert adapter("greenhouse").parse(b'{"jobs": [], "meta": {"total": 0}}', board="b") == []

    def test_an_unknown_kind_is_invalid_input(self) -> None:
        with pytest.raises(PermanentError, match="unknown source kind"):
            adapter("monster")
