"""Compatibility in both directions, for every stored document kind and every message kind.

- The current readers read every recorded version's golden fixture (a document stored by
  any earlier release, a message still waiting in a queue from one).
- The previous release's readers (their frozen JSON schemas) accept what the current code
  writes now, so rolling back one release never meets a document or a message it cannot read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from shared.messages import decode
from tests.compat.generate import FIXTURES, fixture_path, frozen_path
from tests.compat.kinds import DOCUMENTS, MESSAGE_MODELS, version_of
from tests.compat.world import message_examples, stored_documents


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _fixtures(area: str, kind: str) -> list[Path]:
    return sorted((FIXTURES / area / kind).glob("v*.json"), key=lambda p: int(p.stem[1:]))


@pytest.fixture(scope="module")
def written() -> dict[str, Any]:
    """One document of every kind, written just now by the current code on the local stack."""
    return stored_documents()


class TestGoldenFixtures:
    @pytest.mark.parametrize("kind", sorted(DOCUMENTS))
    def test_every_document_kind_has_a_fixture_at_its_current_version(self, kind: str) -> None:
        path = fixture_path("documents", kind, version_of(DOCUMENTS[kind]))
        assert path.is_file(), f"{path} missing: run `python -m tests.compat.generate`"

    @pytest.mark.parametrize("kind", sorted(MESSAGE_MODELS))
    def test_every_message_kind_has_a_fixture_at_its_current_version(self, kind: str) -> None:
        path = fixture_path("messages", kind, version_of(MESSAGE_MODELS[kind]))
        assert path.is_file(), f"{path} missing: run `python -m tests.compat.generate`"


class TestCurrentCodeReadsEveryEarlierVersion:
    @pytest.mark.parametrize("kind", sorted(DOCUMENTS))
    def test_the_reader_validates_every_recorded_version(self, kind: str) -> None:
        for path in _fixtures("documents", kind):
            model = DOCUMENTS[kind].model_validate(_load(path))
            assert model is not None, path

    @pytest.mark.parametrize("kind", sorted(MESSAGE_MODELS))
    def test_a_consumer_of_version_n_accepts_every_earlier_payload(self, kind: str) -> None:
        model = MESSAGE_MODELS[kind]
        recorded = _fixtures("messages", kind)
        assert [int(p.stem[1:]) for p in recorded][-1] == version_of(model)
        for path in recorded:  # decode raises InvalidMessage (dead-lettered) on a mismatch
            assert decode(model, _load(path)) is not None


class TestPreviousReleaseReadsWhatWeWrite:
    @pytest.mark.parametrize("kind", sorted(DOCUMENTS))
    def test_a_stored_document_passes_the_frozen_reader_schema(
        self, kind: str, written: dict[str, Any]
    ) -> None:
        schema = _load(frozen_path("documents", kind))

        jsonschema.validate(written[kind], schema)

    @pytest.mark.parametrize("kind", sorted(MESSAGE_MODELS))
    def test_a_message_passes_the_frozen_reader_schema(self, kind: str) -> None:
        schema = _load(frozen_path("messages", kind))

        jsonschema.validate(message_examples()[kind], schema)

    def test_a_frozen_schema_refuses_a_shape_the_previous_release_cannot_read(
        self, written: dict[str, Any]
    ) -> None:
        document = dict(written["documents"])
        document["state"] = "ARCHIVED"  # a state the frozen reader does not know

        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document, _load(frozen_path("documents", "documents")))
