"""An extraction that keeps crashing settles FAILED(INTERNAL) on its last attempt; a replay restarts it."""

from __future__ import annotations

import pytest

from shared.domain.documents import DocumentState
from shared.domain.failures import FailureClass, NextAction
from shared.messages import ExtractionTask, channel_of
from shared.ports import ExtractedText
from shared.services.extraction_task import DocumentExtraction
from shared.topology import TOPOLOGY
from tests.unit.documents_world import UID, World, make_pdf, world

__all__ = ["world"]  # the fixture, imported for pytest


class CrashingExtractor:
    """A TextExtractor whose PDF library keeps failing in an unexpected way."""

    def extract(self, data: bytes, **_: object) -> ExtractedText:
        raise RuntimeError("the PDF library crashed")


def _uploaded(world: World) -> tuple[str, ExtractionTask]:
    data = make_pdf()
    document = world.start(data)
    world.finalize(document, world.put(document, data))
    return document.id, ExtractionTask(uid=UID, document_id=document.id)


class TestExtractionRetries:
    def test_an_early_crash_leaves_the_document_extracting_for_the_retry(self, world: World) -> None:
        doc_id, request = _uploaded(world)
        crashing = world.container.make(DocumentExtraction, extractor=CrashingExtractor())

        with pytest.raises(RuntimeError):
            crashing.run(request)

        assert world.documents.get(UID, doc_id).state == DocumentState.EXTRACTING

    def test_a_crash_on_the_final_attempt_settles_failed_internal(self, world: World) -> None:
        doc_id, request = _uploaded(world)
        crashing = world.container.make(DocumentExtraction, extractor=CrashingExtractor())

        with pytest.raises(RuntimeError):
            crashing.run(request, final_attempt=True)

        document = world.documents.get(UID, doc_id)
        assert document.state == DocumentState.FAILED
        assert document.failure_class == FailureClass.INTERNAL
        assert document.failure_message is not None
        assert "retry it" in document.failure_message
        assert document.next_action == NextAction.RETRY

    def test_a_replayed_task_restarts_an_extraction_that_gave_up(self, world: World) -> None:
        doc_id, request = _uploaded(world)
        with pytest.raises(RuntimeError):
            world.container.make(DocumentExtraction, extractor=CrashingExtractor()).run(
                request, final_attempt=True
            )

        world.extraction.run(request)

        document = world.documents.get(UID, doc_id)
        assert document.state == DocumentState.EXTRACTED
        assert document.extraction_attempts == 2

    def test_a_classed_pdf_failure_is_final(self, world: World) -> None:
        data = b"%PDF-1.7\n" + b"\x00" * 64
        document = world.start(data)
        world.finalize(document, world.put(document, data))
        request = ExtractionTask(uid=UID, document_id=document.id)
        world.extraction.run(request)
        failed = world.documents.get(UID, document.id)

        world.extraction.run(request)

        again = world.documents.get(UID, document.id)
        assert failed.state == again.state == DocumentState.FAILED
        assert again.failure_class == FailureClass.PDF_CORRUPT
        assert again.extraction_attempts == failed.extraction_attempts


class RefusingTexts:
    """A text blob store whose writes fail permanently (a storage refusal)."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def write(self, name: str, data: bytes, **_: object) -> None:
        from shared.domain.errors import Forbidden

        raise Forbidden("bucket policy refused the write")

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


class TestStorageFailures:
    def test_a_text_write_refused_settles_failed_with_a_class_not_extracting_forever(
        self, world: World
    ) -> None:
        # Before: the PermanentError was acknowledged by the task edge and the document
        # stayed EXTRACTING forever ("in progress" for the user).
        doc_id, request = _uploaded(world)
        refusing = world.container.make(DocumentExtraction, texts=RefusingTexts(world.container.texts))

        summary = refusing.run(request)

        document = world.documents.get(UID, doc_id)
        assert (document.state, document.failure_class) == (DocumentState.FAILED, FailureClass.INTERNAL)
        assert summary["failure_class"] == "INTERNAL"
        assert document.restartable

    def test_the_settled_document_extracts_on_a_retry(self, world: World) -> None:
        doc_id, request = _uploaded(world)
        world.container.make(DocumentExtraction, texts=RefusingTexts(world.container.texts)).run(request)

        world.extraction.run(request)

        assert world.documents.get(UID, doc_id).state == DocumentState.EXTRACTED


class TestConfirmRestartsStuckExtractions:
    def _stuck(self, world: World) -> tuple[str, ExtractionTask]:
        """An extraction whose worker died after moving the document to EXTRACTING."""
        doc_id, request = _uploaded(world)
        world.queue.drain()  # nothing registered: the first task stays queued
        crashing = world.container.make(DocumentExtraction, extractor=CrashingExtractor())
        with pytest.raises(RuntimeError):
            crashing.run(request)
        return doc_id, request

    def test_confirm_past_the_lease_queues_the_extraction_again(self, world: World) -> None:
        # Before: /confirm returned the EXTRACTING document and did nothing.
        doc_id, _ = self._stuck(world)
        pending = world.queue.pending()
        world.clock.advance(seconds=TOPOLOGY.queue(channel_of(ExtractionTask)).dispatch_deadline_s + 1)

        world.confirmation.confirm_for_user(UID, doc_id)

        assert world.queue.pending() == pending + 1
        world.queue.register(
            channel_of(ExtractionTask), lambda d: world.extraction.run(ExtractionTask.model_validate(d.data))
        )
        world.queue.drain()
        assert world.documents.get(UID, doc_id).state == DocumentState.EXTRACTED

    def test_confirm_within_the_lease_queues_nothing(self, world: World) -> None:
        doc_id, _ = self._stuck(world)
        pending = world.queue.pending()

        world.confirmation.confirm_for_user(UID, doc_id)

        assert world.queue.pending() == pending
        assert world.documents.get(UID, doc_id).state == DocumentState.EXTRACTING
