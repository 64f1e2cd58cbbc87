"""Firestore and Storage security rules that deny every client.

The frontend goes through our HTTPS functions; nothing may read or write Firestore or the
buckets directly with a Firebase client SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

FIRESTORE_RULES = """rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /{document=**} {
      allow read, write: if false;
    }
  }
}
"""

STORAGE_RULES = """rules_version = '2';
service firebase.storage {
  match /b/{bucket}/o {
    match /{allPaths=**} {
      allow read, write: if false;
    }
  }
}
"""


@dataclass
class RulesArgs:
    """The database the Firestore rules guard and the buckets the Storage rules guard."""

    project: str
    database: gcp.firestore.Database
    buckets: Mapping[str, gcp.storage.Bucket]  # by purpose


class Rules(pulumi.ComponentResource):
    """Deny-all rulesets and their releases."""

    def __init__(self, name: str, args: RulesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:rules:Rules", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        firestore = gcp.firebaserules.Ruleset(
            "firestore-deny-all",
            project=args.project,
            source={"files": [{"name": "firestore.rules", "content": FIRESTORE_RULES}]},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.database]),
        )
        gcp.firebaserules.Release(
            "firestore",
            project=args.project,
            name="cloud.firestore",
            ruleset_name=firestore.name.apply(lambda n: f"projects/{args.project}/rulesets/{n}"),
            opts=child,
        )
        storage = gcp.firebaserules.Ruleset(
            "storage-deny-all",
            project=args.project,
            source={"files": [{"name": "storage.rules", "content": STORAGE_RULES}]},
            opts=child,
        )
        for purpose, bucket in args.buckets.items():
            gcp.firebaserules.Release(
                f"storage-{purpose}",
                project=args.project,
                name=bucket.name.apply(lambda b: f"firebase.storage/{b}"),
                ruleset_name=storage.name.apply(lambda n: f"projects/{args.project}/rulesets/{n}"),
                opts=child,
            )
        self.register_outputs({})
