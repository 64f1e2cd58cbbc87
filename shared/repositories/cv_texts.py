"""The CV text a career profile was made from: its first source document's extracted text.

The document record comes from the Documents repository; its text sits in the text bucket (an
upload linked to an earlier identical one reads its twin's text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.domain.errors import NotFound
from shared.ports import BlobStore, DocumentStore

if TYPE_CHECKING:
    from shared.domain.profiles import CareerProfile


class CvTexts:
    """Reads the CV text behind a profile."""

    def __init__(self, store: DocumentStore, texts: BlobStore) -> None:
        self._store = store
        self._texts = texts

    def cv_text(self, profile: CareerProfile) -> str | None:
        """The extracted text of the profile's first source document, None when not readable."""
        # The document model loads when a pair is scored, not with every scoring service.
        from shared.domain.documents import text_object_name
        from shared.repositories.documents import Documents

        for document_id in profile.provenance.source_document_ids[:1]:
            document = Documents(self._store).get(profile.uid, document_id)
            if document is None:
                return None
            names = [document.text_object]
            if document.linked_to:
                names.append(text_object_name(document.uid, document.linked_to))
            for name in names:
                try:
                    return self._texts.read(name).decode("utf-8")
                except NotFound:
                    continue
        return None
