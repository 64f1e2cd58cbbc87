"""A deterministic fault injector that wraps our own ports (never an SDK).

``FaultInjector.wrap(port, target)`` returns a proxy of ``target`` whose methods go through
the injector. Every call made while the injector is armed is logged as a ``Call`` (which
handler made it, which port and method, and how many times that handler had called that
method before). A ``Fault`` names one such call and what happens to it:

- ``transient``: the call raises the TransientError that port's production adapter raises
  when its service is down (store, blobs, Pub/Sub, Tasks, identity: unavailable; LLM:
  LLM_UNAVAILABLE; fetcher: SOURCE_UNAVAILABLE; mailer: the relay defers), before reaching
  the target;
- ``permanent``: the call raises the port's PermanentError (a refused write, an LLM reply that
  does not parse, a board that is gone, a relay that refuses the message), before reaching
  the target;
- ``crash``: the call reaches the target and completes, then ``ProcessDeath`` is raised. It
  derives from BaseException, so no ``except Exception`` of ours catches it: like kill -9
  between this write and the next one, the delivery stays leased and nothing settles it.

Each fault fires once. The same plan on the same inputs fails the same call, every run; a
seeded ``sample`` picks a bounded subset of calls reproducibly.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from shared.domain.errors import Forbidden, PermanentError, TransientError
from shared.domain.failures import FailureClass

Kind = Literal["transient", "permanent", "crash"]
KINDS: tuple[Kind, ...] = ("transient", "permanent", "crash")

# The methods of each port that reach its service; anything else (attributes, signing helpers
# computed locally) passes through untouched.
PORT_METHODS: dict[str, frozenset[str]] = {
    "store": frozenset(
        {
            "get",
            "get_many",
            "create",
            "set",
            "update",
            "delete",
            "query",
            "run_transaction",
            "walk",  # whole-store traversal (data rights)
            "root_collections",
        }
    ),
    "batch": frozenset({"commit"}),
    "blobs": frozenset({"read", "write", "stat", "exists", "delete"}),
    "publisher": frozenset({"publish"}),
    "tasks": frozenset({"enqueue"}),
    "llm": frozenset({"generate", "score"}),
    "fetcher": frozenset({"get"}),
    "mailer": frozenset({"send"}),
    "identity": frozenset(
        {
            "create_user",
            "user",
            "user_by_email",
            "set_password",
            "mark_verified",
            "revoke",
            "delete_user",
            "set_role",
        }
    ),
}
WRITES = frozenset(
    {
        ("store", "create"),
        ("store", "set"),
        ("store", "update"),
        ("store", "delete"),
        ("store", "run_transaction"),
        ("batch", "commit"),
        ("blobs", "write"),
        ("blobs", "delete"),
        ("publisher", "publish"),
        ("tasks", "enqueue"),
        ("mailer", "send"),
        ("identity", "create_user"),
        ("identity", "set_password"),
        ("identity", "mark_verified"),
        ("identity", "revoke"),
        ("identity", "delete_user"),
        ("identity", "set_role"),
    }
)


class ProcessDeath(BaseException):
    """The process was killed: no handler of ours runs, the delivery stays leased."""


@dataclass(frozen=True, order=True)
class Call:
    """One port call: made by ``handler`` (a channel), the ``nth`` call of ``port.method`` in it."""

    handler: str
    port: str
    method: str
    nth: int

    @property
    def is_write(self) -> bool:
        """True for calls that change state outside the process."""
        return (self.kind_of_port, self.method) in WRITES

    @property
    def kind_of_port(self) -> str:
        """The port family (``uploads`` and ``texts`` are both blob stores)."""
        return "blobs" if self.port in ("pdfs", "texts") else self.port

    def __str__(self) -> str:
        return f"{self.handler}:{self.port}.{self.method}#{self.nth}"


@dataclass(frozen=True)
class Fault:
    """Fail ``call`` with ``kind``."""

    call: Call
    kind: Kind

    def __str__(self) -> str:
        return f"{self.kind}@{self.call}"


def error_for(port: str, kind: Kind) -> Exception:
    """The error a port's production adapter raises for a transient or permanent failure."""
    family = "blobs" if port in ("pdfs", "texts") else port
    if kind == "transient":
        if family == "llm":
            return TransientError("injected: LLM unavailable", failure_class=FailureClass.LLM_UNAVAILABLE)
        if family == "fetcher":
            return TransientError(
                "injected: board unavailable", failure_class=FailureClass.SOURCE_UNAVAILABLE
            )
        return TransientError(f"injected: {family} unavailable")
    if family == "llm":
        return PermanentError("injected: LLM reply unusable", failure_class=FailureClass.LLM_INVALID_OUTPUT)
    if family == "fetcher":
        return PermanentError("injected: board gone", failure_class=FailureClass.SOURCE_NOT_FOUND)
    if family == "mailer":
        return PermanentError("injected: relay refused the message")
    return Forbidden(f"injected: {family} refused the call")


class FaultInjector:
    """Counts port calls per handler and fails the ones its plan names."""

    def __init__(self, plan: Iterable[Fault] = ()) -> None:
        self.plan: dict[Call, Fault] = {f.call: f for f in plan}
        self.calls: list[Call] = []
        self.fired: list[Fault] = []
        self.handler: str | None = None  # set while a delivery runs; calls outside are not counted
        self._counts: dict[tuple[str, str, str], int] = {}

    def wrap(self, port: str, target: Any) -> Any:
        """A proxy of ``target`` whose service calls go through this injector."""
        return _Proxy(self, port, target)

    @contextmanager
    def handling(self, handler: str) -> Iterator[None]:
        """Attribute the calls made inside to ``handler`` (one delivery; counts restart per delivery)."""
        previous, self.handler = self.handler, handler
        self._counts = {k: v for k, v in self._counts.items() if k[0] != handler}
        try:
            yield
        finally:
            self.handler = previous

    def invoke(self, port: str, method: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one port call, failing it when the plan says so."""
        if self.handler is None:
            return fn(*args, **kwargs)
        key = (self.handler, port, method)
        self._counts[key] = n = self._counts.get(key, 0) + 1
        call = Call(self.handler, port, method, n)
        self.calls.append(call)
        fault = self.plan.pop(call, None)
        if fault is None:
            return fn(*args, **kwargs)
        self.fired.append(fault)
        if fault.kind == "crash":
            fn(*args, **kwargs)
            raise ProcessDeath(str(fault))
        raise error_for(port, fault.kind)


class _Proxy:
    """Forwards everything to the target; service methods go through the injector."""

    def __init__(self, injector: FaultInjector, port: str, target: Any) -> None:
        self._injector = injector
        self._port = port
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        family = "blobs" if self._port in ("pdfs", "texts") else self._port
        if name == "batch" and family == "store":
            return lambda: _Proxy(self._injector, "batch", attr())
        if not callable(attr) or name not in PORT_METHODS.get(family, frozenset()):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._injector.invoke(self._port, name, attr, *args, **kwargs)

        return call


def plans(calls: Sequence[Call], kinds: Sequence[Kind] = KINDS) -> list[Fault]:
    """One fault per call and kind; a crash only after a write (it is a kill between writes)."""
    return [Fault(c, k) for c in calls for k in kinds if k != "crash" or c.is_write]


def sample(faults: Sequence[Fault], *, limit: int, seed: int) -> list[Fault]:
    """At most ``limit`` faults, chosen reproducibly by ``seed`` (all of them when fewer)."""
    if len(faults) <= limit:
        return list(faults)
    return sorted(random.Random(seed).sample(list(faults), limit), key=lambda f: (f.call, f.kind))
