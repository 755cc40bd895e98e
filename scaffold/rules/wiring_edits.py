"""Fix edits several rules (and `add-profiler`) share: one implementation of each wiring step."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffold.toml import manifest
from scaffold.workspace.crate import Crate, Dependency
from scaffold.workspace.wiring import EXTENSION_MODULE, FEATURE, is_pyo3_entry

if TYPE_CHECKING:
    from tomlkit import TOMLDocument

    from scaffold.lint.context import Context
    from scaffold.workspace.model import Extension


def pyo3_feature(dep_key: str, weak: bool = False) -> str:
    """The feature string that enables PyO3's `extension-module` through dependency `dep_key`;
    `weak` (`pyo3?/extension-module`) for an optional pyo3, which `pyo3/...` would enable."""
    return f"{dep_key}{'?' if weak else ''}/{EXTENSION_MODULE}"


def ensure_extension_module_feature(
    document: TOMLDocument,
    pyo3_key: str = "pyo3",
    on_by_default: bool = True,
    weak: bool = False,
    value: str | None = None,
) -> None:
    """`[features] extension-module = ["pyo3/extension-module"]`, in `default` if asked;
    `value` puts another entry in it (a library member's `lib/extension-module`)."""
    value = value or pyo3_feature(pyo3_key, weak)
    features = document.get("features")
    if features is None:
        lines = ["[features]"]
        if on_by_default:
            lines.append(f'default = ["{EXTENSION_MODULE}"]')
        lines.append(f'{EXTENSION_MODULE} = ["{value}"]')
        if document.body:
            from tomlkit import dumps, nl  # only when editing: never on the check path

            text = dumps(document)
            for _ in range(2 - (len(text) - len(text.rstrip("\n")))):  # end on a blank line
                document.add(nl())
        document.append("features", manifest.snippet("\n".join(lines) + "\n")["features"])
        return
    manifest.add_to_array(features, EXTENSION_MODULE, value)
    if on_by_default:
        manifest.add_to_array(features, "default", EXTENSION_MODULE)


def forward_extension_module(document: TOMLDocument, dep: Dependency, weak: bool) -> None:
    """The extension's own `extension-module` feature also turns on that of library member
    `dep` (`lib/extension-module`, `lib?/...` for an optional one); a feature created for it
    is on by default, an existing one keeps its place in `default`."""
    features = document.get("features")
    exists = features is not None and EXTENSION_MODULE in features
    ensure_extension_module_feature(
        document, on_by_default=not exists, value=pyo3_feature(dep.key, weak)
    )


def remove_extension_module_from_dependency(document: TOMLDocument, dep: Dependency) -> None:
    """Drop `extension-module` from a PyO3 dependency's `features` (pyo3 or pyo3-build-config),
    and `features` if emptied."""
    item = manifest.dependency(document, dep)
    if item is not None and hasattr(item, "get") and "features" in item:
        manifest.remove_from_array(item, "features", EXTENSION_MODULE, drop_empty=True)


@dataclass(frozen=True)
class FeaturePlan:
    """What removing PyO3's `extension-module` does to a crate's `[features]`."""

    removed: tuple[str, ...]  # features left empty and named nowhere else: deleted
    kept: tuple[tuple[str, str], ...]  # (feature, why it stays)


def plan_feature_removal(
    features: dict, keys: set[str], named_elsewhere: Mapping[str, str]
) -> FeaturePlan:
    """Which features lose their PyO3 entry and what becomes of them. `named_elsewhere`: crate
    features that other crates, the backend's settings or files outside the manifests
    (workflows, scripts) name -> who names them."""
    removed, kept = [], []
    for name, values in features.items():
        if name == "default" or not any(is_pyo3_entry(v, keys) for v in values):
            continue
        rest = [str(v) for v in values if not is_pyo3_entry(v, keys)]
        users = sorted(
            other
            for other, vals in features.items()
            if other not in ("default", name) and name in map(str, vals)
        )
        if rest:
            kept.append((name, f"it also enables {', '.join(f'`{v}`' for v in rest)}"))
        elif users or name in named_elsewhere:
            why = f"`{users[0]}` names it" if users else named_elsewhere[name]
            kept.append((name, f"empty: {why}"))
        else:
            removed.append(name)
    return FeaturePlan(tuple(removed), tuple(kept))


def remove_extension_module_feature(
    document: TOMLDocument,
    keys: set[str],
    named_elsewhere: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> FeaturePlan:
    """Remove `<pyo3>/extension-module` from every feature; keep each feature and what else it
    enables. A feature left empty that nothing names is deleted, with its mentions in `default`
    (and `default`, then `[features]`, when left empty); one kept empty gets its `notes` entry
    as a comment (why a no-op feature stays)."""
    features = document.get("features")
    if features is None:
        return FeaturePlan((), ())
    plan = plan_feature_removal(
        {k: list(v) for k, v in features.items()}, keys, named_elsewhere or {}
    )
    for name in list(features):
        for value in [v for v in list(features[name]) if is_pyo3_entry(v, keys)]:
            manifest.remove_from_array(features, name, value, drop_empty=name == "default")
    for name in plan.removed:
        manifest.remove_key(features, name)
        manifest.remove_from_array(features, "default", name, drop_empty=True)
    for name, _ in plan.kept:
        if notes and name in notes and name in features and not list(features[name]):
            features[name].comment(notes[name])
            features[name].trivia.comment_ws = "  "  # two spaces before `#`, the usual TOML style
    if not list(features):
        del document["features"]
    return plan


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


def feature_dependents(
    ctx: Context, inherited: bool
) -> Iterator[tuple[Extension, Crate, Dependency]]:
    """(extension, member, dependency) for every member whose own builds (`cargo build -p D`,
    `cargo test -p D`) end with `extension-module` on because `dependency` keeps the default
    features of an extension crate whose defaults enable it, in feature wiring; `inherited`:
    the dependencies written `workspace = true` (PW204) or the others (PW203). Asked of the
    feature model (`Context.dependent_builds_on`); where it cannot say, the manifest's word
    (the entry keeps the defaults) stands."""
    for ext in ctx.extensions:
        if ctx.mode(ext) != FEATURE or not extension_module_enabled_by_default(ext.crate):
            continue  # cheap: no default feature of the crate even names it
        candidates = [
            (member, dep)
            for member, dep in ctx.workspace.dependents(ext.crate)
            if dep.inherits_workspace == inherited and keeps_defaults(member, dep)
        ]
        if not candidates or ctx.defaults_enable_extension_module(ext.crate) is False:
            continue
        for member, dep in candidates:
            if ctx.dependent_builds_on(member, dep) is not False:
                yield ext, member, dep


def python_free_options(member: Crate, library: Crate) -> str:
    """What PW203/PW204 tell a binary whose code calls no Python API: why its defaults
    still matter (unification) and its options, never that it fails to link or start."""
    return (
        f"`{member.name}` depends on `{library.name}` with its default features, which "
        "enable `extension-module`; its code calls no Python API, so it links and runs as it "
        "is, but a build that selects it with a member that embeds Python (`cargo build` or "
        "`cargo test` at the root) gets the feature too and that member fails to link. "
        f"Options: depend on a Python-free core crate split out of `{library.name}`; or "
        "`default-features = false` (the fix: pyo3 then links libpython, which the linker's "
        "`--as-needed` leaves out of this binary unless it uses a Python symbol)"
    )


def keeps_defaults(member: Crate, dep: Dependency) -> bool:
    """What the manifest says: the entry (or the `[workspace.dependencies]` entry it
    inherits, whose `default-features` is the one that counts) keeps the default features."""
    if not dep.inherits_workspace:
        return bool(dep.default_features)
    inherited = member.workspace_dependency(dep.key)
    return inherited.get("default-features", inherited.get("default_features", True)) is not False
