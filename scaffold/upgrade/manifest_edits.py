"""The upgrade's manifest edits, all through one `Editor`: requirements of the PyO3 family
and its companions (in their own style), `rust-version` up to the new MSRV, `abi3-py3X`
features up to the new floor, no-op features dropped, `requires-python` with the abi3 floor.
`gate` then holds the edits to what they claim, as every fix is held (`scaffold.lint.verify`).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.errors import UserError
from scaffold.lint.claim import Claim
from scaffold.toml import manifest
from scaffold.toml.locate import locate
from scaffold.toml.textfile import TextFile
from scaffold.upgrade.model import Entry, Plan, Step
from scaffold.upgrade.requirements import admits, current, like, restyle, set_requirement
from scaffold.workspace.versions import parse

if TYPE_CHECKING:
    from scaffold.toml.editor import Editor

_ABI3 = re.compile(r"\babi3-py3(\d+)\b")
_NOOP = "generate-import-lib"
_REQUIRES_PYTHON_MIN = re.compile(r">=\s*3\.(\d+)")


def requirements(
    plan: Plan, editor: Editor, entries: list[Entry], versions: dict[str, tuple[int, ...]]
) -> None:
    for file, dep, package in entries:
        version = versions.get(package)
        document = editor.document(file.path)
        written = current(document, dep)
        if version is None or written is None or admits(written, version):
            continue
        new = restyle(written, version)
        line, _ = locate(file.text, dep.table, dep.key)
        if set_requirement(document, dep, new):
            plan.steps.append(
                Step(f"{plan.relative(file.path)}:{line}", f'{package} "{written}" -> "{new}"')
            )


def rust_version(plan: Plan, editor: Editor) -> None:
    needed = facts.msrv(plan.new)
    if needed is None:
        return
    ws = plan.workspace
    places: list[tuple[TextFile, tuple[str, ...]]] = (
        [(ws.root_file, ("workspace", "package"))] if ws.has_workspace else []
    )
    places += [(c.file, ("package",)) for c in ws.members]
    for file, table_path in places:
        table = manifest.table(editor.document(file.path), table_path)
        if table is None:
            continue
        value = table.get("rust-version")
        if not isinstance(value, str) or not parse(value) or parse(value)[:2] >= needed:
            continue  # inherited, unreadable, or new enough
        line, _ = locate(file.text, table_path, "rust-version")
        table["rust-version"] = like(table["rust-version"], facts.fmt(needed))
        plan.steps.append(
            Step(
                f"{plan.relative(file.path)}:{line}",
                f'rust-version "{value}" -> "{facts.fmt(needed)}" (PyO3 '
                f"{facts.format_series(plan.new)} needs Rust {facts.fmt(needed)})",
            )
        )


def features(plan: Plan, editor: Editor, entries: list[Entry]) -> Claim:
    """abi3 features up to the new floor; no-op features removed (dependency `features`,
    `[features]` values, maturin / setuptools-rust `features` in pyproject.toml). Returns
    what the edits claim: the feature names they turn on or off, for `gate`."""
    touched: set[str] = set()
    floor = facts.abi3_floor(plan.new)
    noop = facts.generate_import_lib_noop(plan.new)
    # (file, table path, container, key, the key `locate` finds the array's line by)
    arrays: list[tuple[TextFile, tuple[str, ...], MutableMapping, str, str]] = []
    for file, dep, package in entries:
        if package in facts.PYO3_FAMILY:
            item = manifest.dependency(editor.document(file.path), dep)
            if isinstance(item, MutableMapping) and "features" in item:
                arrays.append((file, dep.table, item, "features", dep.key))
    for crate in plan.workspace.members:
        features = editor.document(crate.path).get("features")
        if not isinstance(features, MutableMapping):
            continue
        for name in list(features):
            arrays.append((crate.file, ("features",), features, name, name))
    for project in plan.workspace.projects:
        if project.pyproject is None:
            continue
        document = editor.document(project.pyproject.path)
        maturin = manifest.table(document, ("tool", "maturin"))
        if maturin is not None and "features" in maturin:
            arrays.append((project.pyproject, ("tool", "maturin"), maturin, "features", "features"))
        for module in (manifest.table(document, ("tool", "setuptools-rust")) or {}).get(
            "ext-modules", []
        ):
            if "features" in module:
                arrays.append(
                    (
                        project.pyproject,
                        ("tool", "setuptools-rust"),
                        module,
                        "features",
                        "ext-modules",
                    )
                )
    for file, table_path, container, key, locate_key in arrays:
        array = container[key]
        if not hasattr(array, "__iter__") or isinstance(array, str):
            continue
        line, _ = locate(file.text, table_path, locate_key)
        where = f"{plan.relative(file.path)}:{line}"
        for index, value in reversed(list(enumerate(list(array)))):
            text = str(value)
            match = _ABI3.search(text)
            plan.uses_abi3 = plan.uses_abi3 or match is not None
            if floor and match and int(match.group(1)) < floor[1]:
                new = _ABI3.sub(f"abi3-py3{floor[1]}", text)
                array[index] = new
                touched |= {text.split("/")[-1], new.split("/")[-1]}
                plan.steps.append(
                    Step(
                        where,
                        f'"{text}" -> "{new}" (PyO3 '
                        f"{facts.format_series(plan.new)} supports Python "
                        f">= {facts.fmt(floor)})",
                    )
                )
            elif noop and text.split("/")[-1] == _NOOP:
                del array[index]
                touched.add(_NOOP)
                plan.steps.append(
                    Step(
                        where,
                        f'"{text}" removed (no effect since PyO3 '
                        f"{facts.format_series(facts.GENERATE_IMPORT_LIB_NOOP_SINCE)})",
                    )
                )

    return Claim(frozenset(_implied(touched)))


def _implied(names: set[str]) -> set[str]:
    """`names` and every feature of pyo3's own they turn on (`abi3-py39` -> `abi3-py310` ...
    `abi3`): a new floor changes those too."""
    found, todo = set(names), list(names)
    while todo:
        for value in facts.PYO3_FEATURES.get(todo.pop(), []):
            name = value.split("/")[-1]
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def requires_python(plan: Plan, editor: Editor) -> None:
    """With abi3 features (now at least the new floor), `requires-python` follows (unsafe: it
    drops users)."""
    floor = facts.abi3_floor(plan.new)
    if not plan.uses_abi3 or floor is None:
        return
    for project in plan.workspace.projects:
        if project.pyproject is None:
            continue
        document = editor.document(project.pyproject.path)
        table = manifest.table(document, ("project",))
        value = table.get("requires-python") if table is not None else None
        match = _REQUIRES_PYTHON_MIN.search(str(value)) if value is not None else None
        if table is None or match is None or int(match.group(1)) >= floor[1]:
            continue
        new = _REQUIRES_PYTHON_MIN.sub(f">={facts.fmt(floor)}", str(value), count=1)
        line, _ = locate(project.pyproject.text, ("project",), "requires-python")
        where = f"{plan.relative(project.pyproject.path)}:{line}"
        text = f'requires-python "{value}" -> "{new}" (the abi3 floor)'
        if plan.unsafe:
            table["requires-python"] = like(table["requires-python"], new)
            plan.steps.append(Step(where, text + " [unsafe fix]"))
        else:
            plan.steps.append(Step(where, text + "; needs --unsafe-fixes", "unsafe"))


def gate(plan: Plan, editor: Editor, claim: Claim) -> None:
    """Every build scenario resolved before and after the manifest edits: refuse the upgrade
    (UserError, nothing written) when they turn on or off a feature outside `claim` or move
    a package in or out of a build."""
    from scaffold.lint.verify import changes, snapshot, violations
    from scaffold.workspace.features import FeatureError
    from scaffold.workspace.loader import load
    from scaffold.workspace.reader import Reader

    edited = editor.changes()
    if not edited:
        return
    ws = plan.workspace
    reader = Reader(edited)
    reader.cache = ws.reader.cache
    try:
        before = snapshot(ws)
    except FeatureError:
        return  # the model, like cargo, rejects the manifests as they are: nothing to compare
    try:
        after = snapshot(load(ws.root, reader))
    except FeatureError as error:
        raise UserError(
            f"{ws.root_file.path}: the upgrade's edits would make cargo reject the features "
            f"({error})",
            "nothing was written; report this with the manifests",
        ) from None
    bad = violations(claim, changes(before, after))
    if bad:
        raise UserError(
            f"{ws.root_file.path}: the upgrade's feature edits would change more than they "
            f"say ({bad[0]})",
            "nothing was written; report this with the manifests",
        )
