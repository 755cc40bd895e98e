"""What `scaffold upgrade --pyo3 X` changes, decided in memory: every edit, every note.

`build(path, target, unsafe)` loads the workspace, reads what it depends on and Cargo.lock
(`analysis`), resolves the target PyO3 and its companions with cargo (`registry`), in a
project `scaffold new` made moves the answers files and regenerates the templates' files
(`templates`), and plans on top of those: the manifest edits through one Editor, held by the
verify gate (`manifest_edits`), the text edits of setup.cfg, build scripts and Rust sources
(`source_edits`), and notes. Nothing is
written here; the API commits `Plan.changeset` in one transaction (`transaction.commit`).
"""

from __future__ import annotations

import re
from pathlib import Path

from scaffold import facts
from scaffold.errors import UserError
from scaffold.upgrade import analysis, manifest_edits, registry, source_edits
from scaffold.upgrade.model import Plan, Step
from scaffold.workspace.loader import load
from scaffold.workspace.model import Workspace
from scaffold.workspace.versions import parse, series

_TARGET = re.compile(r"\d+\.\d+(\.\d+)?\Z")


def parse_target(text: str) -> facts.Series:
    found = series(text) if _TARGET.match(text.strip()) else None
    if found is None:
        raise UserError(f"--pyo3 {text!r} is not a PyO3 version", "pass e.g. 0.30 or 0.30.1")
    return found


def build(path: Path, target: str, unsafe: bool) -> Plan:
    from scaffold.workspace.discover import discover, display_base

    new = parse_target(target)
    ws = load(path)
    entries = analysis.entries(ws)
    family = [(f, d, p) for f, d, p in entries if p in facts.PYO3_FAMILY]
    if not family:
        raise UserError(
            f"{ws.root_file.path}: no pyo3 dependency in this workspace", "run it in a PyO3 project"
        )
    required = [s for f, d, p in family if (s := series(d.spec.get("version") or ""))]
    locked = [s for v in ws.lock_versions.get("pyo3", []) if (s := series(v))]
    if any(s > new for s in required + locked):
        newest = facts.format_series(max(required + locked))
        raise UserError(
            f"the workspace uses PyO3 {newest}; `scaffold upgrade` does not "
            f"downgrade to {facts.format_series(new)}",
            f"pass --pyo3 {newest} or newer",
        )
    old = min(required + locked, default=new)
    lock = analysis.lock(ws)
    companions = analysis.companions(ws, entries, lock)
    analysis.check_path_crates(ws, entries, new, lock)
    plan = Plan(ws, old, new, None, unsafe, base=display_base(discover(path)))
    if not analysis.up_to_date(family, companions, locked, new):
        minimums = {p: analysis.minimum(p, d, lock) for f, d, p in companions}
        plan.pyo3, resolved = registry.resolve(target, minimums)
        versions = {p: plan.pyo3 for f, d, p in family} | {
            p: r.version for p, r in resolved.items()
        }
    else:
        versions = {}
    ws = _regenerate(plan, path, plan.pyo3 or parse(target))
    if ws is not plan.workspace:  # the edits below apply to the regenerated files
        plan.workspace = ws
        entries = analysis.entries(ws)
        family = [(f, d, p) for f, d, p in entries if p in facts.PYO3_FAMILY]
        companions = analysis.companions(ws, entries, lock)
    from scaffold.toml.editor import Editor  # tomlkit only when planning edits

    editor = Editor(ws.reader.read)
    manifest_edits.requirements(plan, editor, family + companions, versions)
    manifest_edits.rust_version(plan, editor)
    claim = manifest_edits.features(plan, editor, analysis.entries(ws, inherited=True))
    source_edits.limited_api(plan)
    manifest_edits.requires_python(plan, editor)
    manifest_edits.gate(plan, editor, claim)
    source_edits.build_scripts(plan)
    source_edits.rust_sources(plan)
    _notes(plan)
    for file_path, text in editor.changes().items():
        plan.originals[file_path] = ws.reader.read(file_path)
        plan.changes[file_path] = text
    if lock is not None and (plan.changeset or any(s != new for s in locked)):
        names = {p for f, d, p in family + companions if p in versions}
        in_lock = {p["name"] for p in lock.get("package", [])}
        plan.update = sorted(names & in_lock)
        if plan.update:
            plan.steps.append(
                Step(
                    plan.relative(ws.root / "Cargo.lock"),
                    "cargo update -p " + " -p ".join(plan.update),
                )
            )
    return plan


def _regenerate(plan: Plan, path: Path, version: tuple[int, ...]) -> Workspace:
    """The answers files at the new series and the files the templates regenerate from them
    (`templates.regenerate`), planned on `plan`; the workspace as they leave it."""
    from scaffold.upgrade.templates import regenerate
    from scaffold.workspace.reader import Reader

    ws = plan.workspace
    done = regenerate(ws.root, plan.new, version)
    if done.skipped:
        plan.steps.append(Step(plan.relative(ws.root), done.skipped, "note"))
    if not done.changeset:
        return ws
    plan.regenerated = done.changeset
    for moved in done.moved:
        plan.steps.append(Step(plan.relative(moved.answers), moved.describe()))
    answers = {moved.answers for moved in done.moved}
    for changed in done.changeset.paths:
        if changed not in answers:
            verb = "removed" if done.changeset.after[changed] is None else "regenerated"
            plan.steps.append(
                Step(plan.relative(changed), f"{verb} from the templates (your edits kept)")
            )
    for kept in done.kept:
        plan.steps.append(
            Step(
                plan.relative(kept),
                "not regenerated: the templates' change conflicts with your edits (compare "
                f"with `scaffold new --pyo3 {facts.format_series(plan.new)}`)",
                "manual",
            )
        )
    reader = Reader(done.files)
    return load(path, reader)


def _notes(plan: Plan) -> None:
    """Offer env wiring to feature-wired extensions once the new PyO3 supports it."""
    if not facts.supports_env_wiring(plan.new):
        return
    from scaffold.workspace.wiring import FEATURE, mode

    for ext in plan.workspace.extensions():
        if mode(plan.workspace, ext) != FEATURE:
            continue
        backend = ext.project.backend if ext.project else None
        floor = facts.BACKEND_FLOOR_SPECIFIERS.get(backend or "")
        needs = f" with {backend}{floor} in build-system.requires" if floor else ""
        plan.steps.append(
            Step(
                plan.relative(ext.crate.path),
                f"PyO3 {facts.format_series(plan.new)} supports env wiring "
                f"(PYO3_BUILD_EXTENSION_MODULE{needs}): `scaffold fix-features "
                "--wiring env` migrates",
                "note",
            )
        )
