"""Documents on the local backend: upload, confirmation (idempotent), extraction, reads, delete."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from shared.config import Settings
from shared.domain.documents import DocumentState, object_name
from shared.domain.errors import Conflict, InvalidInput, NotFound, QuotaExceeded
from shared.domain.failures import FailureClass
from shared.domain.journey import StepState
from shared.messages import ExtractionTask, ProfileTask, channel_of
from shared.services.journey import StepContext
from shared.services.journey_steps.documents import evaluate
from tests.unit.documents_world import OTHER, UID, World, make_pdf, world

EXTRACTION = channel_of(ExtractionTask)
PROFILES = channel_of(ProfileTask)

__all__ = ["world"]  # the fixture, imported for pytest


class TestCreateUpload:
    def test_returns_a_short_lived_url_for_the_users_own_path(self, world: World) -> None:
        created = world.documents.create_upload(
            UID, filename="../My CV.pdf", size=1234, content_type="application/pdf"
        )

        assert created.document.state == DocumentState.PENDING_UPLOAD
        assert f"/users/{UID}/documents/{created.document.id}.pdf" in created.upload.url
        assert created.upload.expires_at - world.clock.now() <= timedelta(minutes=15)
        assert created.upload.headers["Content-Type"] == "application/pdf"
        assert created.document.filename == "My CV.pdf"
        assert created.document.schema_version == 1

    def test_refuses_a_content_type_other_than_pdf(self, world: World) -> None:
        with pytest.raises(InvalidInput) as caught:
            world.documents.create_upload(UID, filename="cv.docx", size=10, content_type="application/msword")

        assert caught.value.failure_class is FailureClass.UNSUPPORTED_MEDIA_TYPE

    def test_refuses_a_file_over_the_size_limit(self, world: World, settings: Settings) -> None:
        with pytest.raises(InvalidInput) as caught:
            world.documents.create_upload(
                UID, filename="cv.pdf", size=settings.max_upload_bytes + 1, content_type="application/pdf"
            )

        assert caught.value.failure_class is FailureClass.FILE_TOO_LARGE

    def test_refuses_past_the_quota(self, world: World, settings: Settings) -> None:
        for _ in range(settings.document_quota):
            world.start(b"%PDF-1.7")

        with pytest.raises(QuotaExceeded):
            world.start(b"%PDF-1.7")

    def test_abandoned_uploads_stop_counting_against_the_quota(
        self, world: World, settings: Settings
    ) -> None:
        for _ in range(settings.document_quota):
            world.start(b"%PDF-1.7")
        world.clock.advance(hours=2)

        document = world.start(b"%PDF-1.7")

        assert document.state == DocumentState.PENDING_UPLOAD


class TestConfirmUpload:
    def test_confirms_a_pdf_and_queues_its_extraction(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)

        confirmed = world.finalize(document, world.put(document, data))

        assert confirmed is not None
        assert confirmed.state == DocumentState.UPLOADED
        assert confirmed.sha256 == hashlib.sha256(data).hexdigest()
        assert confirmed.size == len(data)
        assert world.queue.pending(EXTRACTION) == 1

    def test_duplicate_events_leave_one_record_and_one_task(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        generation = world.put(document, data)
        first = world.finalize(document, generation)
        writes = world.store.writes

        again = world.finalize(document, generation)

        assert again == first
        assert world.store.writes == writes
        assert world.queue.pending(EXTRACTION) == 1

    def test_an_older_generation_after_a_newer_one_is_ignored(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        older = world.put(document, data)
        newer = world.put(document, data)
        confirmed = world.finalize(document, newer)

        late = world.finalize(document, older)

        assert late == confirmed
        assert world.documents.get(UID, document.id).generation == newer
        assert world.queue.pending(EXTRACTION) == 1

    def test_a_newer_generation_after_confirmation_is_ignored(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        first = world.put(document, data)
        world.finalize(document, first)

        world.finalize(document, world.put(document, data))

        assert world.documents.get(UID, document.id).generation == first
        assert world.queue.pending(EXTRACTION) == 1

    def test_ignores_objects_outside_the_documents_layout(self, world: World) -> None:
        world.uploads.write("avatars/u1.png", b"png", content_type="image/png")

        outcome = world.confirmation.confirm_object(world.uploads.bucket, "avatars/u1.png", generation="1")

        assert outcome is None
        assert world.uploads.exists("avatars/u1.png")

    def test_deletes_an_upload_to_another_users_path(self, world: World) -> None:
        data = make_pdf()
        mine = world.start(data)
        foreign = object_name(OTHER, mine.id)
        info = world.uploads.write(foreign, data, content_type="application/pdf")

        outcome = world.confirmation.confirm_object(world.uploads.bucket, foreign, generation=info.generation)

        assert outcome is None
        assert not world.uploads.exists(foreign)
        assert world.documents.get(UID, mine.id).state == DocumentState.PENDING_UPLOAD

    def test_rejects_a_file_without_the_pdf_magic(self, world: World) -> None:
        data = b"<html><body>not a pdf</body></html>"
        document = world.start(data)

        rejected = world.finalize(document, world.put(document, data))

        assert rejected is not None
        assert rejected.state == DocumentState.REJECTED
        assert rejected.failure_class is FailureClass.UPLOAD_REJECTED
        assert not world.uploads.exists(document.object_name)
        assert world.queue.pending(EXTRACTION) == 0

    def test_rejects_a_size_that_differs_from_the_announced_one(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)

        rejected = world.finalize(document, world.put(document, data + b"\n% trailing"))

        assert rejected is not None
        assert rejected.state == DocumentState.REJECTED
        assert "announced" in (rejected.failure_message or "")
        assert not world.uploads.exists(document.object_name)

    def test_rejects_a_file_stored_with_another_content_type(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)

        rejected = world.finalize(document, world.put(document, data, content_type="text/html"))

        assert rejected is not None
        assert rejected.state == DocumentState.REJECTED

    def test_the_same_cv_twice_is_linked_not_re_extracted(self, world: World) -> None:
        data = make_pdf()
        original = world.upload_and_extract(data)
        tasks_before = world.queue.pending(EXTRACTION)
        duplicate = world.start(data)

        linked = world.finalize(duplicate, world.put(duplicate, data))

        assert linked is not None
        assert linked.state == DocumentState.EXTRACTED
        assert linked.linked_to == original.id
        assert linked.text_sha256 == original.text_sha256
        assert world.queue.pending(EXTRACTION) == tasks_before
        assert world.documents.text(UID, duplicate.id)[1] == world.documents.text(UID, original.id)[1]

    def test_client_confirm_matches_the_event(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        generation = world.put(document, data)

        by_client = world.confirmation.confirm_for_user(UID, document.id)
        by_event = world.finalize(document, generation)

        assert by_client == by_event
        assert by_client.state == DocumentState.UPLOADED
        assert world.queue.pending(EXTRACTION) == 1

    def test_client_confirm_before_the_upload_is_a_conflict(self, world: World) -> None:
        document = world.start(make_pdf())

        with pytest.raises(Conflict):
            world.confirmation.confirm_for_user(UID, document.id)


class TestExtractionTask:
    def test_extracts_stores_the_text_and_queues_the_profile(self, world: World) -> None:
        document = world.upload_and_extract(make_pdf())

        _, text = world.documents.text(UID, document.id)
        assert document.state == DocumentState.EXTRACTED
        assert document.pages == 1
        assert document.chars == len(text)
        assert document.language == "en"
        assert document.text_sha256 == hashlib.sha256(text.encode()).hexdigest()
        assert "Senior Python engineer" in text
        assert world.queue.pending(PROFILES) == 1

    def test_records_a_scanned_cv_as_failed_with_its_class(self, world: World, shared_data: Path) -> None:
        data = (shared_data / "resumes" / "edge_scanned-image-only_no-text-layer_epson.pdf").read_bytes()

        document = world.upload_and_extract(data)

        assert document.state == DocumentState.FAILED
        assert document.failure_class is FailureClass.PDF_NO_TEXT
        assert document.failure_message
        assert world.queue.pending(PROFILES) == 0

    def test_a_redelivered_task_changes_nothing(self, world: World) -> None:
        document = world.upload_and_extract(make_pdf())
        writes = world.store.writes

        summary = world.extract(document)

        assert summary["state"] == "EXTRACTED"
        assert world.store.writes == writes
        assert world.queue.pending(PROFILES) == 1

    def test_a_document_deleted_before_its_task_is_acknowledged(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        world.finalize(document, world.put(document, data))
        world.documents.delete(UID, document.id)

        summary = world.extract(document)

        assert summary["state"] == "DELETED"
        assert not world.texts.exists(document.text_object)


class TestReadsAndDelete:
    def test_lists_newest_first_with_a_cursor(self, world: World) -> None:
        created = []
        for _ in range(3):
            created.append(world.start(b"%PDF-1.7").id)
            world.clock.advance(seconds=1)

        first = world.documents.list(UID, limit=2)
        second = world.documents.list(UID, limit=2, cursor=first.next_cursor)

        assert [d.id for d in first.documents] == created[::-1][:2]
        assert [d.id for d in second.documents] == created[:1]
        assert second.next_cursor is None

    def test_refuses_a_malformed_cursor(self, world: World) -> None:
        with pytest.raises(InvalidInput):
            world.documents.list(UID, cursor="not-a-cursor")

    def test_another_users_document_is_not_found(self, world: World) -> None:
        document = world.upload_and_extract(make_pdf())

        with pytest.raises(NotFound):
            world.documents.get(OTHER, document.id)
        with pytest.raises(NotFound):
            world.documents.text(OTHER, document.id)
        with pytest.raises(NotFound):
            world.documents.delete(OTHER, document.id)

    def test_text_before_extraction_is_a_conflict(self, world: World) -> None:
        document = world.start(make_pdf())

        with pytest.raises(Conflict):
            world.documents.text(UID, document.id)

    def test_delete_removes_record_pdf_and_text(self, world: World) -> None:
        document = world.upload_and_extract(make_pdf())

        world.documents.delete(UID, document.id)

        with pytest.raises(NotFound):
            world.documents.get(UID, document.id)
        assert not world.uploads.exists(document.object_name)
        assert not world.texts.exists(document.text_object)


class TestJourneyStep:
    def context(self, world: World) -> StepContext:
        return StepContext(UID, world.store, world.clock, {})

    def test_not_started_without_documents(self, world: World) -> None:
        assert evaluate(self.context(world)).state == StepState.NOT_STARTED

    def test_in_progress_while_uploading(self, world: World) -> None:
        world.start(make_pdf())

        assert evaluate(self.context(world)).state == StepState.IN_PROGRESS

    def test_done_once_a_document_is_extracted(self, world: World) -> None:
        document = world.upload_and_extract(make_pdf())

        status = evaluate(self.context(world))

        assert status.state == StepState.DONE
        assert status.detail["document_id"] == document.id

    def test_failed_with_the_class_of_the_newest_document(self, world: World) -> None:
        data = b"not a pdf at all"
        document = world.start(data)
        world.finalize(document, world.put(document, data))

        status = evaluate(self.context(world))

        assert status.state == StepState.FAILED
        assert status.failure_class is FailureClass.UPLOAD_REJECTED
