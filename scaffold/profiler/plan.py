"""`add-profiler`'s decisions: which crate, which name and place, which pyo3 spec, which
manifest edits. Everything here is in memory; the command renders and writes.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, MutableSequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.errors import ManifestError, UserError
from scaffold.profiler.answers import template_answers
from scaffold.workspace import rust_source
from scaffold.workspace.crate import Crate
from scaffold.workspace.model import Workspace
from scaffold.workspace.versions import format_series, parse, series

if TYPE_CHECKING:
    from tomlkit import TOMLDocument


@dataclass(frozen=True)
class ProfilerPlan:
    library: Crate
    name: str
    directory: Path  # the profiler crate's directory
    module_name: str
    pyo3_version: str
    pyo3_from_workspace: bool
    library_features: tuple[str, ...]  # the wheel build's features, minus extension-module
    workspace_package: bool
    edition: str
    pyo3_series: tuple[int, int]
    wiring: str  # "feature" or "env", as fix-features sees the library

    def answers(self) -> dict[str, object]:
        """The profiler template's answers for this plan."""
        return template_answers(
            library_crate=self.library.name,
            library_ident=self.library.lib_name,
            module_name=self.module_name,
            profiler_crate=self.name,
            library_path=os.path.relpath(self.library.dir, self.directory).replace(os.sep, "/"),
            pyo3_version=self.pyo3_version,
            pyo3_series=self.pyo3_series,
            wiring=self.wiring,
            edition=self.edition,
            pyo3_from_workspace=self.pyo3_from_workspace,
            workspace_package=self.workspace_package,
            library_features=self.library_features,
        )


def choose_library(
    ws: Workspace, wanted: str | None, choose: Callable[[str, list[str]], str | None] | None
) -> Crate:
    """The crate to profile: `--crate`, the only candidate, or what `choose` picks (the
    caller asks on a terminal)."""
    candidates = [c for c in ws.members if ws.pyo3_dependencies(c)]
    extensions = [e.crate for e in ws.extensions()]
    names = ", ".join(c.name for c in candidates) or "none"
    if wanted:
        crate = ws.member(wanted)
        if crate is None:
            raise UserError(
                f"{ws.root / 'Cargo.toml'}: no workspace crate named {wanted!r}",
                f"pass --crate with one of: {names}",
            )
        if not ws.pyo3_dependencies(crate):
            raise UserError(
                f"{crate.path}: crate {wanted!r} has no pyo3 dependency",
                f"pass --crate with one of: {names}",
            )
        return crate
    preferred = extensions or candidates
    if not preferred:
        raise UserError(
            f"{ws.root / 'Cargo.toml'}: no crate in this workspace depends on pyo3",
            "run add-profiler in a PyO3 project",
        )
    if len(preferred) == 1:
        return preferred[0]
    if choose is not None:
        picked = choose("Which crate should the profiler time?", [c.name for c in preferred])
        chosen = ws.member(picked) if picked else None
        if chosen is not None:
            return chosen
    raise UserError(
        f"{ws.root / 'Cargo.toml'}: several extension crates "
        f"({', '.join(c.name for c in preferred)})",
        "choose one with --crate NAME",
    )


def plan(ws: Workspace, library: Crate, name: str | None, path: Path | None) -> ProfilerPlan:
    if name is None:
        name = unique_name(ws, library)
    elif name in package_names(ws):
        raise UserError(
            f"{ws.root / 'Cargo.toml'}: a crate named {name!r} exists already in this repository",
            "choose another --name",
        )
    _check_package_name(name)
    if path is not None:
        directory = (path if path.is_absolute() else Path.cwd() / path).resolve()
    elif library.dir.resolve() == ws.root.resolve():
        directory = ws.root.resolve() / name
    else:
        directory = library.dir.resolve().parent / name
    root = ws.root.resolve()
    if root not in directory.parents:
        raise UserError(
            f"{directory}: --dest must be inside the workspace {root}",
            "pass a folder below the workspace root, e.g. --dest crates/NAME",
        )
    pyo3 = ws.pyo3_dependencies(library)[0]
    required = library.effective(pyo3).version
    features = binding_features(ws, library)
    found = ws.pyo3_series(library) or facts.DEFAULT_SERIES
    shared_package = ws.manifest.get("package", {})
    workspace_package = all(
        k in shared_package for k in ("version", "edition", "license", "rust-version")
    )
    return ProfilerPlan(
        library=library,
        name=name,
        directory=directory,
        module_name=_module_name(ws, library, features),
        pyo3_version=pyo3_requirement(ws, required, found),
        library_features=features,
        pyo3_from_workspace=pyo3.inherits_workspace and pyo3.key == "pyo3",
        workspace_package=workspace_package,
        # the edition the profiler crate gets: the shared one it inherits, or the library's
        edition=str(shared_package["edition"]) if workspace_package else library.edition,
        pyo3_series=found,
        wiring=_wiring(ws, library),
    )


