"""The upgrade's text edits outside the manifests: setup.cfg's `py_limited_api` with the abi3
floor, the profiler's hand-written rpath replaced by PyO3's helper in build scripts, renamed
PyO3 APIs in Rust sources (unsafe). Files are read through the workspace's Reader."""

from __future__ import annotations

import re

from scaffold import facts
from scaffold.upgrade import sources
from scaffold.upgrade.model import Plan, Step
from scaffold.workspace.rust_source import code

_LIMITED_API = re.compile(r"(?m)^(\s*py_limited_api\s*=\s*cp3)(\d+)(\s*)$")
# The rpath a build script wrote by hand before pyo3_build_config had a helper (the templates'
# and PW103's fallback), with the comment line that explains it: everywhere, or (the templates
# since issue 26) on Unix only, as the helper does.
_COMMENT = r"(?m)^(?P<indent>[ \t]*)(?://[^\n]*add_libpython_rpath_link_args[^\n]*\n[ \t]*)?"
_PRINT = r"[ \t]*println!\(\"cargo:rustc-link-arg=-Wl,-rpath,\{(?P=var)\}\"\);\n[ \t]*\}\n"
_RPATH_BY_HAND = (
    re.compile(
        _COMMENT
        + r"if let Some\((?P<var>\w+)\) = &?pyo3_build_config::get\(\)\.lib_dir \{\n"
        + _PRINT
    ),
    re.compile(
        _COMMENT
        + r"let (?P<unix>\w+) = std::env::var\(\"CARGO_CFG_TARGET_FAMILY\"\)[^\n]*== \"unix\"\);\n"
        r"[ \t]*if let \(true, Some\((?P<var>\w+)\)\) = "
        r"\((?P=unix), &?pyo3_build_config::get\(\)\.lib_dir\) \{\n" + _PRINT
    ),
)


def limited_api(plan: Plan) -> None:
    """With abi3 features (now at least the new floor), setup.cfg's `py_limited_api` follows:
    the wheel tag must not claim older Pythons."""
    floor = facts.abi3_floor(plan.new)
    if not plan.uses_abi3 or floor is None:
        return
    for project in plan.workspace.projects:
        setup_cfg = project.dir / "setup.cfg"
        if not plan.workspace.reader.is_file(setup_cfg):
            continue
        file = plan.workspace.reader.read(setup_cfg)
        match = _LIMITED_API.search(file.text)
        if match and int(match.group(2)) < floor[1]:
            text = _LIMITED_API.sub(lambda m: f"{m.group(1)}{floor[1]}{m.group(3)}", file.text)
            plan.text_change(file, text)
            line = file.text[: match.start()].count("\n") + 1
            plan.steps.append(
                Step(
                    f"{plan.relative(setup_cfg)}:{line}",
                    f"py_limited_api cp3{match.group(2)} -> cp3{floor[1]}",
                )
            )


def build_scripts(plan: Plan) -> None:
    ws = plan.workspace
    for crate in ws.members:
        script = crate.build_script
        if script is None:
            continue
        file = plan.current(script)
        where = plan.relative(script)
        by_hand = [p for p in _RPATH_BY_HAND if p.search(file.text)]
        if facts.has_rpath_helper(plan.new) and by_hand:
            text = file.text
            for pattern in by_hand:
                text = pattern.sub(
                    lambda m: (
                        f"{m.group('indent')}pyo3_build_config::add_libpython_rpath_link_args();\n"
                    ),
                    text,
                )
            plan.text_change(file, text)
            plan.steps.append(
                Step(where, "rpath by hand -> pyo3_build_config::add_libpython_rpath_link_args()")
            )
        direct = any(
            d.kind == "dependencies"
            for package in facts.LINKS_PYTHON
            for d in crate.dependencies_on(package)
        )
        if (
            facts.build_config_needs_direct_dep(plan.new)
            and not direct
            and "pyo3_build_config" in code(file.text)
        ):
            since = facts.format_series(facts.BUILD_CONFIG_NEEDS_DIRECT_DEP_SINCE)
            plan.steps.append(
                Step(
                    where,
                    f"build script uses pyo3_build_config: from PyO3 "
                    f"{since} `{crate.name}` needs pyo3 or pyo3-ffi in "
                    "[dependencies]",
                    "manual",
                )
            )


def rust_sources(plan: Plan) -> None:
    changes = facts.api_changes(plan.new)
    if not changes:
        return
    ws = plan.workspace
    for path in sources.rust_files([c.dir for c in ws.members]):
        file = plan.current(path)
        uses = sources.scan(path, file.text, changes)
        for use in uses:
            change = use.change
            removed_in = (
                change.removed
                if change.removed is not None and change.removed <= plan.new
                else None
            )
            removed = removed_in is not None
            status = (
                f"removed in PyO3 {facts.format_series(removed_in)}"
                if removed_in
                else f"deprecated since PyO3 {facts.format_series(change.deprecated)}"
            )
            where = f"{plan.relative(path)}:{use.line}:{use.col}"
            if change.replacement is None:
                plan.steps.append(Step(where, f"{change.what} ({status}); by hand", "manual"))
                plan.blocking += removed
            elif plan.unsafe:
                plan.steps.append(Step(where, f"{change.what} ({status}) [unsafe fix, renamed]"))
            else:
                plan.steps.append(
                    Step(where, f"{change.what} ({status}); --unsafe-fixes renames it", "unsafe")
                )
                plan.blocking += removed
        if plan.unsafe and uses:
            text = sources.rename(file.text, changes)
            if text != file.text:
                plan.text_change(file, text)
