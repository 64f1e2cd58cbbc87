"""Gemini on Vertex AI through google-genai: one structured-output call (a StructuredLLM).

- ``vertexai=True`` with project and location from Settings (``gemini_location`` pins the
  region, e.g. an EU one). With ``vertex_base_url`` (a local stub) project and location are
  passed explicitly too, or the SDK would send requests to ``/``.
- Temperature 0, a fixed seed, ``response_mime_type=application/json`` and ``response_schema`` =
  the pydantic model, so the SDK fills ``response.parsed``; ``parsed is None`` is LLM_INVALID_OUTPUT.
- HttpRetryOptions retry 429/5xx a few times with a short backoff inside one task attempt; the
  Cloud Tasks queue retries the task itself later with a longer one.
- Failure classes: 429 -> LLM_RATE_LIMITED, 5xx / timeouts / connection errors -> LLM_UNAVAILABLE
  (both TransientError); a prompt block or a SAFETY-like finish reason -> LLM_BLOCKED.

Credentials: ADC in production; tests pass any google.auth credentials object with a token.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from shared.domain.errors import PermanentError, TransientError
from shared.domain.failures import FailureClass
from shared.ports import LlmUsage, StructuredReply

if TYPE_CHECKING:
    from shared.config import Settings

M = TypeVar("M", bound=BaseModel)

_BLOCKING_FINISH = frozenset(
    {"SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "RECITATION", "IMAGE_SAFETY", "MODEL_ARMOR"}
)


@dataclass(frozen=True)
class RetryPolicy:
    """In-call retries (google-genai HttpRetryOptions); tests shrink the delays."""

    attempts: int = 3
    initial_delay_s: float = 1.0
    max_delay_s: float = 8.0
    jitter_s: float = 1.0
    status_codes: tuple[int, ...] = (429, 500, 502, 503, 504)


class GeminiStructuredLLM:
    """google-genai client for Vertex AI, built on first use (never at import or construction)."""

    def __init__(
        self,
        *,
        project: str,
        location: str,
        model: str,
        base_url: str | None = None,
        credentials: Any | None = None,
        retry: RetryPolicy | None = None,
        timeout_s: float = 90.0,
        max_output_tokens: int = 8192,
        seed: int = 20260101,
    ) -> None:
        self.model = model
        self._project = project
        self._location = location
        self._base_url = base_url
        self._credentials = credentials
        self._retry = retry or RetryPolicy()
        self._timeout_ms = int(timeout_s * 1000)
        self._max_output_tokens = max_output_tokens
        self._seed = seed
        self._client: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> GeminiStructuredLLM:
        """The adapter configured from Settings (model, location, optional stub URL)."""
        kwargs: dict[str, Any] = {
            "project": settings.project_id,
            "location": settings.gemini_location,
            "model": settings.gemini_model,
            "base_url": settings.vertex_base_url,
        }
        kwargs.update(overrides)
        return cls(**kwargs)

    def generate(self, system: str, user: str, schema: type[M]) -> StructuredReply[M]:
        """One generateContent call parsed into ``schema`` (see the module docstring for failures)."""
        from google.genai import types

        config = types.GenerateContentConfig(
            system_instruction=system,
            temperature=0.0,
            seed=self._seed,  # with temperature 0, a fixed seed keeps replays of one prompt alike
            response_mime_type="application/json",
            response_schema=schema,
            max_output_tokens=self._max_output_tokens,
        )
        started = time.perf_counter()
        try:
            response = self._get_client().models.generate_content(
                model=self.model, contents=user, config=config
            )
        except Exception as err:
            mapped = _classify(err)
            if mapped is err:
                raise
            raise mapped from err
        latency = int((time.perf_counter() - started) * 1000)
        _raise_if_blocked(response)
        parsed = response.parsed
        if not isinstance(parsed, schema):
            finish = _finish_reason(response)
            raise PermanentError(
                f"model output did not match the schema (finish reason {finish or 'unknown'})",
                failure_class=FailureClass.LLM_INVALID_OUTPUT,
            )
        meta = response.usage_metadata
        usage = LlmUsage(
            input_tokens=int(getattr(meta, "prompt_token_count", 0) or 0),
            output_tokens=int(getattr(meta, "candidates_token_count", 0) or 0),
        )
        return StructuredReply(parsed, str(response.model_version or self.model), latency, usage)

    def _get_client(self) -> Any:
        with self._lock:
            if self._client is None:
                from google import genai
                from google.genai import types

                retry = types.HttpRetryOptions(
                    attempts=self._retry.attempts,
                    initial_delay=self._retry.initial_delay_s,
                    max_delay=self._retry.max_delay_s,
                    jitter=self._retry.jitter_s,
                    http_status_codes=list(self._retry.status_codes),
                )
                options = types.HttpOptions(
                    base_url=self._base_url, timeout=self._timeout_ms, retry_options=retry
                )
                self._client = genai.Client(
                    vertexai=True,
                    project=self._project,
                    location=self._location,
                    credentials=self._credentials,
                    http_options=options,
                )
            return self._client

    def close(self) -> None:
        """Release the client's HTTP connections."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()


def _classify(err: Exception) -> Exception:
    """Map an SDK or transport exception to our error tree (unknown ones pass through)."""
    from google.genai import errors

    if isinstance(err, errors.APIError):
        code = int(err.code or 0)
        if code == 429:
            return TransientError("Gemini quota exhausted", failure_class=FailureClass.LLM_RATE_LIMITED)
        if code >= 500 or code == 408:
            return TransientError(f"Gemini unavailable ({code})", failure_class=FailureClass.LLM_UNAVAILABLE)
        return PermanentError(
            f"Gemini refused the request ({code} {err.status})", failure_class=FailureClass.INTERNAL
        )
    if isinstance(err, _transport_errors()):
        return TransientError(
            f"Gemini unreachable ({err.__class__.__name__})", failure_class=FailureClass.LLM_UNAVAILABLE
        )
    return err


def _transport_errors() -> tuple[type[Exception], ...]:
    # google-genai runs on httpx or on its fork httpx2 (separate classes): accept whichever is loaded.
    found: list[type[Exception]] = []
    for name in ("httpx", "httpx2"):
        module = sys.modules.get(name)
        error = getattr(module, "TransportError", None) if module is not None else None
        if isinstance(error, type) and issubclass(error, Exception):
            found.append(error)
    return tuple(found)


def _finish_reason(response: Any) -> str | None:
    candidates = response.candidates or []
    reason = candidates[0].finish_reason if candidates else None
    return None if reason is None else str(getattr(reason, "name", reason))


def _raise_if_blocked(response: Any) -> None:
    feedback = response.prompt_feedback
    block = getattr(feedback, "block_reason", None) if feedback is not None else None
    if block is not None:
        reason = str(getattr(block, "name", block))
        raise PermanentError(f"Gemini blocked the prompt ({reason})", failure_class=FailureClass.LLM_BLOCKED)
    finish = _finish_reason(response)
    if finish in _BLOCKING_FINISH:
        raise PermanentError(f"Gemini stopped the reply ({finish})", failure_class=FailureClass.LLM_BLOCKED)
