"""Read recorded HTTP exchanges out of a VCR cassette (YAML)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Recorded:
    """One recorded response."""

    uri: str
    status: int
    headers: dict[str, str]
    body: bytes


def responses(path: Path) -> list[Recorded]:
    """Every response of the cassette, in recording order."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for exchange in doc["http_interactions"]:
        response = exchange["response"]
        headers = {
            k: (v[0] if isinstance(v, list) else str(v)) for k, v in (response.get("headers") or {}).items()
        }
        body = response["body"]["string"]
        out.append(
            Recorded(
                uri=exchange["request"]["uri"],
                status=int(response["status"]["code"]),
                headers=headers,
                body=body.encode("utf-8") if isinstance(body, str) else bytes(body),
            )
        )
    return out
