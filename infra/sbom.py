"""A CycloneDX (1.5, JSON) bill of materials for each function archive.

The archive is the BOM's subject (``metadata.component``, its sha256 as the hash); its
components are exactly the distributions its hash-pinned lock installs, each with its
package URL and the sha256 of every file the lock accepts for it. Licences come from the
installed distribution's metadata when the bundling environment has it. The document holds
no timestamp and its serial number derives from the archive's hash, so the same archive
always gets the same BOM.
"""

from __future__ import annotations

import json
import uuid
from importlib import metadata
from typing import Any

from infra.locks import Pin

SPEC_VERSION = "1.5"
_NAMESPACE = uuid.UUID("5b1e3f0a-6c4e-4e0b-9c55-1f2d8a7e4c31")


def _licence(name: str) -> list[dict[str, Any]]:
    try:
        meta = metadata.metadata(name)
    except metadata.PackageNotFoundError:
        return []
    expression = meta["License-Expression"]
    if expression:
        return [{"expression": expression}]
    text = (meta["License"] or "").strip()
    if text and len(text) <= 80 and "\n" not in text:
        return [{"license": {"name": text}}]
    classifiers = [
        c.rsplit(" :: ", 1)[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    return [{"license": {"name": c}} for c in classifiers if c != "OSI Approved"]


def component(pin: Pin) -> dict[str, Any]:
    """One locked distribution as a CycloneDX library component."""
    purl = f"pkg:pypi/{pin.name}@{pin.version}"
    out: dict[str, Any] = {
        "type": "library",
        "bom-ref": purl,
        "name": pin.name,
        "version": pin.version,
        "purl": purl,
        "hashes": [{"alg": "SHA-256", "content": h} for h in pin.hashes],
    }
    licences = _licence(pin.name)
    if licences:
        out["licenses"] = licences
    return out


def bom(function: str, digest: str, lock_pins: list[Pin], version: str) -> dict[str, Any]:
    """The BOM of ``function``'s archive with sha256 ``digest``."""
    subject = f"career-{function}"
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{uuid.uuid5(_NAMESPACE, digest)}",
        "version": 1,
        "metadata": {
            "component": {
                "type": "application",
                "bom-ref": subject,
                "name": subject,
                "version": version,
                "hashes": [{"alg": "SHA-256", "content": digest}],
                "properties": [{"name": "career:archive", "value": f"{function}-{digest}.zip"}],
            },
            "tools": {"components": [{"type": "application", "name": "infra.sbom"}]},
        },
        "components": [component(p) for p in sorted(lock_pins, key=lambda p: p.name)],
        "dependencies": [
            {"ref": subject, "dependsOn": sorted(f"pkg:pypi/{p.name}@{p.version}" for p in lock_pins)}
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    """Stable JSON text of a BOM."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
