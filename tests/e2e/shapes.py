"""Repository shapes PyO3 authors arrive with, written as small fixtures (PyO3 0.30, so the
shared target directory builds PyO3 once per feature set). `maturin new` shapes run the real
maturin. Each fixture carries comments that edits must keep."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import lib_rs, maturin_pyproject, pyo3_manifest, run, write_tree


def maturin_new(root: Path, mixed: bool = False) -> tuple[Path, str]:
    name = "mixedlib" if mixed else "plainlib"
    run(
        ["maturin", "new", "-b", "pyo3", *(["--mixed"] if mixed else []), "--name", name, name],
        cwd=root,
    )
    return root / name, name


def hyperjson_shape(root: Path) -> tuple[Path, str]:
    repo = root / "hyperjson"
    write_tree(
        repo,
        {
            "Cargo.toml": """\
            [package]
            name = "hyperjson"
            version = "0.1.0"
            edition = "2021"

            [lib]
            name = "hyperjson"
            crate-type = ["cdylib"]  # the Python extension

            [dependencies]
            # keep: the extension needs this
            pyo3 = { version = "0.30", features = ["extension-module"] }

            [workspace]
            members = ["profiling"]
            """,
            "src/lib.rs": lib_rs("hyperjson", double=True),
            "profiling/Cargo.toml": """\
            [package]
            name = "profiling"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            hyperjson = { path = ".." }
            """,
            "profiling/src/main.rs": 'fn main() {\n    println!("{}", hyperjson::double(21));\n}\n',
            "pyproject.toml": maturin_pyproject("hyperjson", None),
        },
    )
    return repo, "hyperjson"


def hyperjson_old_pyo3(root: Path) -> tuple[Path, str]:
    """The hyperjson shape on PyO3 0.24: `with_gil`, no rpath helper in pyo3-build-config."""
    repo, module = hyperjson_shape(root)
    manifest = repo / "Cargo.toml"
    manifest.write_text(manifest.read_text().replace('"0.30"', '"0.24"'))
    return repo, module


def virtual_bindings(root: Path) -> tuple[Path, str]:
    repo = root / "virtual"
    write_tree(
        repo,
        {
            "Cargo.toml": """\
            # A virtual workspace: core logic plus Python bindings.
            [workspace]
            resolver = "2"
            members = ["bindings/python", "core"]

            [workspace.package]
            version = "0.2.0"
            edition = "2021"
            license = "MIT"
            rust-version = "1.83"

            [workspace.dependencies]
            pyo3 = "0.30"  # one PyO3 for every member
            """,
            "core/Cargo.toml": """\
            [package]
            name = "vcore"
            version.workspace = true
            edition.workspace = true
            """,
            "core/src/lib.rs": "pub fn triple(x: u64) -> u64 { x * 3 }\n",
            "bindings/python/Cargo.toml": """\
            [package]
            name = "vcore-py"
            version.workspace = true
            edition.workspace = true

            [lib]
            name = "vcore_py"
            crate-type = ["cdylib"]

            [dependencies]
            vcore = { path = "../../core" }
            pyo3 = { workspace = true, features = ["extension-module"] }
            """,
            "bindings/python/src/lib.rs": lib_rs("vcore_py", double=True),
            "bindings/python/pyproject.toml": maturin_pyproject("vcore-py", None),
        },
    )
    return repo, "vcore_py"


def setuptools_rust(root: Path) -> tuple[Path, str]:
    repo = root / "srust"
    write_tree(
        repo,
        {
            "Cargo.toml": """\
            [package]
            name = "srust"
            version = "0.1.0"
            edition = "2021"

            [lib]
            name = "_srust"
            crate-type = ["cdylib"]

            [dependencies]
            pyo3 = "0.30"
            """,
            "src/lib.rs": lib_rs("_srust", double=True),
            "pyproject.toml": """\
            [build-system]
            requires = ["setuptools>=61", "setuptools-rust>=1.12"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "srust"
            version = "0.1.0"

            [tool.setuptools]
            packages = []

            [[tool.setuptools-rust.ext-modules]]
            target = "_srust"  # the import name
            path = "Cargo.toml"
            binding = "PyO3"
            """,
        },
    )
    return repo, "_srust"


def existing_cli(root: Path) -> tuple[Path, str]:
    repo = root / "withcli"
    write_tree(
        repo,
        {
            "Cargo.toml": """\
            [workspace]
            resolver = "2"
            members = [
                "crates/cli",  # a command line tool
                "crates/withcli",
            ]
            """,
            "crates/withcli/Cargo.toml": """\
            [package]
            name = "withcli"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib", "rlib"]

            [features]
            default = ["extension-module"]
            extension-module = ["pyo3/extension-module"]

            [dependencies]
            pyo3 = "0.30"
            """,
            "crates/withcli/src/lib.rs": lib_rs("withcli", double=True),
            "crates/cli/Cargo.toml": """\
            [package]
            name = "withcli-cli"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            withcli = { path = "../withcli" }
            """,
            "crates/cli/src/main.rs": 'fn main() {\n    println!("{}", withcli::double(4));\n}\n',
            "pyproject.toml": maturin_pyproject(
                "withcli",
                None,
                extra="""\

            [tool.maturin]
            manifest-path = "crates/withcli/Cargo.toml"
            """,
            ),
        },
    )
    return repo, "withcli"


def cfg_attr_name(root: Path, renamed: bool = False) -> tuple[Path, str]:
    """Issue 23: `#[cfg_attr(feature = "other-name", pyo3(name = "other"))]` on the
    `#[pymodule]`; no build enables the feature, so the module is `cfglib` everywhere (the
    profiler must call `PyInit_cfglib`, not `PyInit_other`). `renamed`: the wheel build
    enables it (`[tool.maturin] features`), so the wheel's module and the profiler's are
    `other`."""
    repo = root / "cfglib"
    source = lib_rs("cfglib", double=True).replace(
        "#[pymodule]\n",
        '#[pymodule]\n#[cfg_attr(feature = "other-name", pyo3(name = "other"))]\n',
    )
    write_tree(
        repo,
        {
            "Cargo.toml": pyo3_manifest(
                "cfglib", feature_wiring=True, extra="# renames the module\nother-name = []\n"
            ),
            "src/lib.rs": source,
            "pyproject.toml": maturin_pyproject(
                "cfglib",
                extra='\n[tool.pyo3-scaffold]\nwiring = "feature"\n\n'
                + (
                    '[tool.maturin]\nmodule-name = "other"\nfeatures = ["other-name"]\n'
                    if renamed
                    else '[tool.maturin]\nmodule-name = "cfglib"\n'
                ),
            ),
        },
    )
    return repo, "other" if renamed else "cfglib"
