"""Function archives are deterministic, content-hashed and complete."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from infra_stack import REPO, make_source_tree

from infra.bundle import BundleError, build, build_all, main, package_entries, requirements
from infra.bytecode import bytecode_entries, matches_runtime, pyc_name
from shared.topology import OPTIONAL_PACKAGES, TOPOLOGY

pytestmark = pytest.mark.infra


def _dist(requirement: str) -> str:
    """'PyMuPDF>=1.26' or 'pymupdf==1.26.5 \\' -> 'pymupdf'."""
    return re.split(r"[<>=!~;\s\[]", requirement.strip(), maxsplit=1)[0].replace("_", "-").lower()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_source_tree(tmp_path / "src", TOPOLOGY)


class TestReproducibleArchives:
    def test_building_twice_gives_the_same_bytes_and_hash(self, tree: Path, tmp_path: Path) -> None:
        first = build("api", tree, tmp_path / "one")
        second = build("api", tree, tmp_path / "two")

        assert first.digest == second.digest
        assert first.path.read_bytes() == second.path.read_bytes()

    def test_changing_a_shared_file_changes_the_hash(self, tree: Path, tmp_path: Path) -> None:
        before = build("api", tree, tmp_path / "out")
        (tree / "shared" / "topology.py").write_text("TOPOLOGY = 1\n")

        after = build("api", tree, tmp_path / "out")

        assert after.digest != before.digest
        assert after.object_name != before.object_name

    def test_changing_the_function_changes_only_its_hash(self, tree: Path, tmp_path: Path) -> None:
        before = build_all(["api", "ops"], tree, tmp_path / "out")
        (tree / "functions" / "api" / "main.py").write_text("def api(request):\n    return 'v2'\n")

        after = build_all(["api", "ops"], tree, tmp_path / "out")

        assert after["api"].digest != before["api"].digest
        assert after["ops"].digest == before["ops"].digest

    def test_file_times_do_not_matter(self, tree: Path, tmp_path: Path) -> None:
        before = build("api", tree, tmp_path / "out")
        main_py = tree / "functions" / "api" / "main.py"
        main_py.touch()
        main_py.chmod(0o755)

        assert build("api", tree, tmp_path / "out").digest == before.digest


class TestArchiveContent:
    def test_main_is_at_the_root_next_to_shared_and_requirements(self, tree: Path, tmp_path: Path) -> None:
        bundle = build("api", tree, tmp_path / "out")

        names = zipfile.ZipFile(bundle.path).namelist()

        assert names == sorted(names)
        assert {"main.py", "requirements.txt", "shared/__init__.py", "shared/topology.py"} <= set(names)
        # The only bytecode is the archive's own, one file per source: no stray tree caches.
        sources = [n for n in names if n.endswith(".py")]
        expected = {pyc_name(n) for n in sources} if matches_runtime() else set()
        assert {n for n in names if "__pycache__" in n or n.endswith(".pyc")} == expected

    def test_a_locally_built_extension_is_left_out(self, tree: Path, tmp_path: Path) -> None:
        (tree / "shared" / "_wordscan.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
        (tree / "shared" / "_wordscan.c").write_text("/* source */\n")

        names = zipfile.ZipFile(build("api", tree, tmp_path / "out").path).namelist()

        assert "shared/_wordscan.c" in names  # sources ship; the runtime reads descriptions in Python
        assert not [n for n in names if n.endswith((".so", ".pyd"))]

    def test_entries_have_fixed_times_and_permissions(self, tree: Path, tmp_path: Path) -> None:
        bundle = build("api", tree, tmp_path / "out")

        infos = zipfile.ZipFile(bundle.path).infolist()

        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}

    def test_requirements_pin_the_runtime_dependencies_of_pyproject(self, tree: Path, tmp_path: Path) -> None:
        bundle = build("api", tree, tmp_path / "out")
        declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
        # the API names no optional heavy package, so those are left out, the rest pinned
        expected = {_dist(d) for d in declared} - OPTIONAL_PACKAGES

        text = zipfile.ZipFile(bundle.path).read("requirements.txt").decode()

        pinned = {_dist(line) for line in text.splitlines() if "==" in line}
        assert expected <= pinned
        assert not OPTIONAL_PACKAGES & pinned - {"httpx"}  # httpx also comes in through the SDKs
        assert "--hash=sha256:" in text

    def test_archive_is_written_under_its_name_and_hash(self, tree: Path, tmp_path: Path) -> None:
        bundle = build("ops", tree, tmp_path / "out")

        assert bundle.path.name == f"ops-{bundle.digest}.zip"
        assert bundle.path.is_file()


class TestMissingSources:
    def test_a_function_without_main_is_refused(self, tree: Path, tmp_path: Path) -> None:
        (tree / "functions" / "api" / "main.py").unlink()

        with pytest.raises(BundleError, match=r"functions/api/main\.py"):
            build("api", tree, tmp_path / "out")

    def test_all_missing_functions_are_reported_at_once(self, tree: Path, tmp_path: Path) -> None:
        (tree / "functions" / "api" / "main.py").unlink()
        (tree / "functions" / "ops" / "main.py").unlink()

        with pytest.raises(BundleError, match="api, ops"):
            build_all(["api", "ops", "maintenance"], tree, tmp_path / "out")

    def test_the_command_fails_loudly_on_a_missing_source(
        self, tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tree / "functions" / "ops" / "main.py").unlink()

        code = main(["--root", str(tree), "--out", str(tmp_path / "out")])

        assert code == 1
        assert "functions/<name>/main.py for: ops" in capsys.readouterr().err


class TestCommand:
    def test_prints_one_archive_per_manifest_function(
        self, tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code = main(["--root", str(tree), "--out", str(tmp_path / "out")])

        lines = capsys.readouterr().out.splitlines()
        assert code == 0
        assert len(lines) == len(TOPOLOGY.functions)
        assert all(Path(line.split()[0]).is_file() for line in lines)


class TestPerFunctionRequirements:
    def test_heavy_packages_ship_only_with_the_functions_that_use_them(self) -> None:
        root = Path(__file__).resolve().parents[2]

        api = requirements(root).splitlines()
        extraction = requirements(root, ("pymupdf",)).splitlines()

        assert not any(line.lower().startswith(("pymupdf", "google-genai", "httpx")) for line in api)
        assert any(line.startswith("pymupdf") for line in extraction)
        assert any(line.startswith("functions-framework") for line in api)

    def test_every_optional_package_a_function_names_is_a_runtime_dependency(self) -> None:
        root = Path(__file__).resolve().parents[2]
        everything = requirements(root, tuple(OPTIONAL_PACKAGES))

        for spec in TOPOLOGY.functions:
            assert set(spec.packages) <= OPTIONAL_PACKAGES
            for package in spec.packages:
                assert package in everything


class TestShippedBytecode:
    def test_each_source_gets_hash_checked_bytecode_python_accepts(self, tree: Path) -> None:
        # Built for this interpreter's own runtime, so the check holds on any Python version;
        # archives carry it only when that is the functions' runtime (test above).
        runtime = f"python{sys.version_info.major}{sys.version_info.minor}"
        sources = [e for e in package_entries(tree) if e[0].endswith(".py")]

        shipped = dict(bytecode_entries(sources, runtime))

        assert len(shipped) == len(sources)
        for name, source in sources:
            pyc = shipped[pyc_name(name, runtime)]
            # PEP 552 header: magic, flags (hash-based | check source), source hash, then code.
            assert pyc[:4] == importlib.util.MAGIC_NUMBER
            assert int.from_bytes(pyc[4:8], "little") == 0b11
            assert pyc[8:16] == importlib.util.source_hash(source)

    def test_bytecode_is_the_same_from_one_process_to_the_next(self, tmp_path: Path) -> None:
        script = (
            "import sys; from pathlib import Path; from infra.bytecode import compile_source; "
            "sys.stdout.buffer.write(compile_source('shared/topology.py', "
            "Path('shared/topology.py').read_bytes(), Path(sys.argv[1])))"
        )
        runs = [
            subprocess.run(
                [sys.executable, "-c", script, str(tmp_path)], cwd=REPO, capture_output=True, check=True
            )
            for _ in range(2)
        ]

        assert runs[0].stdout == runs[1].stdout
        assert runs[0].stdout[8:16] == importlib.util.source_hash(
            (REPO / "shared" / "topology.py").read_bytes()
        )
