"""## What
`extension-module` enabled directly on a `pyo3` dependency (an inline table,
`[dependencies.pyo3]`, dotted keys, a `[target.*.dependencies]` table) or on
`[workspace.dependencies] pyo3`.

Asked of the feature model: the least test build of the crate that has pyo3 in its graph
(`cargo test -p C --no-default-features`, with the crate feature that enables an optional
pyo3) still resolves pyo3 with `extension-module`. Feature resolution is monotone, so every
build that links the crate then has it on: its tests, the profiler's, each dependent's. For
`[workspace.dependencies] pyo3`, the same question for each member that inherits it (an
entry no member inherits yet is reported: the first member to inherit it gets the feature).

A library member (no backend builds it) that enables the feature too: its fix makes the
feature opt-in (`extension-module = ["pyo3/extension-module"]`, not in `default`) and the
extensions that depend on it turn it on from their own `extension-module`
(`"core/extension-module"`). Had it stayed on by default, `cargo test -p EXT
--no-default-features` would still build with it through the library. The same question is
asked of a library whose defaults already enable it: an extension that depends on it with
its defaults is reported, and the fix sets `default-features = false` on that dependency,
keeps the library's other default features on it, and forwards `extension-module`.

## Why
`extension-module` tells PyO3 not to link libpython, which a Python extension must not do
(manylinux) but a binary or a test must. Enabled on the dependency itself, nothing can turn it
off: every binary and `cargo test` that links the crate fails with undefined `Py*` symbols.
Behind the crate's own feature, on by default, a dependent opts out with
`default-features = false`.

## Example
```toml
[dependencies]
pyo3 = { version = "0.21", features = ["extension-module"] }
```

## Fix
```toml
[dependencies]
pyo3 = { version = "0.21" }

[features]
default = ["extension-module"]
extension-module = ["pyo3/extension-module"]
```
For an optional pyo3 (bindings behind a feature of their own) the feature is
`extension-module = ["pyo3?/extension-module"]`: `pyo3/extension-module` would enable the
optional dependency, and a plain `cargo build` of the pure-Rust library would compile PyO3.
In `env` wiring (PyO3 >= 0.26 with maturin >= 1.9.4 or setuptools-rust >= 1.12, which set
`PYO3_BUILD_EXTENSION_MODULE`) the feature is only removed; so it is when the build backend
already enables it (`[tool.maturin] features = ["pyo3/extension-module"]`, setuptools-rust's
`features`): the wheel keeps it, and a crate feature turning it on by default would keep it
in `cargo test` too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.rules.wiring_edits import (
    ensure_extension_module_feature,
    extension_module_enabled_by_default,
    forward_extension_module,
    keeps_defaults,
    remove_extension_module_from_dependency,
)
from scaffold.toml import manifest
from scaffold.workspace.crate import Dependency
from scaffold.workspace.wiring import ENV, EXTENSION_MODULE, is_pyo3_entry

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.crate import Crate
    from scaffold.workspace.model import Extension

CODE = "PW201"
NAME = "extension-module-on-pyo3-dependency"
SUMMARY = "`extension-module` is enabled on the pyo3 dependency itself"
FIX_TITLE = "Move `extension-module` behind the crate's own default feature"
APPLICABILITY = Applicability.SAFE
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}))


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    extension_crates = {ext.crate.path: ext for ext in ctx.extensions}
    for crate in ws.members:
        for dep in ws.pyo3_dependencies(crate):
            if (
                EXTENSION_MODULE in dep.features
                and ctx.forced_by_dependency(crate, dep) is not False
            ):  # None (the model cannot say): the manifest's word stands
                yield _report(ctx, crate, dep, extension_crates.get(crate.path))
    yield from _through_library_defaults(ctx)
    workspace_pyo3 = ws.manifest.get("dependencies", {}).get("pyo3")
    if isinstance(workspace_pyo3, dict) and EXTENSION_MODULE in workspace_pyo3.get("features", []):
        dep = Dependency(("workspace", "dependencies"), "pyo3", workspace_pyo3)
        inheritors = [
            (c, d)
            for c in ws.members
            for d in c.dependencies_on("pyo3")
            if d.inherits_workspace and d.key == "pyo3"
        ]
        if inheritors and all(ctx.forced_by_dependency(c, d) is False for c, d in inheritors):
            return  # no member's build has it on through the workspace entry (with none
            # inheriting it yet, the first member that does would be: it is reported)

        def fix(
            editor: Editor,
            dep: Dependency = dep,
            inheritors: list[tuple[Crate, Dependency]] = inheritors,
        ) -> None:
            remove_extension_module_from_dependency(editor.document(ws.root_file.path), dep)
            for crate, inherited in inheritors:
                ext = extension_crates.get(crate.path)
                if ext is not None and ctx.mode(ext) != ENV:
                    ensure_extension_module_feature(
                        editor.document(crate.path),
                        inherited.key,
                        weak=crate.effective(inherited).optional,
                    )

        yield ctx.finding(
            ws.root_file,
            ("workspace", "dependencies"),
            "pyo3",
            "`extension-module` is enabled on `[workspace.dependencies] pyo3`, so no member "
            "that inherits it can link libpython (binaries and tests fail to link)",
            fix,
        )


def _extension_dependents(ctx: Context, library: Crate) -> list[tuple[Crate, Dependency]]:
    """Extension crates in feature wiring with a normal dependency on `library`."""
    extensions = {e.crate.path: e for e in ctx.extensions}
    return [
        (member, edge)
        for member, edge in ctx.workspace.dependents(library)
        if member.path in extensions
        and ctx.mode(extensions[member.path]) != ENV
        and edge.table[-1] == "dependencies"
    ]


def _through_library_defaults(ctx: Context) -> Iterator[Finding]:
    """An extension crate in feature wiring whose dependency on a library member keeps the
    defaults that enable `extension-module`: `cargo test -p EXT --no-default-features`
    cannot turn it off (the model resolves it)."""
    from scaffold.workspace.features import Scenario  # only when a library member asks

    extensions = {e.crate.path: e for e in ctx.extensions}
    for library in ctx.workspace.members:
        if library.path in extensions or not extension_module_enabled_by_default(library):
            continue
        edges = [
            (member, edge)
            for member, edge in _extension_dependents(ctx, library)
            if keeps_defaults(member, edge)
        ]
        if not edges or ctx.defaults_enable_extension_module(library) is not True:
            continue
        for member, edge in edges:
            least = Scenario(
                f"cargo test -p {member.name} --no-default-features",
                (member.name,),
                no_default_features=True,
                dev=True,
            )
            if ctx.extension_module_on(least) is not True:
                continue
            others = [v for v in library.features.get("default", []) if v != EXTENSION_MODULE]
            fixable = not edge.inherits_workspace and not any(
                _reaches(library.features, v) for v in others
            )
            yield ctx.finding(
                member.file,
                edge.table,
                edge.key,
                f"`{member.name}` depends on library `{library.name}` with its default "
                "features, which enable `extension-module`: `cargo test -p "
                f"{member.name} --no-default-features` cannot turn it off",
                _edge_fix(member, edge, others) if fixable else None,
            )


def _edge_fix(member: Crate, edge: Dependency, others: list[str]) -> Callable[[Editor], None]:
    """`default-features = false` on the edge, the library's other defaults kept on it, and
    the extension's own `extension-module` turning on the library's."""

    def fix(editor: Editor) -> None:
        document = editor.document(member.path)
        table = manifest.dependency_table(document, edge)
        manifest.remove_key(table, "default_features")
        if others and "features" not in table and manifest.is_inline(table):
            # one new inline table: tomlkit joins two keys added in a row without a space
            fields = dict(table.items())
            fields.update({"default-features": False, "features": others})
            parent = manifest.table(document, edge.table)
            assert parent is not None  # dependency_table found the entry in it
            parent[edge.key] = manifest.inline(fields)
        else:
            manifest.set_value(table, "default-features", False)
            for value in others:
                manifest.add_to_array(table, "features", value)
        forward_extension_module(document, edge, weak=member.effective(edge).optional)

    return fix


def _reaches(features: dict[str, list[str]], name: str) -> bool:
    """Whether feature `name` of a crate leads to `extension-module`."""
    pending, seen = [name], set()
    while pending:
        value = pending.pop()
        if value == EXTENSION_MODULE or value.endswith("/" + EXTENSION_MODULE):
            return True
        if value not in seen:
            seen.add(value)
            pending += features.get(value, [])
    return False


def _report(ctx: Context, crate: Crate, dep: Dependency, ext: Extension | None) -> Finding:
    env_mode = ext is not None and ctx.mode(ext) == ENV
    backend_enables = (
        ext is not None
        and ext.declared_by is not None
        and any(is_pyo3_entry(f, {dep.key}) for f in ext.declared_by.features)
    )
    # A library member no backend builds: its feature is opt-in (on by default it would stay
    # on in every build of each extension that depends on it, `--no-default-features` or
    # not), and each extension in feature wiring that depends on it turns it on.
    library = ext is None and ctx.wiring != ENV
    forwarding = _extension_dependents(ctx, crate) if library else []

    def fix(editor: Editor) -> None:
        document = editor.document(crate.path)
        remove_extension_module_from_dependency(document, dep)
        if not (env_mode or backend_enables):
            ensure_extension_module_feature(
                document,
                dep.key,
                on_by_default=not library,
                weak=crate.effective(dep).optional,
            )
        for member, edge in forwarding:
            forward_extension_module(
                editor.document(member.path),
                edge,
                weak=member.effective(edge).optional,
            )

    where = ".".join(dep.table)
    if library:
        return ctx.finding(
            crate.file,
            dep.table,
            dep.key,
            f"`{crate.name}` enables `extension-module` on its `{dep.key}` dependency "
            f"(in [{where}]); no binary or test can turn it off (fix: an opt-in "
            "`extension-module` feature"
            + (
                ", turned on by " + ", ".join(f"`{m.name}`'s" for m, _ in forwarding) + ")"
                if forwarding
                else ")"
            ),
            fix,
        )
    return ctx.finding(
        crate.file,
        dep.table,
        dep.key,
        f"`{crate.name}` enables `extension-module` on its `{dep.key}` dependency "
        f"(in [{where}]); no binary or test can turn it off",
        fix,
    )
