"""Buckets: CV uploads (browser PUT through signed URLs), extracted text, function sources.

None is public: uniform bucket-level access and public access prevention are enforced on
all of them; clients reach uploads only through short-lived V4 signed URLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

# What a browser PUT through a signed URL sends and needs to read back.
_CORS_HEADERS = ["Content-Type", "Content-Length", "Content-MD5", "x-goog-content-length-range", "ETag"]


@dataclass
class StorageArgs:
    """Where, for which origins, and how long abandoned uploads are kept."""

    project: str
    region: str
    labels: Mapping[str, str]
    cors_origins: tuple[str, ...]
    abandoned_upload_days: int
    protect: bool


class Storage(pulumi.ComponentResource):
    """The uploads, text and function-sources buckets."""

    uploads: gcp.storage.Bucket
    text: gcp.storage.Bucket
    sources: gcp.storage.Bucket

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:storage:Storage", name, {}, opts)
        self._args = args
        self.uploads = self._bucket(
            "uploads",
            cors=[
                {
                    "origins": list(args.cors_origins),
                    "methods": ["PUT", "OPTIONS"],
                    "response_headers": _CORS_HEADERS,
                    "max_age_seconds": 3600,
                }
            ],
            lifecycle_rules=[
                # A resumable or multipart upload the browser never finished.
                {
                    "action": {"type": "AbortIncompleteMultipartUpload"},
                    "condition": {"age": 1},
                },
                # An upload the pipeline refused or never confirmed: it stamps customTime on
                # such objects; confirmed CVs never carry one, so nothing a user kept is deleted.
                {
                    "action": {"type": "Delete"},
                    "condition": {"days_since_custom_time": args.abandoned_upload_days},
                },
            ],
        )
        self.text = self._bucket("text")
        # Content-hashed function archives; an archive is replaced, never overwritten.
        self.sources = self._bucket("function-sources", protect=False)
        self.register_outputs(
            {"uploads": self.uploads.name, "text": self.text.name, "sources": self.sources.name}
        )

    def _bucket(
        self,
        purpose: str,
        protect: bool | None = None,
        cors: list[gcp.storage.BucketCorArgsDict] | None = None,
        lifecycle_rules: list[gcp.storage.BucketLifecycleRuleArgsDict] | None = None,
    ) -> gcp.storage.Bucket:
        args = self._args
        keep = args.protect if protect is None else protect
        return gcp.storage.Bucket(
            purpose,
            project=args.project,
            name=f"{args.project}-{purpose}",
            location=args.region,
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            labels=dict(args.labels),
            force_destroy=not keep,
            opts=pulumi.ResourceOptions(parent=self, protect=keep),
            cors=cors,
            lifecycle_rules=lifecycle_rules,
        )
