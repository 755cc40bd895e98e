"""`scaffold add KIND NAME [PATH]`'s decisions, in memory: the new crate's files, the
membership edit, the dependency edges, and what follows the crate (the `cargo test-lib` alias,
the project's README and CI). The API runs the wiring rules over the result and writes it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.add import crates, workflow
from scaffold.errors import UserError
from scaffold.toml.editor import Editor
from scaffold.toml.textfile import TextFile
from scaffold.workspace.crate import Crate
from scaffold.workspace.model import Workspace

if TYPE_CHECKING:
    from tomlkit import TOMLDocument

KINDS = {
    "core": "a pure-Rust library crate (no pyo3) the extension and profiler depend on",
    "cli": "a command-line binary with no Python (over the core crate, else the extension's rlib)",
    "bench": "benchmarks of the core crate with divan (`cargo bench -p NAME`)",
    "extension": "a second extension module: its own cdylib crate, module and pyproject.toml",
}


@dataclass
class AddPlan:
    kind: str
    name: str
    directory: Path
    files: dict[Path, TextFile] = field(default_factory=dict)  # new files and edited ones
    notes: list[str] = field(default_factory=list)


def plan(ws: Workspace, kind: str, name: str, location: Path | None) -> AddPlan:
    """Everything `add` writes, checked before anything is: kind, name, place."""
    from scaffold.profiler.plan import add_member, package_names
    from scaffold.workspace.names import validate_crate_name

    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}", f"pass one of: {', '.join(KINDS)}")
    validate_crate_name(name)
    if name in package_names(ws):
        raise UserError(
            f"{ws.root / 'Cargo.toml'}: a crate named {name!r} exists already in this repository",
            "choose another name",
        )
    extension = main_extension(ws)
    directory = _directory(ws, extension, name, location)
    if directory.exists():
        raise UserError(f"{directory}: already exists", "choose another name or PATH")
    added = AddPlan(kind, name, directory)
    editor = Editor(ws.reader.read)
    root_manifest = editor.document(ws.root_file.path)
    add_member(root_manifest, ws, directory)
    if kind == "extension":
        _leave_default_members(root_manifest, ws, directory)
    core = find_core(ws, extension)
    package = _package(ws, extension, name)
    writer = _Writer(ws, editor, added, package, extension, core)
    getattr(writer, f"add_{kind}")()
    _readme(ws, added)
    added.files = {**editor.changes(), **added.files}
    return added


def find_core(ws: Workspace, extension: Crate | None) -> Crate | None:
    """The pure-Rust library the extension depends on by path (no pyo3 of its own), else
    any member library without pyo3."""
    libraries = [
        c for c in ws.members if not ws.reaches_pyo3(c) and not c.has_binary and c is not extension
    ]
    if extension is not None:
        used = {d.package for d in extension.dependencies if d.path}
        for crate in libraries:
            if crate.name in used:
                return crate
    return libraries[0] if libraries else None


class _Writer:
    """One method per kind: the new files (`plan.files`) and edits (`editor`)."""

    def __init__(
        self,
        ws: Workspace,
        editor: Editor,
        plan: AddPlan,
        package: crates.Package,
        extension: Crate | None,
        core: Crate | None,
    ) -> None:
        self.ws, self.editor, self.plan, self.package = ws, editor, plan, package
        self.extension, self.core = extension, core

    def _create(self, relative: str, text: str) -> None:
        path = self.plan.directory / relative
        self.plan.files[path] = TextFile(path, text)

    def _path_to(self, crate: Crate, extra: str = "") -> str:
        relative = os.path.relpath(crate.dir, self.plan.directory).replace(os.sep, "/")
        return f'{crate.name} = {{ path = "{relative}"{extra} }}'

    def _depend(self, crate: Crate, on: str) -> None:
        """Add a path dependency on the new crate to `crate`'s `[dependencies]`."""
        from scaffold.toml import manifest

        document = self.editor.document(crate.path)
        table = manifest.ensure_table(document, ("dependencies",))
        relative = os.path.relpath(self.plan.directory, crate.dir).replace(os.sep, "/")
        manifest.add_key(table, on, manifest.inline({"path": relative}))  # type: ignore[arg-type]

    def add_core(self) -> None:
        name = self.plan.name
        self._create("Cargo.toml", crates.core_manifest(self.package))
        self._create(
            "src/lib.rs", crates.core_lib(name, self.extension.name if self.extension else None)
        )
        if self.extension is not None:
            self._depend(self.extension, name)
            from scaffold.profiler.plan import existing_profilers

            for profiler in existing_profilers(self.ws, self.extension):
                self._depend(profiler, name)
        _test_lib_alias(self.ws, self.editor, self.plan)
        self.plan.notes.append(
            f"moving code into `{name}`: take the functions without Python types out of the "
            "extension, make them `pub` here, and call them from the `#[pyfunction]` wrappers"
        )

    def add_cli(self) -> None:
        name = self.plan.name
        if self.core is not None:
            dependency = self._path_to(self.core)
            library, starter = self.core, _has_starter(self.core)
        elif self.extension is not None:
            dependency = self._path_to(self.extension, ", default-features = false")
            library, starter = self.extension, False
            self.plan.notes.append(
                f"`{name}` depends on the extension `{self.extension.name}` with "
                "`default-features = false`: pyo3 comes with it and links libpython "
                "(the linker drops it when the binary calls no Python); move the code it "
                "needs into a core crate (`scaffold add core NAME`) to leave Python out"
            )
        else:
            raise UserError(
                f"{self.ws.root / 'Cargo.toml'}: no library crate for the CLI to use",
                "add one first: scaffold add core NAME",
            )
        self._create("Cargo.toml", crates.cli_manifest(self.package, [dependency]))
        self._create("src/main.rs", crates.cli_main(name, library.lib_name, starter))
        _ci_step(self.ws, self.plan, f"Run {name}", f"cargo run -p {name}")

    def add_bench(self) -> None:
        name = self.plan.name
        if self.core is None:
            raise UserError(
                f"{self.ws.root / 'Cargo.toml'}: no pure-Rust core crate to benchmark",
                "add one first: scaffold add core NAME (the extension's Python-side timings "
                "stay with the profiler)",
            )
        bench = name.replace("-", "_")
        manifest = crates.bench_manifest(self.package, self._path_to(self.core), bench)
        self._create("Cargo.toml", manifest)
        self._create("src/lib.rs", crates.bench_lib(name, self.core.name))
        self._create(
            f"benches/{bench}.rs", crates.bench_source(self.core.lib_name, _has_starter(self.core))
        )
        _ci_step(
            self.ws,
            self.plan,
            f"Benchmarks of {name}, each run once",
            f"cargo bench -p {name} -- --test",
        )

    def add_extension(self) -> None:
        from scaffold.workspace.names import module_name, validate_module_name
        from scaffold.workspace.wiring import FEATURE

        name, first = self.plan.name, self.extension
        module = validate_module_name(module_name(name))
        if module in sys.stdlib_module_names:
            raise UserError(
                f"{name!r} names the standard library module {module!r}: the extension could "
                "not be imported under it",
                "choose another name",
            )
        project = self.ws.project_for(first) if first is not None else None
        if first is None or project is None or project.backend is None:
            raise UserError(
                f"{self.ws.root / 'Cargo.toml'}: no extension crate built by maturin or "
                "setuptools-rust to copy the wiring from",
                "run scaffold add extension in a PyO3 project",
            )
        wiring = _wiring(self.ws, first)
        dependencies = [_pyo3_spec(self.ws, first)]
        if self.core is not None:
            dependencies.append(self._path_to(self.core))
        build = project.data.get("build-system", {})
        self._create(
            "Cargo.toml",
            crates.extension_manifest(self.package, module, wiring == FEATURE, dependencies),
        )
        self._create(
            "src/lib.rs",
            crates.extension_lib(module, self.core.lib_name if self.core else None),
        )
        self._create(
            "pyproject.toml",
            crates.extension_pyproject(
                name=name,
                module=module,
                backend=project.backend,
                requires=[str(r) for r in build.get("requires", [])],
                build_backend=str(build.get("build-backend", "setuptools.build_meta")),
                requires_python=project.data.get("project", {}).get("requires-python"),
                wiring=wiring,
                cibuildwheel=_cibuildwheel_tables(project.pyproject),
            ),
        )
        self._create(f"tests/test_{module}.py", crates.extension_test(module))
        _test_lib_alias(self.ws, self.editor, self.plan)
        _ci_wheels(self.ws, self.plan, first, project.backend)


