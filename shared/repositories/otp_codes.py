"""One-time code records and their rate-limit counters (``otp_codes``, ``otp_limits``).

Both collections hold only HMACs: no e-mail, no client address, no code. Firestore's TTL on
``expires_at`` (declared in the topology manifest) removes what expired.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from shared.domain.otp import Check, Limit, LimitCounter, OtpRecord, Verdict, count_event
from shared.ports import DocumentStore, Transaction

CODES = "otp_codes"
LIMITS = "otp_limits"


def _code_path(record_id: str) -> str:
    return f"{CODES}/{record_id}"


def _limit_path(key: str) -> str:
    return f"{LIMITS}/{key}"


class OtpCodes:
    """The one live code per (e-mail, purpose)."""

    collections = (CODES,)

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def get(self, record_id: str) -> OtpRecord | None:
        """The stored record, None when absent."""
        snap = self._store.get(_code_path(record_id))
        return None if snap is None else OtpRecord.model_validate(snap.data)

    def replace(self, record: OtpRecord) -> None:
        """Store ``record``, superseding any earlier code for the same e-mail and purpose."""
        self._store.set(_code_path(record.id), record.model_dump(mode="python"))

    def mark_mailed(self, record_id: str, code_mac: str, at: datetime) -> bool:
        """Note that the mail of the code ``code_mac`` went out; False when that code is gone
        (used, superseded) or already noted."""

        def txn(tx: Transaction) -> bool:
            path = _code_path(record_id)
            snap = tx.get(path)
            record = None if snap is None else OtpRecord.model_validate(snap.data)
            if record is None or record.code_mac != code_mac or record.mailed_at is not None:
                return False
            tx.set(path, record.model_copy(update={"mailed_at": at}).model_dump(mode="python"))
            return True

        return self._store.run_transaction(txn)

    def delete(self, record_id: str) -> None:
        """Remove a record (no-op when absent)."""
        self._store.delete(_code_path(record_id))

    def settle(self, record_id: str, judge: Callable[[OtpRecord | None], Check]) -> Check:
        """Read the record, let ``judge`` decide, and store its decision atomically.

        A WRONG verdict stores ``after`` (one more attempt counted); ACCEPTED and KILLED
        delete the record, so a code works once and a killed code never again.
        """

        def txn(tx: Transaction) -> Check:
            path = _code_path(record_id)
            snap = tx.get(path)
            record = None if snap is None else OtpRecord.model_validate(snap.data)
            outcome = judge(record)
            if record is not None:
                if outcome.verdict is Verdict.WRONG and outcome.after is not None:
                    tx.set(path, outcome.after.model_dump(mode="python"))
                else:
                    tx.delete(path)
            return outcome

        return self._store.run_transaction(txn)


class RateCounters:
    """Fixed-window counters keyed by HMACs of what they count."""

    collections = (LIMITS,)

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def hit(self, counters: Sequence[tuple[str, Limit]], now: datetime) -> int:
        """Count one event on every counter, or none when one is full.

        Returns 0 when counted, else the seconds until the fullest counter has room again.
        """

        def txn(tx: Transaction) -> int:
            updates: list[LimitCounter] = []
            wait = 0
            for key, limit in counters:
                snap = tx.get(_limit_path(key))
                current = None if snap is None else LimitCounter.model_validate(snap.data)
                result = count_event(current, key, limit, now)
                if isinstance(result, int):
                    wait = max(wait, result)
                else:
                    updates.append(result)
            if wait:
                return wait
            for counter in updates:
                tx.set(_limit_path(counter.id), counter.model_dump(mode="python"))
            return 0

        return self._store.run_transaction(txn)

    def clear(self, keys: Sequence[str]) -> None:
        """Remove counters (account deletion)."""
        for key in keys:
            self._store.delete(_limit_path(key))
