"""The files of each kind of crate `scaffold add` makes, as text (the plan decides names,
places and wiring; nothing here reads the disk).

The starter function `sum_of_squares` of a new core crate is what the CLI, the benchmarks and a
second extension call when the core has it; otherwise they get a placeholder that says where to
call into the crate they depend on.
"""

from __future__ import annotations

from dataclasses import dataclass

STARTER = "sum_of_squares"
# divan (https://docs.rs/divan): `#[divan::bench]` functions and `divan::main()`, few
# dependencies (criterion pulls in plotting, rayon and serde), and `cargo bench -- --test`
# runs every benchmark once, as a test.
BENCH_HARNESS = ("divan", "0.1")
# Package keys a new crate inherits from `[workspace.package]` when the workspace has them.
INHERITED = ("version", "edition", "license", "rust-version", "authors")


@dataclass(frozen=True)
class Package:
    """The `[package]` table of a new crate: what the workspace shares, else literal values."""

    name: str
    shared: tuple[str, ...]  # keys of [workspace.package] to inherit
    edition: str  # used when the workspace shares no edition
    workspace_lints: bool

    def toml(self, description: str) -> str:
        lines = ["[package]", f'name = "{self.name}"']
        for key in INHERITED:
            if key in self.shared:
                lines.append(f"{key}.workspace = true")
            elif key == "version":
                lines.append('version = "0.1.0"')
            elif key == "edition":
                lines.append(f'edition = "{self.edition}"')
        lines += [f'description = "{description}"', "publish = false", ""]
        if self.workspace_lints:
            lines += ["", "[lints]", "workspace = true"]
        return "\n".join(lines) + "\n"


def core_manifest(package: Package) -> str:
    return package.toml(f"{package.name}: the project's pure-Rust code, no Python") + (
        "[dependencies]\n"
    )


def core_lib(name: str, extension: str | None) -> str:
    user = f"The extension `{extension}` depends on it" if extension else "Other crates use it"
    return f"""//! {name}: the project's pure-Rust code, with no Python in it.
//!
//! Move code here from the extension crate: functions that take and return Rust types.
//! {user} and keeps only the `#[pyfunction]` wrappers that call it, so
//! `cargo test` tests this code without libpython, and Rust crates (a CLI, benchmarks) use
//! it without linking Python.

/// The sum of the squares of 1..=n: a starter to replace with your own code.
pub fn {STARTER}(n: u64) -> u64 {{
    (1..=n).map(|i| i * i).sum()
}}

#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn sums_squares() {{
        assert_eq!({STARTER}(3), 14);
    }}
}}
"""


def cli_manifest(package: Package, dependencies: list[str]) -> str:
    body = package.toml(f"{package.name}: a command-line tool with no Python in it")
    return body + "[dependencies]\n" + "".join(f"{d}\n" for d in dependencies)


def cli_main(name: str, library_ident: str, starter: bool) -> str:
    if starter:
        return f"""//! {name}: a command-line tool over `{library_ident}`, with no Python in it.

fn main() {{
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    println!("{{}}", {library_ident}::{STARTER}(n));
}}
"""
    return f"""//! {name}: a command-line tool over `{library_ident}`, with no Python in it.

// Call into `{library_ident}` here.
use {library_ident} as _;

fn main() {{
    println!("{{}} {{}}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
}}
"""


def bench_manifest(package: Package, core_dependency: str, bench: str) -> str:
    harness, version = BENCH_HARNESS
    return package.toml(f"{package.name}: benchmarks of the pure-Rust core") + (
        "[dev-dependencies]\n"
        f"{core_dependency}\n"
        f'{harness} = "{version}"\n'
        "\n"
        "# `cargo bench -p NAME`; `cargo bench -p NAME -- --test` runs each benchmark once.\n"
        "[[bench]]\n"
        f'name = "{bench}"\n'
        "harness = false\n"
    )


def bench_lib(name: str, core: str) -> str:
    return f"""//! {name}: benchmarks of `{core}` (see benches/); the library itself is empty.
"""


