"""A throwaway service-account key for signing V4 upload URLs against the emulators.

Generated fresh for each run or test and written only under a per-run folder: it is never
committed and is valid nowhere but the emulators (no real account holds its public half).
The GCP adapters read it the way they read any key, through GOOGLE_APPLICATION_CREDENTIALS.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.emulators.catalog import PROJECT

SIGNER_EMAIL = "uploads-signer@demo-career.iam.gserviceaccount.com"


def throwaway_key() -> tuple[dict[str, Any], rsa.RSAPublicKey]:
    """A freshly generated service-account key (JSON info) and its public half."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "throwaway",
        "private_key": pem,
        "client_email": SIGNER_EMAIL,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return info, key.public_key()


def write_signer(folder: Path) -> Path:
    """A new throwaway key file in ``folder`` (readable by its owner only); returns its path."""
    info, _ = throwaway_key()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "signer.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(info, handle)
    return path
