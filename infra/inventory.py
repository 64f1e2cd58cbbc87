"""Print one ``<type> <name>`` line per cloud resource the program declares, sorted.

Runs the program under Pulumi mocks: no cloud, no credentials, no Pulumi CLI. A function
whose ``functions/<name>/main.py`` does not exist yet is listed with a placeholder archive
and a warning on stderr (``pulumi up`` itself refuses to deploy it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from infra import mocks
from infra.bundle import Bundle, BundleError, build, package_entries
from infra.config import REPO_ROOT, load
from shared.topology import TOPOLOGY, Topology


def inventory_bundles(topology: Topology, root: Path, out_dir: Path) -> dict[str, Bundle]:
    """Real archives where sources exist, placeholders (with a warning) where they do not."""
    shared = package_entries(root)
    bundles: dict[str, Bundle] = {}
    for spec in topology.functions:
        try:
            # The same archive `make bundle` builds: only the optional packages it names.
            bundles[spec.name] = build(spec.name, root, out_dir, shared, spec.packages)
        except BundleError as err:
            sys.stderr.write(f"warning: {err}\n")
            bundles[spec.name] = Bundle(spec.name, "0" * 64, out_dir / f"{spec.name}-missing.zip")
    return bundles


def lines(root: Path = REPO_ROOT, topology: Topology = TOPOLOGY) -> list[str]:
    """The sorted inventory lines of the program built from ``root``."""
    from infra.__main__ import compose  # the program module; imported late, it declares nothing
    from infra.components.secrets import secret_names

    with tempfile.TemporaryDirectory(prefix="career-bundles-") as tmp:
        bundles = inventory_bundles(topology, root, Path(tmp))
        declared = mocks.run(
            lambda: compose(load(secret_names(topology)), topology, bundles), mocks.default_config()
        )
    return sorted(f"{d.type} {d.name}" for d in declared if d.custom)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m infra.inventory", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root to bundle from")
    args = parser.parse_args(argv)
    for line in lines(args.root):
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