def bench_source(core_ident: str, starter: bool) -> str:
    head = f"""//! Benchmarks of `{core_ident}` with divan: `cargo bench -p <this crate>`.
//! The extension's Python-side timings stay with the profiler (`scaffold profile`).

fn main() {{
    divan::main();
}}
"""
    if starter:
        return (
            head
            + f"""
#[divan::bench(args = [10, 1_000, 100_000])]
fn {STARTER}(n: u64) -> u64 {{
    {core_ident}::{STARTER}(divan::black_box(n))
}}
"""
        )
    return (
        head
        + f"""
// Replace with calls into `{core_ident}`.
use {core_ident} as _;

#[divan::bench]
fn placeholder() -> u64 {{
    divan::black_box(20) + 1
}}
"""
    )


def extension_manifest(
    package: Package, module: str, feature_wiring: bool, dependencies: list[str]
) -> str:
    features = (
        "[features]\n"
        'default = ["extension-module"]\n'
        "# Extension modules must not link libpython; dependents that embed Python use\n"
        "# `default-features = false`.\n"
        'extension-module = ["pyo3/extension-module"]\n\n'
        if feature_wiring
        else ""
    )
    return (
        package.toml(f"{package.name}: a Python extension module (PyO3)")
        + "[lib]\n"
        + "# The Python module name: it must match `#[pymodule]` and pyproject.toml.\n"
        + f'name = "{module}"\n'
        + "# cdylib for the Python extension, rlib for Rust dependents.\n"
        + 'crate-type = ["rlib", "cdylib"]\n\n'
        + features
        + "[dependencies]\n"
        + "".join(f"{d}\n" for d in dependencies)
    )


def extension_lib(module: str, core_ident: str | None) -> str:
    body = f"{core_ident}::{STARTER}(n)" if core_ident else "(1..=n).map(|i| i * i).sum()"
    return f"""//! The Python module `{module}`: bindings; plain Rust code goes in a core crate.

use pyo3::prelude::*;

/// The sum of the squares of 1..=n.
#[pyfunction]
fn {STARTER}(n: u64) -> u64 {{
    {body}
}}

#[pymodule]
fn {module}(m: &Bound<'_, PyModule>) -> PyResult<()> {{
    m.add_function(wrap_pyfunction!({STARTER}, m)?)?;
    Ok(())
}}
"""


def extension_test(module: str) -> str:
    return f"""import {module}


def test_{STARTER}():
    assert {module}.{STARTER}(3) == 14
"""


def extension_pyproject(
    *,
    name: str,
    module: str,
    backend: str,
    requires: list[str],
    build_backend: str,
    requires_python: str | None,
    wiring: str,
    cibuildwheel: str = "",
) -> str:
    """`cibuildwheel`: the first project's `[tool.cibuildwheel]` tables, as text, for the
    wheel job's second step (`package-dir`)."""
    listed = ", ".join(f'"{r}"' for r in requires)
    lines = [
        "[build-system]",
        f"requires = [{listed}]",
        f'build-backend = "{build_backend}"',
        "",
        "[project]",
        f'name = "{name}"',
    ]
    if requires_python:
        lines.append(f'requires-python = "{requires_python}"')
    lines += ['dynamic = ["version"]' if backend == "maturin" else 'version = "0.1.0"', ""]
    lines += ["[dependency-groups]", 'test = ["pytest>=8"]', ""]
    if backend == "maturin":
        lines += ["[tool.maturin]", f'module-name = "{module}"', ""]
    else:
        lines += [
            "[tool.setuptools]",
            "packages = []",
            "",
            "[[tool.setuptools-rust.ext-modules]]",
            f'target = "{module}"',
            'path = "Cargo.toml"',
            'binding = "PyO3"',
            "",
        ]
    if cibuildwheel:
        lines += [cibuildwheel.rstrip("\n"), ""]
    lines += ["[tool.pyo3-scaffold]", f'wiring = "{wiring}"', ""]
    return "\n".join(lines)


def readme_section(kind: str, name: str, where: str, extra: str) -> str:
    what = {
        "core": "The pure-Rust code, no Python: `cargo test -p {n}` (also in `cargo test-lib`)",
        "cli": "A command-line tool with no Python: `cargo run -p {n}`",
        "bench": "Benchmarks of the core (divan): `cargo bench -p {n}`",
        "extension": "A second Python extension module: `maturin develop -m {w}/Cargo.toml`",
    }[kind].format(n=name, w=where)
    return f"\n## `{name}` ({where})\n\n{what}.{extra}\n"