def existing_profilers(ws: Workspace, library: Crate) -> list[Crate]:
    """Members that already profile `library`: binaries that depend on it (so PW103 gives them
    an rpath build script) and use Python themselves (pyo3 among their own dependencies, or
    `Python::` / `pyo3::` in their sources), not command-line tools that use its Rust API."""
    return [
        member
        for member, _ in ws.dependents(library)
        if member.has_binary and ws.uses_python(member)
    ]


def standalone_crates(ws: Workspace) -> list[Path]:
    """Directories below the root holding a package that is not a member and not a workspace
    of its own: today cargo treats each as its own root; once the root has `[workspace]`,
    cargo refuses them ("believes it's in a workspace when it's not") unless excluded."""
    root = ws.root.resolve()
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d != "target")
        if here == root or "Cargo.toml" not in files or ws.member_at(here / "Cargo.toml"):
            continue
        try:
            data = ws.reader.read(here / "Cargo.toml").parse()
        except ManifestError:
            continue
        package = data.get("package")
        if "workspace" in data:
            subdirs[:] = []  # its own workspace: cargo stops there, for it and below
        elif isinstance(package, dict) and "workspace" not in package:
            found.append(here)
            subdirs[:] = []  # excluding it covers everything below
    return found


def package_names(ws: Workspace) -> set[str]:
    """Package names of the members and of the standalone crates below the root."""
    names = {c.name for c in ws.members}
    for directory in standalone_crates(ws):
        try:
            package = ws.reader.read(directory / "Cargo.toml").parse()
            names.add(package["package"]["name"])
        except (ManifestError, KeyError, TypeError):
            continue
    return names


def unique_name(ws: Workspace, library: Crate) -> str:
    """`<crate>-profiler`, or `<crate>-profiler-N` when a package below the root has that name."""
    taken = package_names(ws)
    base = f"{library.name}-profiler"
    return next(
        name for name in (base, *(f"{base}-{n}" for n in range(2, 1000))) if name not in taken
    )


def binding_features(ws: Workspace, library: Crate) -> tuple[str, ...]:
    """The library features the backend's wheel build enables (setuptools-rust `features=`,
    maturin `features`), so the profiler gets the bindings too (a `#[pymodule]` behind
    `python = ["pyo3"]`); never one that leads to `extension-module`, nor `dep/feature`."""
    ext = next((e for e in ws.extensions() if e.crate is library), None)
    declared = ext.declared_by.features if ext is not None and ext.declared_by else ()
    return tuple(
        f for f in declared if "/" not in f and not _reaches_extension_module(library, f, set())
    )


def _reaches_extension_module(crate: Crate, feature: str, seen: set[str]) -> bool:
    if feature == "extension-module":
        return True
    seen.add(feature)
    for value in crate.features.get(feature, []):
        if value.split("/", 1)[-1] == "extension-module":
            return True
        if (
            "/" not in value
            and not value.startswith("dep:")
            and value not in seen
            and _reaches_extension_module(crate, value, seen)
        ):
            return True
    return False


