"""Fix edits several rules (and `add-profiler`) share: one implementation of each wiring step."""

from __future__ import annotations

from scaffold.toml import manifest
from scaffold.workspace.crate import Crate, Dependency

EXTENSION_MODULE = "extension-module"


def pyo3_feature(dep_key: str, weak: bool = False) -> str:
    """The feature string that enables PyO3's `extension-module` through dependency `dep_key`;
    `weak` (`pyo3?/extension-module`) for an optional pyo3, which `pyo3/...` would enable."""
    return f"{dep_key}{'?' if weak else ''}/{EXTENSION_MODULE}"


def ensure_extension_module_feature(document, pyo3_key: str = "pyo3",
                                    on_by_default: bool = True, weak: bool = False) -> None:
    """`[features] extension-module = ["pyo3/extension-module"]`, in `default` if asked."""
    features = document.get("features")
    if features is None:
        lines = ["[features]"]
        if on_by_default:
            lines.append(f'default = ["{EXTENSION_MODULE}"]')
        lines.append(f'{EXTENSION_MODULE} = ["{pyo3_feature(pyo3_key, weak)}"]')
        if document.body:
            from tomlkit import dumps, nl  # only when editing: never on the check path

            text = dumps(document)
            for _ in range(2 - (len(text) - len(text.rstrip("\n")))):  # end on a blank line
                document.add(nl())
        document.append("features", manifest.snippet("\n".join(lines) + "\n")["features"])
        return
    manifest.add_to_array(features, EXTENSION_MODULE, pyo3_feature(pyo3_key, weak))
    if on_by_default:
        manifest.add_to_array(features, "default", EXTENSION_MODULE)


def remove_extension_module_from_dependency(document, dep: Dependency) -> None:
    """Drop `extension-module` from a pyo3 dependency's `features`, and `features` if emptied."""
    item = manifest.dependency(document, dep)
    if item is not None and hasattr(item, "get") and "features" in item:
        manifest.remove_from_array(item, "features", EXTENSION_MODULE, drop_empty=True)


def remove_extension_module_feature(document) -> None:
    """Remove the crate's own `extension-module` feature and every mention of it.

    A `default` left empty goes too (it is the default), and then an empty `[features]`.
    """
    features = document.get("features")
    if features is None:
        return
    manifest.remove_key(features, EXTENSION_MODULE)
    for name in list(features):
        values = features[name]
        for value in [v for v in list(values) if v == EXTENSION_MODULE
                      or str(v).endswith("/" + EXTENSION_MODULE)]:
            manifest.remove_from_array(features, name, value, drop_empty=name == "default")
    if not list(features):
        del document["features"]


def extension_module_enabled_by_default(crate: Crate) -> bool:
    """Whether the crate's default features reach `extension-module` (directly or transitively)."""
    features = crate.features
    pending, seen = list(features.get("default", [])), set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name == EXTENSION_MODULE or name.endswith("/" + EXTENSION_MODULE):
            return True
        pending += features.get(name, [])
    return False


def feature_dependents(ctx):
    """(extension, member, dependency) for every member depending on an extension crate whose
    default features enable `extension-module`, in feature wiring (PW203, PW204)."""
    from scaffold.lint.context import FEATURE

    for ext in ctx.extensions:
        if ctx.mode(ext) != FEATURE or not extension_module_enabled_by_default(ext.crate):
            continue
        for member, dep in ctx.workspace.dependents(ext.crate):
            yield ext, member, dep
