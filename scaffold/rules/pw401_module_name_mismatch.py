"""## What
The extension module's name disagrees between the `#[pymodule]` (its function or module name,
or `name = "..."`), `[lib] name`, `[tool.maturin] module-name`'s last segment, and
setuptools-rust's `target`.

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

## Fix (unsafe: it renames what Python imports)
Sets the Python side to the `#[pymodule]` name: `module-name = "mypkg._native"` (or the
setuptools-rust `target`). `setup.py` is reported, never edited.
"""

from __future__ import annotations

from scaffold.lint.diagnostic import Applicability
from scaffold.rules.pymodule import pymodule_names
from scaffold.toml import manifest

CODE = "PW401"
NAME = "module-name-mismatch"
SUMMARY = "The module name differs between `#[pymodule]`, `[lib] name` and the build backend"
FIX_TITLE = "Set the Python side's module name to the `#[pymodule]` name"
APPLICABILITY = Applicability.UNSAFE


def check(ctx):
    for ext in ctx.extensions:
        crate = ext.crate
        modules = pymodule_names(crate.rust_sources())
        if len({name for *_, name in modules}) != 1:
            continue  # none found, or several (submodules): nothing certain to compare
        source, line, pymodule = modules[0]
        declared = ext.declared_by
        backend_name = declared.module_name if declared else None
        values = {"#[pymodule]": pymodule}
        if backend_name:
            values["backend"] = backend_name
        else:
            values["[lib] name"] = crate.lib_name
        if len(set(values.values())) == 1:
            continue
        described = ", ".join(f"{where} `{name}`" for where, name in values.items())
        message = (f"module name disagrees: {described}; `import` fails with \"dynamic module "
                   f"does not define module export function (PyInit_{values.get('backend', values.get('[lib] name'))})\"")
        editable = declared is not None and declared.source is not None and \
            declared.source.name == "pyproject.toml"
        fix = _rename(ext, pymodule) if editable and backend_name else None
        if declared is not None and declared.source is not None:
            file = ext.project.pyproject if declared.source.name == "pyproject.toml" else declared.source
            table = ("tool", "maturin") if ext.project.backend == "maturin" else ("tool", "setuptools-rust")
            yield ctx.diagnostic(file, table, "module-name" if table[-1] == "maturin" else None,
                                 message, fix)
        else:
            yield ctx.diagnostic(crate.file, ("lib",), "name", message)


def _rename(ext, pymodule):
    declared = ext.declared_by

    def fix(editor):
        document = editor.document(ext.project.pyproject.path)
        prefix = declared.target.rpartition(".")[0]
        renamed = f"{prefix}.{pymodule}" if prefix else pymodule
        if ext.project.backend == "maturin":
            manifest.table(document, ("tool", "maturin"))["module-name"] = renamed
            return
        for module in manifest.table(document, ("tool", "setuptools-rust"))["ext-modules"]:
            if module.get("target") == declared.target:
                module["target"] = renamed

    return fix