def pyo3_requirement(ws: Workspace, required: str | None, found: tuple[int, int]) -> str:
    """The library's pyo3 requirement; for one that names no series (`*`, `>=0.20`), the
    version Cargo.lock resolved, else the series in use."""
    if required and series(required) is not None:
        return required
    locked = sorted(ws.lock_versions.get("pyo3", []), key=parse)
    return locked[-1] if locked else format_series(found)


def add_member(document: TOMLDocument, ws: Workspace, directory: Path) -> None:
    """Make `directory` a member that a plain `cargo build` at the root builds.

    Adds `[workspace]` to a single-crate manifest, or a `members` entry (kept sorted when
    sorted; none when a glob covers it). Where a plain build would not reach the profiler (a
    root package, or `default-members`), it joins `default-members`; the wiring rules then take
    the extension crate out of that list where `extension-module` would be unified.
    """
    from scaffold.toml import manifest

    relative = directory.relative_to(ws.root.resolve()).as_posix()
    if "workspace" not in document:
        from tomlkit import nl

        if not document.as_string().endswith("\n\n"):
            document.add(nl())
        exclude = [d.relative_to(ws.root.resolve()).as_posix() for d in standalone_crates(ws)]
        listed = ", ".join(f'"{e}"' for e in exclude)
        document.append(
            "workspace",
            manifest.snippet(
                f'[workspace]\nmembers = ["{relative}"]\ndefault-members = [".", "{relative}"]\n'
                + (
                    "# packages below that are not members: cargo builds each on its own\n"
                    f"exclude = [{listed}]\n"
                    if exclude
                    else ""
                )
            )["workspace"],
        )
        return
    table = document["workspace"]
    if not _covered(ws, directory):
        if "members" in table:
            _insert(table["members"], relative)
        else:
            manifest.add_key(table, "members", [relative])
    if "default-members" in table:
        _insert(table["default-members"], relative)
    elif not ws.is_virtual:
        manifest.add_key(table, "default-members", [".", relative])


def _insert(array: MutableSequence[object], value: str) -> None:
    """Append `value`, or insert it in order when the array is sorted."""
    values = [str(v) for v in array]
    if values == sorted(values):
        array.insert(bisect.bisect(values, value), value)
    else:
        array.append(value)


def _covered(ws: Workspace, directory: Path) -> bool:
    import fnmatch

    for pattern in ws.manifest.get("members", []):
        if fnmatch.fnmatch(str(directory), str(ws.root.resolve() / pattern)):
            return True
    return False


def _wiring(ws: Workspace, library: Crate) -> str:
    from scaffold.workspace.wiring import FEATURE, mode

    ext = next((e for e in ws.extensions() if e.crate is library), None)
    return mode(ws, ext) if ext is not None else FEATURE


def _module_name(ws: Workspace, library: Crate, features: tuple[str, ...]) -> str:
    """The module name the profiler's build of `library` exports (`PyInit_<name>`): the
    profiler depends on it with `default-features = false` and `features`, so a
    `#[cfg_attr(feature = ..., pyo3(name = ...))]` is read with the library's features in
    that build (the feature model's `cargo build -p LIB --no-default-features --features F`)."""
    modules = rust_source.pymodules(library.rust_sources(), library.reader.text)
    own = _library_features(ws, library, features)
    names = {m.name_with(own) for m in modules}
    if len(names) == 1 and None not in names:
        return str(names.pop())
    plain = {m.name for m in modules}
    return plain.pop() if len(plain) == 1 else library.lib_name


def _library_features(
    ws: Workspace, library: Crate, features: tuple[str, ...]
) -> frozenset[str] | None:
    from scaffold.workspace.features import FeatureError, Scenario, resolve
    from scaffold.workspace.packages import build_graph

    flags = "".join(f" --features {f}" for f in features)
    build = Scenario(
        f"cargo build -p {library.name} --no-default-features{flags}",
        (library.name,),
        features=features,
        no_default_features=True,
    )
    try:
        return resolve(build_graph(ws, lazy=True), build).features_of(library.name)
    except FeatureError:
        return None


def _check_package_name(name: str) -> None:
    from scaffold.workspace.names import validate_crate_name

    validate_crate_name(name)
