"""Hash-checked bytecode for an archive's Python sources, so a cold instance does not compile them.

A function instance starts from a fresh copy of its archive, so without shipped bytecode every
cold start compiles every module it imports. ``.pyc`` files in ``__pycache__`` with the
*checked-hash* invalidation mode carry the hash of their source instead of a timestamp: they
stay valid after the zip is extracted (mtimes change), Python ignores them if the source
differs, and the same source always compiles to the same bytes, so archives stay reproducible.
They are only shipped when the bundling interpreter is the functions' runtime version; another
version's bytecode would be ignored anyway.
"""

from __future__ import annotations

import py_compile
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

RUNTIME = "python311"  # Cloud Functions gen2 runtime of every function

Entry = tuple[str, bytes]


def cache_tag(runtime: str = RUNTIME) -> str:
    """'python311' -> 'cpython-311', the tag in the .pyc file names of that runtime."""
    return "cpython-" + runtime.removeprefix("python")


def matches_runtime(runtime: str = RUNTIME) -> bool:
    """True when this interpreter writes bytecode the runtime can use."""
    return sys.implementation.cache_tag == cache_tag(runtime)


def pyc_name(source: str, runtime: str = RUNTIME) -> str:
    """Archive path of a source's bytecode: 'shared/x.py' -> 'shared/__pycache__/x.cpython-311.pyc'."""
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{cache_tag(runtime)}.pyc").removeprefix("./")


def compile_source(name: str, source: bytes, workdir: Path) -> bytes:
    """Checked-hash bytecode of one source file (its archive path names it in tracebacks)."""
    src, out = workdir / "source.py", workdir / "out.pyc"
    src.write_bytes(source)
    py_compile.compile(
        str(src),
        cfile=str(out),
        dfile=name,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
    return out.read_bytes()


def bytecode_entries(entries: Iterable[Entry], runtime: str = RUNTIME) -> list[Entry]:
    """Bytecode entries for every ``.py`` entry; none when this interpreter is not the runtime's."""
    if not matches_runtime(runtime):
        return []
    with tempfile.TemporaryDirectory(prefix="career-bytecode-") as tmp:
        return [
            (pyc_name(name, runtime), compile_source(name, data, Path(tmp)))
            for name, data in entries
            if name.endswith(".py")
        ]


def compile_tree(root: Path, folders: Iterable[str] = ("shared", "functions")) -> int:
    """Write checked-hash bytecode next to a checkout's sources (what an archive ships); returns a count."""
    count = 0
    for folder in folders:
        for source in sorted((root / folder).rglob("*.py")):
            py_compile.compile(
                str(source), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH
            )
            count += 1
    return count