def main_extension(ws: Workspace) -> Crate | None:
    extensions = [e.crate for e in ws.extensions()]
    if extensions:
        return extensions[0]
    candidates = [c for c in ws.members if ws.pyo3_dependencies(c)]
    return candidates[0] if candidates else None


def _directory(ws: Workspace, extension: Crate | None, name: str, location: Path | None) -> Path:
    root = ws.root.resolve()
    if location is not None:
        directory = (location if location.is_absolute() else Path.cwd() / location).resolve()
        if root not in directory.parents:
            raise UserError(
                f"{directory}: --dest must be inside the workspace {root}",
                "pass a folder below the workspace root, e.g. crates/NAME",
            )
        return directory
    if extension is None or extension.dir.resolve() == root:
        return root / name
    return extension.dir.resolve().parent / name


def _package(ws: Workspace, extension: Crate | None, name: str) -> crates.Package:
    shared = ws.manifest.get("package", {})
    return crates.Package(
        name=name,
        shared=tuple(k for k in crates.INHERITED if k in shared),
        edition=extension.edition if extension is not None else "2021",
        workspace_lints="lints" in ws.manifest,
    )


def _leave_default_members(document: TOMLDocument, ws: Workspace, directory: Path) -> None:
    """A second extension stays out of `default-members`, like the first: its
    `extension-module` would be unified into the binaries a plain `cargo build` builds."""
    from scaffold.toml import manifest

    table = document.get("workspace")
    if table is not None and "default-members" in table:
        relative = directory.relative_to(ws.root.resolve()).as_posix()
        manifest.remove_from_array(table, "default-members", relative)


