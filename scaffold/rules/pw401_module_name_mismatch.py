"""## What
The extension module's name disagrees between the `#[pymodule]` (its function or module name,
or `name = "..."`), `[lib] name`, `[tool.maturin] module-name`'s last segment, and
setuptools-rust's `target`. A `#[cfg_attr(feature = "x", pyo3(name = "other"))]` (with
`not`, `all`, `any`) names the module in the builds whose features make it true: the wheel
build's features decide (the feature model's resolution of the backend's build).

## Why
Python imports `pkg.mymod` by loading `mymod.*.so` and calling `PyInit_mymod`. The `#[pymodule]`
decides the symbol; the backend decides the file name (maturin from `module-name`, else the lib
name). When they disagree the import fails with
`ImportError: dynamic module does not define module export function (PyInit_mymod)`.

## Example
```toml
[tool.maturin]
module-name = "mypkg._core"   # but src/lib.rs has `#[pymodule] fn _native`
```

Only a Python build backend (maturin, setuptools-rust) decides the file name; a crate that no
backend declares (built by `cargo build` and copied under a name of its own) cannot be checked:
it gets an info saying so, never an error.

## Fix (unsafe: it renames what Python imports)
Sets the Python side to the `#[pymodule]` name: `module-name = "mypkg._native"` (or the
setuptools-rust `target`). `setup.py` is reported, never edited.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from scaffold.lint.diagnostic import Applicability, Severity
from scaffold.toml import manifest
from scaffold.workspace import rust_source

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.model import Extension

CODE = "PW401"
NAME = "module-name-mismatch"
SUMMARY = "The module name differs between `#[pymodule]`, `[lib] name` and the build backend"
FIX_TITLE = "Set the Python side's module name to the `#[pymodule]` name"
APPLICABILITY = Applicability.UNSAFE


def check(ctx: Context) -> Iterator[Finding]:
    for ext in ctx.extensions:
        crate = ext.crate
        modules = rust_source.pymodules(crate.rust_sources(), crate.reader.text)
        declared = ext.declared_by
        names = {m.name_with(_crate_features(ctx, ext)) for m in modules}
        if len(names) != 1 or None in names:
            continue  # none found, several (submodules), or a name features cannot decide
        pymodule = modules[0].name_with(_crate_features(ctx, ext)) or modules[0].name
        if declared is None:
            if pymodule != crate.lib_name:
                where: tuple[tuple[str, ...], str] = (
                    (("lib",), "name") if "name" in crate.lib else (("package",), "name")
                )
                yield ctx.finding(
                    crate.file,
                    *where,
                    f"cannot check the module name: no Python build backend builds "
                    f"`{crate.name}`; whatever installs the library must name the file "
                    f"`{pymodule}` (the #[pymodule] name), not `{crate.lib_name}` ([lib] name)",
                    severity=Severity.INFO,
                )
            continue
        backend_name = declared.module_name
        values = {"#[pymodule]": pymodule}
        if backend_name:
            values["backend"] = backend_name
        else:
            values["[lib] name"] = crate.lib_name
        if len(set(values.values())) == 1:
            continue
        described = ", ".join(f"{where} `{name}`" for where, name in values.items())
        init = values.get("backend", values.get("[lib] name"))
        message = (
            f'module name disagrees: {described}; `import` fails with "dynamic module '
            f'does not define module export function (PyInit_{init})"'
        )
        editable = declared.source is not None and declared.source.name == "pyproject.toml"
        project = ext.project  # there when pyproject.toml declares the module
        if editable and backend_name and project is not None and project.pyproject is not None:
            table, key = (
                (("tool", "maturin"), "module-name")
                if project.backend == "maturin"
                else (("tool", "setuptools-rust", "ext-modules"), "target")
            )
            yield ctx.finding(project.pyproject, table, key, message, _rename(ext, pymodule))
        elif backend_name and declared.target and declared.source is not None:
            # setup.py: reported, never edited
            finding = ctx.finding(declared.source, (), None, message)
            yield dataclasses.replace(
                finding,
                line=_line_naming(
                    ctx.workspace.reader.text(declared.source) or "", declared.target
                ),
            )
        else:  # the backend takes the lib name: point at it
            where = (("lib",), "name") if "name" in crate.lib else (("package",), "name")
            yield ctx.finding(crate.file, *where, message)


def _crate_features(ctx: Context, ext: Extension) -> frozenset[str] | None:
    """The crate's own features in the build that names the module: the backend's wheel
    build, else `cargo build -p C` (None: the model cannot say). A
    `#[cfg_attr(feature = ..., pyo3(name = ...))]` is read with these."""
    from scaffold.workspace.features import Scenario
    from scaffold.workspace.scenarios import wheel

    name = ext.crate.name
    build = (
        wheel(ext) if ext.declared_by is not None else Scenario(f"cargo build -p {name}", (name,))
    )
    found = ctx.features_of(build, name)
    if found is False:
        return None  # the model cannot resolve that build
    return found if found is not None else frozenset()  # not in its graph: no features


def _line_naming(text: str, target: str) -> int:
    """The first line of `text` that holds `target` as a string literal (1 if none)."""
    quoted = (f'"{target}"', f"'{target}'")
    lines = text.splitlines()
    return next(
        (number for number, line in enumerate(lines, 1) if any(q in line for q in quoted)), 1
    )


def _rename(ext: Extension, pymodule: str) -> Callable[[Editor], None]:
    declared, project = ext.declared_by, ext.project
    # Only for a module name declared in pyproject.toml: all of these are there.
    assert declared is not None and declared.target is not None
    assert project is not None and project.pyproject is not None
    target, path, backend = declared.target, project.pyproject.path, project.backend

    def fix(editor: Editor) -> None:
        document = editor.document(path)
        prefix = target.rpartition(".")[0]
        renamed = f"{prefix}.{pymodule}" if prefix else pymodule
        if backend == "maturin":
            manifest.ensure_table(document, ("tool", "maturin"))["module-name"] = renamed
            return
        for module in manifest.ensure_table(document, ("tool", "setuptools-rust"))["ext-modules"]:
            if module.get("target") == target:
                module["target"] = renamed

    return fix
