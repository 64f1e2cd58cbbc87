"""Firestore: the native-mode database, the manifest's composite indexes and TTL policies."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from shared.topology import CompositeIndex, Topology

DATABASE = "(default)"


def index_name(index: CompositeIndex) -> str:
    """A readable, unique resource name for a composite index."""
    fields = "--".join(f"{f.path}-{f.order.lower()}" for f in index.fields)
    return f"{index.collection_group}--{fields}"


def _field(path: str, order: str) -> gcp.firestore.IndexFieldArgsDict:
    # Array-contains is not an order: Firestore takes it as the field's array_config.
    if order == "CONTAINS":
        return {"field_path": path, "array_config": order}
    return {"field_path": path, "order": order}


@dataclass
class FirestoreArgs:
    """Project, location and manifest."""

    project: str
    location: str
    topology: Topology
    protect: bool


class Firestore(pulumi.ComponentResource):
    """Database, indexes and TTL fields."""

    database: gcp.firestore.Database
    indexes: list[gcp.firestore.Index]
    ttl_fields: list[gcp.firestore.Field]

    def __init__(self, name: str, args: FirestoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:firestore:Firestore", name, {}, opts)
        self.database = gcp.firestore.Database(
            "database",
            project=args.project,
            name=DATABASE,
            location_id=args.location,
            type="FIRESTORE_NATIVE",
            delete_protection_state=f"DELETE_PROTECTION_{'ENABLED' if args.protect else 'DISABLED'}",
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        after_db = pulumi.ResourceOptions(parent=self, depends_on=[self.database])
        self.indexes = [
            gcp.firestore.Index(
                index_name(index),
                project=args.project,
                database=self.database.name,
                collection=index.collection_group,
                query_scope="COLLECTION",
                fields=[_field(f.path, f.order) for f in index.fields],
                opts=after_db,
            )
            for index in args.topology.indexes
        ]
        self.ttl_fields = [
            gcp.firestore.Field(
                f"{ttl.collection_group}--{ttl.field}-ttl",
                project=args.project,
                database=self.database.name,
                collection=ttl.collection_group,
                field=ttl.field,
                ttl_config={},
                # No query reads the expiry timestamp; not indexing it avoids write hotspots.
                index_config={},
                opts=after_db,
            )
            for ttl in args.topology.ttl_fields
        ]
        self.register_outputs({"database": self.database.name, "indexes": len(self.indexes)})
