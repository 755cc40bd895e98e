"""The Python side of a project: pyproject.toml (maturin, setuptools-rust) and setup.py.

setup.py is read with `ast`, never executed: only literal `RustExtension(...)` arguments count.
Files are read through the workspace's `Reader`, so pending edits count.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import ManifestError
from scaffold.toml.textfile import TextFile
from scaffold.workspace.reader import Reader

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirement_name(requirement: object) -> str | None:
    """The PEP 503 name a `build-system.requires` entry names, as pip compares them
    (`Setuptools_Rust[x]>=1.11` -> `setuptools-rust`); None when it names none."""
    from packaging.utils import canonicalize_name  # only when a requirement is read

    found = _NAME.match(str(requirement))
    return canonicalize_name(found.group(1)) if found else None


def requirement_names(requires: list[object]) -> set[str]:
    """The PEP 503 names in `build-system.requires`."""
    return {name for name in map(requirement_name, requires) if name}


@dataclass(frozen=True)
class RustExtension:
    """An extension module a backend builds: its dotted Python target and its Cargo manifest."""

    target: str | None  # dotted module path, e.g. "pkg._native"; None: the crate's lib name
    manifest: Path
    features: tuple[str, ...] = ()
    source: Path | None = None  # the file that declares it (pyproject.toml or setup.py)
    # maturin `bindings` / setuptools-rust `binding` as declared (None: the backend decides)
    bindings: str | None = None
    # further cargo flags of the build: setuptools-rust `args`; maturin `no-default-features`
    # and `all-features` as the flags they become
    args: tuple[str, ...] = ()

    @property
    def module_name(self) -> str | None:
        return self.target.rsplit(".", 1)[-1] if self.target else None


@dataclass
class PythonProject:
    dir: Path
    pyproject: TextFile | None
    data: dict
    setup_extensions: list[RustExtension] = field(default_factory=list)
    reader: Reader = field(default_factory=Reader, repr=False, compare=False)

    @property
    def backend(self) -> str | None:
        """ "maturin", "setuptools-rust" or None (not a Rust extension project)."""
        build = self.data.get("build-system", {})
        backend = build.get("build-backend", "")
        tool = self.data.get("tool", {})
        if backend.startswith("maturin") or "maturin" in tool:
            return "maturin"
        # `[[tool.setuptools-rust.ext-modules]]` with `requires` and no `build-backend`
        # (setuptools' legacy backend) is a setuptools-rust project too.
        if "setuptools-rust" in tool or self.setup_extensions:
            return "setuptools-rust"
        if "setuptools-rust" in requirement_names(build.get("requires", [])):
            return "setuptools-rust"
        return None

    @property
    def maturin(self) -> dict:
        return self.data.get("tool", {}).get("maturin", {})

    @property
    def maturin_manifest(self) -> Path:
        """The Cargo.toml maturin builds: `manifest-path`, else `Cargo.toml` beside
        pyproject.toml, else `rust/Cargo.toml` (maturin's "Python first src-layout",
        src/project_layout.rs `resolve_manifest_paths`)."""
        declared = self.maturin.get("manifest-path")
        if isinstance(declared, str):
            return self.dir / declared
        beside, src_layout = self.dir / "Cargo.toml", self.dir / "rust" / "Cargo.toml"
        return (
            src_layout
            if not self.reader.is_file(beside) and self.reader.is_file(src_layout)
            else beside
        )

    @property
    def scaffold_settings(self) -> dict:
        return self.data.get("tool", {}).get("pyo3-scaffold", {})

    @property
    def build_requires(self) -> list[str]:
        return list(self.data.get("build-system", {}).get("requires", []))

    @property
    def requires_python(self) -> str | None:
        return self.data.get("project", {}).get("requires-python")

    def extensions(self) -> list[RustExtension]:
        """The Rust extensions this project builds, with manifests resolved to paths."""
        source = self.pyproject.path if self.pyproject else None
        if self.backend == "maturin":
            features = tuple(self.maturin.get("features", []))
            bindings = self.maturin.get("bindings")
            flags = tuple(
                f"--{key}"
                for key in ("no-default-features", "all-features")
                if self.maturin.get(key) is True
            )
            return [
                RustExtension(
                    self.maturin.get("module-name"),
                    self.maturin_manifest,
                    features,
                    source,
                    bindings if isinstance(bindings, str) else None,
                    flags,
                )
            ]
        found = []
        for ext in self.data.get("tool", {}).get("setuptools-rust", {}).get("ext-modules", []):
            if isinstance(ext, dict):
                binding = ext.get("binding")
                found.append(
                    RustExtension(
                        ext.get("target"),
                        self.dir / ext.get("path", "Cargo.toml"),
                        tuple(ext.get("features", [])),
                        source,
                        binding if isinstance(binding, str) else None,
                        _strings(ext.get("args")),
                    )
                )
        return found + self.setup_extensions


def load_python_project(directory: Path, reader: Reader) -> PythonProject | None:
    """The project in `directory`, or None when it has neither pyproject.toml nor setup.py."""
    pyproject_path = directory / "pyproject.toml"
    setup_path = directory / "setup.py"
    pyproject = reader.read(pyproject_path) if reader.is_file(pyproject_path) else None
    has_setup = reader.is_file(setup_path)
    if pyproject is None and not has_setup:
        return None
    data = pyproject.parse() if pyproject else {}
    setup_extensions = _setup_py_extensions(setup_path, reader) if has_setup else []
    return PythonProject(directory, pyproject, data, setup_extensions, reader)


def _setup_py_extensions(path: Path, reader: Reader) -> list[RustExtension]:
    try:
        tree = ast.parse(reader.data(path), filename=str(path))
    except (SyntaxError, ValueError) as error:
        raise ManifestError(
            path,
            f"cannot be parsed as Python ({error.__class__.__name__})",
            line=getattr(error, "lineno", 0) or 0,
        ) from None
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) == "RustExtension":
            args = [_literal(a) for a in node.args]
            kwargs = {k.arg: _literal(k.value) for k in node.keywords if k.arg}
            target = kwargs.get("target", args[0] if args else None)
            manifest = kwargs.get("path", args[1] if len(args) > 1 else "Cargo.toml")
            features = kwargs.get("features") or ()
            binding = next(
                (_binding_name(k.value) for k in node.keywords if k.arg == "binding"), None
            )
            if isinstance(target, dict):  # RustExtension({"mod": "crate"}) maps targets
                target = next(iter(target), None)
            if isinstance(manifest, str) and (target is None or isinstance(target, str)):
                found.append(
                    RustExtension(
                        target,
                        path.parent / manifest,
                        tuple(f for f in features if isinstance(f, str)),
                        path,
                        binding,
                        _strings(kwargs.get("args")),
                    )
                )
    return found


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list | tuple) else ()


def _binding_name(node: ast.AST) -> str | None:
    """`Binding.Exec` -> "Exec"; a string literal as written; anything else None."""
    if isinstance(node, ast.Attribute):
        return node.attr
    value = _literal(node)
    return value if isinstance(value, str) else None


def _callee(node: ast.Call) -> str | None:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _literal(node: ast.AST) -> Any:  # whatever literal the source holds
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
