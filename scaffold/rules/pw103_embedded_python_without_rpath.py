"""## What
A binary that depends on the extension crate and so embeds Python, without its own `build.rs`
putting libpython's directory on the rpath, or without PyO3's `auto-initialize`.

A binary whose code calls no Python API (no pyo3 dependency of its own, no `Python::` or
`pyo3::` in its code: a CLI over the library's Rust API) embeds no interpreter: it is never
told it "fails to start". With `extension-module` on in its build pyo3 links no libpython
and nothing is said; otherwise an info says that it needs libpython only if a Python symbol
survives linking (rustc passes `-Wl,--as-needed`), which `readelf -d` on the built binary
shows. No fix adds `auto-initialize` or a build script to it.

## Why
`cargo:rustc-link-arg` from a dependency's build script never reaches a dependent binary, so the
binary needs its own build script. Without an rpath, a binary linked against a shared
libpython outside the loader's default path (pyenv, a custom prefix) dies at start-up with
`error while loading shared libraries: libpython3.X.so.1.0`. Without `auto-initialize` the
interpreter must be started by hand before any `Python::attach`.

## Example
```toml
[dependencies]
mylib = { path = "../mylib", default-features = false }
```

## Fix (unsafe: adds a build script)
```toml
[dependencies]
mylib = { path = "../mylib", default-features = false }
pyo3 = { version = "0.30", features = ["auto-initialize"] }

[build-dependencies]
pyo3-build-config = "0.30"
```
and `build.rs` calling `pyo3_build_config::add_libpython_rpath_link_args()` (PyO3 >= 0.28;
older versions emit `-Wl,-rpath,<lib_dir>` from `pyo3_build_config::get().lib_dir`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability, Severity
from scaffold.toml import manifest
from scaffold.workspace import rust_source
from scaffold.workspace.versions import format_series

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from scaffold.facts import Series
    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.toml.manifest import Table
    from scaffold.workspace.crate import Crate, Dependency
    from scaffold.workspace.model import Workspace

CODE = "PW103"
NAME = "embedded-python-without-rpath"
SUMMARY = "A binary embedding Python has no rpath build script or no `auto-initialize`"
FIX_TITLE = "Add a `build.rs` rpath and the `auto-initialize` feature"
APPLICABILITY = Applicability.UNSAFE
FIX_CHANGES = Claim(frozenset({"auto-initialize"}))


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    for ext in ctx.extensions:
        for member, _ in ws.dependents(ext.crate):
            if not member.has_binary:
                continue
            build = member.build_script_path
            build_text = (ws.source_text(build) if build else None) or ""
            has_rpath = rust_source.rpath_setting(build_text) is not None
            if not ws.uses_python(member):
                if not has_rpath:
                    yield from _python_free(ctx, member, ext.crate.name)
                continue
            pyo3 = ws.pyo3_dependencies(member)
            series = ws.pyo3_series(ext.crate) or facts.NEWEST_SUPPORTED
            auto = (
                any("auto-initialize" in member.effective(d).features for d in pyo3)
                or rust_source.starts_interpreter(member.rust_sources(), member.reader.text)
                or not facts.auto_initialize_is_a_feature(series)
            )
            if has_rpath and auto:
                continue
            missing = [
                text
                for ok, text in (
                    (has_rpath, "build.rs rpath to libpython"),
                    (auto, "pyo3 `auto-initialize`"),
                )
                if not ok
            ]
            # `build = false` turned build scripts off on purpose: report, never add one.
            fixable = has_rpath or (
                build is not None and not build_text and facts.has_lib_dir(series)
            )
            fix = _add(ws, member, pyo3, series, has_rpath, auto) if fixable else None
            yield ctx.finding(
                member.file,
                ("package",),
                None,
                f"binary crate `{member.name}` embeds Python through `{ext.crate.name}` but has "
                f"no {' and no '.join(missing)}; it fails to start without LD_LIBRARY_PATH",
                fix,
            )


def _python_free(ctx: Context, member: Crate, library: str) -> Iterator[Finding]:
    """A binary whose code calls no Python API embeds no interpreter of its own. With
    `extension-module` on in its build pyo3 links no libpython: nothing to say. Otherwise
    whether it needs libpython is the linker's answer, not ours: an info, never a fix."""
    from scaffold.workspace.features import Scenario  # only for such a binary

    name = member.name
    if ctx.extension_module_on(Scenario(f"cargo build -p {name}", (name,))) is True:
        return
    yield ctx.finding(
        member.file,
        ("package",),
        None,
        f"binary crate `{name}` depends on `{library}` but its code calls no Python API: it "
        "needs libpython at start-up only if a Python symbol survives linking (rustc links "
        "with `--as-needed`); `readelf -d` on the built binary (or `scaffold doctor`) shows "
        "whether libpython is NEEDED, and only then does it need a build.rs rpath",
        severity=Severity.INFO,
    )


def _add(
    ws: Workspace,
    member: Crate,
    pyo3: list[Dependency],
    series: Series,
    has_rpath: bool,
    auto: bool,
) -> Callable[[Editor], None]:
    version = format_series(series)
    shared = ws.manifest.get("dependencies", {})
    build = member.build_script_path  # None only with an rpath already: then no script is made

    def fix(editor: Editor) -> None:
        document = editor.document(member.path)
        if not auto and pyo3:
            manifest.add_to_array(
                manifest.dependency_table(document, pyo3[0]), "features", "auto-initialize"
            )
        elif not auto:
            deps = manifest.ensure_table(document, ("dependencies",))
            deps["pyo3"] = _spec("pyo3" in shared, version, ["auto-initialize"])
        if has_rpath:
            return
        if not pyo3 and auto and facts.build_config_needs_direct_dep(series):
            # pyo3_build_config reads the configuration of a direct pyo3 dependency
            deps = manifest.ensure_table(document, ("dependencies",))
            deps.setdefault("pyo3", _spec("pyo3" in shared, version))
        build_deps = manifest.ensure_table(document, ("build-dependencies",))
        if "pyo3-build-config" not in build_deps:
            build_deps["pyo3-build-config"] = _spec("pyo3-build-config" in shared, version)
        if build is not None:
            editor.create(build, build_script(series))

    return fix


def _spec(from_workspace: bool, version: str, features: list[str] | None = None) -> Table:
    fields: dict[str, object] = {"workspace": True} if from_workspace else {"version": version}
    if features:
        fields["features"] = features
    return manifest.inline(fields)


def build_script(series: tuple[int, int]) -> str:
    """A build.rs that puts libpython's directory on the binary's rpath."""
    if facts.has_rpath_helper(series):
        body = "    pyo3_build_config::add_libpython_rpath_link_args();\n"
    else:
        body = (
            "    if let Some(lib_dir) = &pyo3_build_config::get().lib_dir {\n"
            '        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib_dir}");\n'
            "    }\n"
        )
    return (
        "// Puts libpython's directory on this binary's rpath, so it starts without\n"
        "// LD_LIBRARY_PATH. Build scripts of dependencies cannot do this for us.\n"
        f"fn main() {{\n{body}}}\n"
    )