def _cibuildwheel_tables(pyproject: TextFile | None) -> str:
    """The `[tool.cibuildwheel*]` tables of a pyproject.toml as text, the tests run from the
    package's folder (`{package}`, cibuildwheel's placeholder for `package-dir`)."""
    lines, inside = [], False
    for line in (pyproject.text if pyproject is not None else "").splitlines(keepends=True):
        if line.startswith("["):
            inside = line.startswith("[tool.cibuildwheel")
        if inside:
            lines.append(line)
    return "".join(lines).replace("{project}/tests", "{package}/tests")


def _has_starter(crate: Crate) -> bool:
    from scaffold.workspace import rust_source

    return any(
        f"pub fn {crates.STARTER}(" in rust_source.code(crate.reader.text(s) or "", strings=False)
        for s in crate.rust_sources()
    )


def _wiring(ws: Workspace, crate: Crate) -> str:
    from scaffold.workspace.wiring import FEATURE, mode

    ext = next((e for e in ws.extensions() if e.crate is crate), None)
    return mode(ws, ext) if ext is not None else FEATURE


def _pyo3_spec(ws: Workspace, extension: Crate) -> str:
    """The first extension's pyo3 requirement, from the workspace when it inherits it."""
    pyo3 = ws.pyo3_dependencies(extension)[0]
    if pyo3.inherits_workspace and pyo3.key == "pyo3":
        return "pyo3 = { workspace = true }"
    spec = extension.effective(pyo3)
    version = spec.version or "*"
    features = [f for f in spec.features if f != "extension-module"]
    listed = ", ".join(f'"{f}"' for f in features)
    return (
        f'pyo3 = {{ version = "{version}"' + (f", features = [{listed}]" if listed else "") + " }"
    )


def _test_lib_alias(ws: Workspace, editor: Editor, plan: AddPlan) -> None:
    """`cargo test-lib` (.cargo/config.toml, `scaffold new`) tests the new library too."""
    config = ws.root / ".cargo" / "config.toml"
    if not ws.reader.is_file(config):
        plan.notes.append(f"test its Rust code with `cargo test -p {plan.name}`")
        return
    document = editor.document(config)
    alias = document.get("alias", {})
    command = alias.get("test-lib")
    if not isinstance(command, str) or not command.startswith("test "):
        return
    words = command.split()
    last = max((i for i, w in enumerate(words) if w == "-p"), default=0)
    at = last + 2 if last else 1
    alias["test-lib"] = " ".join([*words[:at], "-p", plan.name, *words[at:]])


