"""The GCS Pub/Sub notification (JSON_API_V1, OBJECT_FINALIZE) of a stored object.

The local blob store announces each write with exactly the message GCS would publish, so the
upload handler decodes one shape on both backends.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from shared.ports import BlobInfo


def gcs_notification(info: BlobInfo) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON_API_V1 OBJECT_FINALIZE message GCS publishes for ``info``: (data, attributes)."""
    quoted = quote(info.name, safe="")
    created = getattr(info, "time_created", None) or info.updated
    data: dict[str, Any] = {
        "kind": "storage#object",
        "id": f"{info.bucket}/{info.name}/{info.generation}",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{info.bucket}/o/{quoted}",
        "mediaLink": f"https://storage.googleapis.com/download/storage/v1/b/{info.bucket}/o/{quoted}"
        f"?generation={info.generation}&alt=media",
        "name": info.name,
        "bucket": info.bucket,
        "generation": info.generation,
        "metageneration": "1",
        "contentType": info.content_type,
        "storageClass": "STANDARD",
        "size": str(info.size),
        "timeCreated": _rfc3339(created),
        "updated": _rfc3339(info.updated),
        "timeStorageClassUpdated": _rfc3339(created),
        "etag": base64.b64encode(info.generation.encode()).decode(),
    }
    for key, attr in (("md5Hash", "md5_hash"), ("crc32c", "crc32c")):
        value = getattr(info, attr, None)
        if value:
            data[key] = value
    attributes = {
        "notificationConfig": f"projects/_/buckets/{info.bucket}/notificationConfigs/1",
        "eventType": "OBJECT_FINALIZE",
        "payloadFormat": "JSON_API_V1",
        "bucketId": info.bucket,
        "objectId": info.name,
        "objectGeneration": info.generation,
        "eventTime": info.updated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    overwrote = getattr(info, "overwrote_generation", None)
    if overwrote:
        attributes["overwroteGeneration"] = str(overwrote)
    return data, attributes


def _rfc3339(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