def _workflow(ws: Workspace, plan: AddPlan) -> tuple[Path, str | None]:
    """The project's CI workflow and its text as planned so far (None: there is none)."""
    path = ws.root / ".github" / "workflows" / "CI.yml"
    current = plan.files.get(path)
    if current is not None:
        return path, current.text
    return path, ws.reader.text(path) if ws.reader.is_file(path) else None


def _ci_step(ws: Workspace, plan: AddPlan, title: str, command: str) -> None:
    """A step after `cargo test-lib` in the project's CI workflow (as `scaffold new` writes
    it); otherwise a note with the command."""
    path, text = _workflow(ws, plan)
    grown = workflow.step_after_test_lib(text, title, command) if text is not None else None
    if grown is None:
        plan.notes.append(f"CI: add a step running `{command}`")
        return
    plan.files[path] = TextFile(path, grown)


def _ci_wheels(ws: Workspace, plan: AddPlan, first: Crate, backend: str) -> None:
    """The wheel jobs of the project's CI build, test and release the new extension's wheels
    too (`add.workflow`); otherwise a note saying what to add."""
    root = ws.root.resolve()
    where = plan.directory.relative_to(root).as_posix()
    added = workflow.WheelPackage(plan.name, where, f"{where}/Cargo.toml")
    project = ws.project_for(first)
    path, text = _workflow(ws, plan)
    grown = None
    if text is not None and project is not None:
        directory, manifest = _below(root, project.dir), _below(root, first.path)
        if backend != "maturin":
            grown = workflow.cibuildwheel_wheels(text, added)
        elif directory is not None and manifest is not None:  # else not the generated CI
            name = str(project.data.get("project", {}).get("name", first.name))
            first_package = workflow.WheelPackage(name, directory, manifest)
            grown = workflow.maturin_wheels(text, first_package, added)
    if grown is None:
        how = (
            f"`maturin build -m {where}/Cargo.toml`, an artifact of its own"
            if backend == "maturin"
            else f"cibuildwheel with `package-dir: {where}`"
        )
        plan.notes.append(f"CI: build, test and publish the wheels of `{plan.name}` too ({how})")
        return
    plan.files[path] = TextFile(path, grown)
    if backend != "maturin":
        plan.notes.append(
            f"CI publishes the wheels of `{plan.name}` but no sdist: setuptools packs only the "
            f"files below {where}, none of the workspace's Rust code around it"
        )


def _below(root: Path, path: Path) -> str | None:
    """`path` relative to `root` in POSIX form ("." for the root); None outside it."""
    resolved = path.resolve()
    if resolved == root:
        return "."
    return resolved.relative_to(root).as_posix() if root in resolved.parents else None


def with_profiler(ws: Workspace, plan: AddPlan, profiler: str, files: dict[Path, TextFile]) -> None:
    """A profiler for the new extension (`files`, planned by the API like add-profiler's) joins
    the plan, and the CI's Rust job runs it beside the first one."""
    plan.files.update(files)
    path, text = _workflow(ws, plan)
    grown = workflow.profiler_run(text, profiler) if text is not None else None
    if grown is None:
        plan.notes.append(f"CI: add a step running `cargo run --profile profiling -p {profiler}`")
        return
    plan.files[path] = TextFile(path, grown)


def _readme(ws: Workspace, plan: AddPlan) -> None:
    """A section for the new crate at the end of the project's README.md."""
    readme = ws.root / "README.md"
    if not ws.reader.is_file(readme):
        return
    original = ws.reader.read(readme)
    where = ws.relative(plan.directory)
    section = crates.readme_section(plan.kind, plan.name, where, "")
    text = original.text if original.text.endswith("\n") else original.text + "\n"
    plan.files[readme] = TextFile(readme, text + section, original.bom, original.crlf)
