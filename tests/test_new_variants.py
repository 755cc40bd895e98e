"""`scaffold new` options (issue 9), rendered without building: every combination of backend,
wiring, layout, abi3, profiler and the oldest / newest PyO3, each TOML file parsed with tomllib
and the facts that make it build checked. The real builds are in tests/e2e/test_variants.py."""

from __future__ import annotations

import argparse
import configparser
import itertools
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from scaffold.commands import new
from scaffold.render import project as new_project
from tests.conftest import read_tree, run_cli

# Every action the generated workflows may use (tests/e2e/test_new.py checks them too).
KNOWN_ACTIONS = {
    "actions/checkout@v6",
    "actions/setup-python@v6",
    "PyO3/maturin-action@v1",
    "dtolnay/rust-toolchain@stable",
    "actions/upload-artifact@v6",
    "actions/download-artifact@v7",
    "actions/attest@v4",
    "astral-sh/setup-uv@v7",
    f"pypa/cibuildwheel@v{new_project.CIBUILDWHEEL}",
    "docker/setup-qemu-action@v3",
}
NAME, MODULE = "var-lib", "var_lib"

COMBOS = [
    (backend, wiring, layout, abi3, profiler, pyo3)
    for backend, wiring, layout, abi3, profiler, pyo3 in itertools.product(
        new_project.BACKENDS,
        new_project.WIRINGS,
        new_project.LAYOUTS,
        ["", "3.9"],
        [True, False],
        ["0.24", "0.30"],
    )
    if not (wiring == "env" and pyo3 == "0.24")
]


def _id(combo) -> str:
    backend, wiring, layout, abi3, profiler, pyo3 = combo
    return "-".join(
        [
            backend,
            wiring,
            layout,
            f"abi3{abi3}" if abi3 else "noabi3",
            "prof" if profiler else "noprof",
            pyo3,
        ]
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple, Path]:
    """Every combination rendered once, by the command itself."""
    root = tmp_path_factory.mktemp("variants")
    out = {}
    for combo in COMBOS:
        backend, wiring, layout, abi3, profiler, pyo3 = combo
        dest = root / _id(combo)
        args = [
            "new",
            NAME,
            dest,
            "--backend",
            backend,
            "--wiring",
            wiring,
            "--layout",
            layout,
            "--pyo3",
            pyo3,
            "--no-git",
            "--yes",
        ]
        args += ["--abi3", abi3] if abi3 else []
        args += [] if profiler else ["--no-profiler"]
        result = run_cli(*args)
        assert result.exit_code == 0, (combo, result.stderr)
        out[combo] = dest
    return out


def pymodule_name(lib_rs: str) -> str:
    (name,) = re.findall(r"#\[pyo3::pymodule(?:\([^)]*\))?\]\s*mod (\w+)", lib_rs)
    return name


def floor(requires: list[str], name: str) -> Version | None:
    for text in requires:
        req = Requirement(text)
        if req.name == name:
            lows = [Version(s.version) for s in req.specifier if s.operator in (">=", "==")]
            return max(lows) if lows else None
    return None


@pytest.mark.parametrize("combo", COMBOS, ids=_id)
def test_variant(combo, rendered):
    backend, wiring, layout, abi3, profiler, pyo3 = combo
    project = rendered[combo]
    texts = {path: data.decode() for path, data in read_tree(project).items()}

    # Everything rendered: no Jinja left, every TOML file and setup.cfg parse.
    for path, text in texts.items():
        assert "{%" not in text and "{{" not in text.replace("${{", ""), path
    toml = {path: tomllib.loads(text) for path, text in texts.items() if path.endswith(".toml")}
    expected = {
        "Cargo.toml",
        ".cargo/config.toml",
        "pyproject.toml",
        f"crates/{NAME}/Cargo.toml",
    } | ({f"crates/{NAME}-profiler/Cargo.toml"} if profiler else set())
    assert set(toml) == expected
    workflow = yaml.safe_load(texts[".github/workflows/CI.yml"])
    used = {s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s}
    assert used <= KNOWN_ACTIONS, used - KNOWN_ACTIONS
    check_release_workflow(workflow, backend, wiring, profiler)

    # Project files: the default license's text, metadata, the test dependency group.
    assert texts["LICENSE"].startswith("MIT License\n\nCopyright (c) the var-lib authors\n")
    assert not any(p.startswith("LICENSE-") for p in texts)
    pyproject = toml["pyproject.toml"]
    assert pyproject["project"]["readme"] == "README.md"
    assert pyproject["project"]["description"] and "optional-dependencies" not in pyproject
    stubbed = layout == "mixed" or backend == "maturin"  # a typed package ships a stub
    assert pyproject["dependency-groups"] == {
        "test": ["pytest>=8", "mypy>=1.10"] if stubbed else ["pytest>=8"]
    }
    # uv rebuilds when a Rust source or manifest changes (issue 26; uv init's keys).
    keys = {key["file"] for key in pyproject["tool"]["uv"]["cache-keys"]}
    assert {"pyproject.toml", "Cargo.toml", "Cargo.lock", "crates/**/*.rs"} <= keys
    assert "crates/**/Cargo.toml" in keys
    assert (
        "\n## Release\n" in texts["README.md"] and "pip install --group test" in texts["README.md"]
    )
    assert "gil_used = false" in texts[f"crates/{NAME}/src/lib.rs"]

    # A fresh project is clean for the linter, in every combination.
    check = run_cli("fix-features", "--check", project)
    assert (check.exit_code, check.stdout) == (0, ""), check.stdout + check.stderr

    workspace = toml["Cargo.toml"]["workspace"]
    lib = toml[f"crates/{NAME}/Cargo.toml"]
    pyproject = toml["pyproject.toml"]
    lib_rs = texts[f"crates/{NAME}/src/lib.rs"]
    assert workspace["dependencies"]["pyo3"] == pyo3
    assert lib["lib"] == {"name": MODULE, "crate-type": ["rlib", "cdylib"]}
    assert pymodule_name(lib_rs) == MODULE
    minor = int(pyo3.split(".")[1])
    assert ("py.detach(" in lib_rs) == (minor >= 26)
    assert ("py.allow_threads(" in lib_rs) == (minor < 26)

    # Wiring.
    requires = pyproject["build-system"]["requires"]
    assert pyproject["tool"]["pyo3-scaffold"] == {"wiring": wiring}
    if wiring == "env":
        offenders = [path for path, text in texts.items() if "extension-module" in text]
        assert offenders == []
        assert "features" not in lib and "default-members" not in workspace
        assert (floor(requires, "maturin") or Version("0")) >= Version("1.9.4") or (
            floor(requires, "setuptools-rust") or Version("0")
        ) >= Version("1.12")
    else:
        assert lib["features"] == {
            "default": ["extension-module"],
            "extension-module": ["pyo3/extension-module"],
        }
        if profiler:
            assert workspace["default-members"] == [f"crates/{NAME}-profiler"]
        else:
            assert "default-members" not in workspace
    if profiler:
        dependent = toml[f"crates/{NAME}-profiler/Cargo.toml"]["dependencies"][NAME]
        assert dependent == {"path": f"../{NAME}", "default-features": False}
        main_rs = texts[f"crates/{NAME}-profiler/src/main.rs"]
        assert ("Python::with_gil(f)" in main_rs) == (minor < 26)
        build_rs = texts[f"crates/{NAME}-profiler/build.rs"]
        assert ("add_libpython_rpath_link_args();" in build_rs) == (minor >= 28)
        assert "add_python_framework_link_args();" in build_rs  # macOS framework Pythons
        assert "CARGO_CFG_TARGET_FAMILY" in build_rs or minor >= 28  # no -rpath on Windows
        # Windows: the DLL beside the binary, Python's home named before the interpreter
        # starts (run on Linux in tests/e2e/test_profiler_windows_dll.py).
        assert 'is_ok_and(|os| os == "windows")' in build_rs and "place_python_dll(" in build_rs
        assert ("config.lib_name()" in build_rs) == (minor >= 29)  # getters, else fields
        assert "#[cfg(windows)]\n    set_python_home();" in main_rs

    # abi3 and requires-python.
    lowest = SpecifierSet(pyproject["project"]["requires-python"])
    pyo3_dep = lib["dependencies"]["pyo3"]
    if abi3:
        assert pyo3_dep == {"workspace": True, "features": ["abi3-py39"]}
        assert "3.9" in lowest and "3.8" not in lowest
        assert "Programming Language :: Python :: 3.9" in pyproject["project"]["classifiers"]
    else:
        assert pyo3_dep == {"workspace": True}
        assert "3.10" in lowest and "3.9" not in lowest
    assert not any("abi3" in str(v) for v in workspace["dependencies"].values())

    # Layout.
    native = f"{MODULE}.{MODULE}" if layout == "mixed" else MODULE
    assert native.split(".")[-1] == pymodule_name(lib_rs) == lib["lib"]["name"]
    assert (project / "python").exists() == (layout == "mixed")
    # maturin ships a root NAME.pyi of a pure-Rust layout as the package's stub
    assert (project / f"{MODULE}.pyi").is_file() == (layout == "rust" and backend == "maturin")
    assert not any(p.name.startswith("~") for p in project.rglob("*"))  # template partials
    if layout == "mixed":
        assert (project / f"python/{MODULE}/__init__.py").is_file()
        assert f"from .{MODULE} import" in texts[f"python/{MODULE}/__init__.py"]
    tests_py = texts[f"tests/test_{MODULE}.py"]
    assert f"import {MODULE}" in tests_py
    assert "_is_an_overflow_error" in tests_py and "is_a_type_error" not in tests_py
    assert ("mypy.stubtest" in tests_py) == stubbed
    stubs = [text for path, text in texts.items() if path.endswith(".pyi")]
    assert len(stubs) == int(stubbed)
    for stub in stubs:  # the native module's `__all__`, which PyO3 sets, in the stub too
        assert '__all__ = ["count_primes", "is_prime"]' in stub
    if layout == "mixed":
        assert '__all__ = ["count_primes", "is_prime"]' in texts[f"python/{MODULE}/__init__.py"]
    # The generated README names the project's own tools (issue 26).
    readme = texts["README.md"]
    for command in ("scaffold fix-features", "scaffold update", "scaffold upgrade", "pre-commit"):
        assert command in readme, command
    assert "uv run pytest" in readme and "cache-keys" in readme
    if profiler:
        assert "scaffold profile" in readme and "cargo profile" in readme
    if backend == "setuptools-rust":  # no maturin wording in that variant's files
        for path, text in texts.items():
            if path not in ("README.md", ".github/workflows/CI.yml") and path.endswith(
                (".toml", ".rs", ".in", ".cfg")
            ):
                assert "maturin" not in text and "module-name" not in text, path

    # Backend.
    manifest = f"crates/{NAME}/Cargo.toml"
    if backend == "maturin":
        assert pyproject["build-system"]["build-backend"] == "maturin"
        assert floor(requires, "maturin") >= Version("1.9.4")
        maturin = pyproject["tool"]["maturin"]
        assert maturin["manifest-path"] == manifest and maturin["module-name"] == native
        assert maturin.get("python-source") == ("python" if layout == "mixed" else None)
        assert "setuptools-rust" not in pyproject["tool"]
        assert not (project / "MANIFEST.in").exists() and not (project / "setup.cfg").exists()
        assert pyproject["project"]["dynamic"] == ["version"]
    else:
        assert pyproject["build-system"]["build-backend"] == "setuptools.build_meta"
        assert floor(requires, "setuptools") is not None
        assert floor(requires, "setuptools-rust") >= Version("1.12")
        assert "maturin" not in pyproject["tool"]
        (ext,) = pyproject["tool"]["setuptools-rust"]["ext-modules"]
        assert ext == {"target": native, "path": manifest, "binding": "PyO3"}
        assert (project / ext["path"]).is_file()
        setuptools = pyproject["tool"]["setuptools"]
        if layout == "mixed":
            assert setuptools["packages"] == [MODULE]
            assert setuptools["package-dir"] == {"": "python"}
            assert (project / "python" / MODULE).is_dir()
            assert set(pyproject["tool"]["setuptools"]["package-data"][MODULE]) == {
                "py.typed",
                "*.pyi",
            }
        else:  # the module alone, named so the editable install maps it
            assert setuptools["packages"] == [] and setuptools["py-modules"] == [MODULE]
        assert pyproject["project"]["version"] == "0.1.0"
        manifest_in = texts["MANIFEST.in"].splitlines()
        assert "include Cargo.*" in manifest_in
        assert "recursive-include crates *.rs Cargo.toml" in manifest_in
        cfg = configparser.ConfigParser()
        if abi3:
            cfg.read_string(texts["setup.cfg"])
            assert cfg["bdist_wheel"]["py_limited_api"] == "cp39"
        else:
            assert "setup.cfg" not in texts

    alias = toml[".cargo/config.toml"]["alias"]["test-lib"]
    assert alias.startswith(f"test -p {NAME}")
    assert ("--no-default-features" in alias) == (wiring == "feature")


def _machine_paths() -> set[str]:
    """This machine's home, interpreter prefixes, site-packages and the installed package."""
    import site
    import sys
    import sysconfig

    import scaffold
    from scaffold.render.copier_render import templates_root

    # templates_root(): in a checkout (an editable install) the templates are not in the package.
    paths = {
        str(Path.home()),
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sysconfig.get_paths()["purelib"],
        str(Path(scaffold.__file__).resolve().parent),
        str(templates_root()),
        str(templates_root().parent),
        *site.getsitepackages(),
    }
    return {p for p in paths if len(p) > 1}


def test_no_generated_file_names_this_machine(rendered):
    """Issue 17: answers files record a stable template reference, not the install path."""
    leaks = _machine_paths() | {"site-packages"}
    for combo, project in rendered.items():
        for rel, data in read_tree(project).items():
            found = [path for path in leaks if path.encode() in data]
            assert not found, (combo, rel, found)
        answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
        assert answers["_src_path"] == "git+pyo3-scaffold://templates/workspace", combo
        assert answers["_commit"], combo


def steps_of(job: dict) -> list[dict]:
    return job["steps"]


def check_release_workflow(workflow: dict, backend: str, wiring: str, profiler: bool) -> None:
    """The semantics every generated workflow must have: triggers, least privilege, no
    persisted credentials, tests on the installed wheels, a release job after all the others."""
    on = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    assert on["push"]["tags"] == ["v*"] and "workflow_dispatch" in on and "pull_request" in on
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    release = jobs["release"]
    assert set(release["needs"]) == set(jobs) - {"release"}
    assert release["permissions"] == {"id-token": "write", "attestations": "write"}
    assert release["environment"]["name"] == "pypi"
    assert "refs/tags/v" in release["if"] and "workflow_dispatch" in release["if"]
    publish = [s for s in steps_of(release) if "uv publish" in s.get("run", "")]
    assert len(publish) == 1 and "--trusted-publishing always" in publish[0]["run"]
    assert "secrets" not in yaml.safe_dump(workflow) and "env" not in publish[0]
    assert any(s.get("uses", "").startswith("actions/attest@") for s in steps_of(release))
    for name, job in jobs.items():
        if name != "release":
            assert job["permissions"] == {"contents": "read"}, name
        for step in steps_of(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
    rust = "\n".join(s.get("run", "") for s in steps_of(jobs["rust"]))
    # The Rust job (tests, the profiler) on the three systems (issue 26).
    assert jobs["rust"]["runs-on"] == "${{ matrix.os }}"
    assert jobs["rust"]["strategy"]["matrix"]["os"] == [
        "ubuntu-latest",
        "macos-latest",
        "windows-latest",
    ]
    assert jobs["rust"]["defaults"]["run"]["shell"] == "bash"
    assert "cargo test-lib" in rust
    if profiler:
        assert ("cargo test --workspace" in rust) == (wiring == "env")
        assert "--iterations" in rust
    if backend == "maturin":
        for os_job in ("linux", "musllinux", "windows", "macos"):
            tests = [s["run"] for s in steps_of(jobs[os_job]) if "pytest" in s.get("run", "")]
            assert tests and all("--find-links dist" in t and "--group test" in t for t in tests), (
                os_job
            )
            for test in tests:  # the built wheel, then its dependencies (issue 26)
                installs = [line for line in test.splitlines() if "pip install var-lib" in line]
                assert len(installs) == 2 and "--no-deps" not in installs[1], test
            builds = [s for s in steps_of(jobs[os_job]) if "maturin-action" in s.get("uses", "")]
            assert builds and all(
                b["with"]["sccache"] == "${{ !startsWith(github.ref, 'refs/tags/') }}"
                for b in builds
            ), os_job
        assert any(s.get("with", {}).get("command") == "sdist" for s in steps_of(jobs["sdist"]))
    else:
        (cibw,) = [s for s in steps_of(jobs["wheels"]) if "cibuildwheel" in s.get("uses", "")]
        assert cibw["env"]["CIBW_ARCHS"] == "${{ matrix.archs }}"
        assert any("python -m build --sdist" in s.get("run", "") for s in steps_of(jobs["sdist"]))


def test_every_workflow_validates_with_check_jsonschema_and_zizmor(rendered):
    """All rendered workflows at once: GitHub's workflow schema, and zizmor's audits (offline)
    with no finding but `unpinned-uses` (actions are pinned by major version, as maturin's)."""
    paths = [str(p / ".github/workflows/CI.yml") for p in rendered.values()]
    bin_dir = Path(sys.executable).parent
    schema = subprocess.run(
        [bin_dir / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [bin_dir / "zizmor", "--offline", "--format", "json", *paths],
        capture_output=True,
        text=True,
    )
    findings = json.loads(audit.stdout)
    kinds = {f["ident"] for f in findings}
    assert kinds == {"unpinned-uses"}, kinds
    flagged = {f["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"] for f in findings}
    assert flagged == set(paths)


def _new(tmp_path, *flags):
    return run_cli("new", NAME, *flags, "--no-git", "--yes", cwd=tmp_path)


def _answers(project: Path, template: str = ".") -> dict:
    return yaml.safe_load((project / template / ".copier-answers.yml").read_text())


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--wiring", "env", "--pyo3", "0.25"], "--wiring env needs PyO3 >= 0.26"),
        (["--wiring", "env", "--pyo3", "0.24.2"], "--wiring env needs PyO3 >= 0.26"),
        (["--pyo3", "0.23"], "need PyO3 >= 0.24"),
        (["--abi3", "3.8"], "--abi3"),
        (["--abi3", "3"], "--abi3"),
        (["--abi3", "3.10", "--python-min", "3.9"], "older than --abi3"),
    ],
)
def test_refused_options_exit_2_one_line_nothing_created(tmp_path, flags, message):
    result = _new(tmp_path, *flags)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "flags", [["--backend", "poetry"], ["--wiring", "both"], ["--layout", "flat"]]
)
def test_unknown_choices_exit_2(tmp_path, flags, capsys):
    from scaffold.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["new", NAME, str(tmp_path / NAME), *flags, "--no-git", "--yes"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(
        f"scaffold new: error: argument {flags[0]}: invalid choice: '{flags[1]}' (choose from "
    ), error
    assert list(tmp_path.iterdir()) == []


def test_env_wiring_from_0_26(tmp_path):
    result = _new(tmp_path, "--wiring", "env", "--pyo3", "0.26")
    assert result.exit_code == 0, result.stderr
    project = tmp_path / NAME
    texts = {path: data.decode() for path, data in read_tree(project).items()}
    assert tomllib.loads(texts["Cargo.toml"])["workspace"]["dependencies"]["pyo3"] == "0.26"
    pyproject = tomllib.loads(texts["pyproject.toml"])
    assert pyproject["tool"]["pyo3-scaffold"] == {"wiring": "env"}
    assert [path for path, text in texts.items() if "extension-module" in text] == []
    assert "features" not in tomllib.loads(texts[f"crates/{NAME}/Cargo.toml"])
    for template in (".", f"crates/{NAME}-profiler"):
        answers = _answers(project, template)
        assert (answers["wiring"], answers["pyo3_version"]) == ("env", "0.26"), template
    check = run_cli("fix-features", "--check", project)
    assert (check.exit_code, check.stdout) == (0, ""), check.stdout + check.stderr


def test_abi3_sets_python_min_unless_given(tmp_path):
    assert _new(tmp_path, "--abi3", "3.11").exit_code == 0
    pyproject = tomllib.loads((tmp_path / NAME / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.11"
    lib = tomllib.loads((tmp_path / NAME / f"crates/{NAME}/Cargo.toml").read_text())
    assert lib["dependencies"]["pyo3"] == {"workspace": True, "features": ["abi3-py311"]}
    assert (_answers(tmp_path / NAME)["abi3"], _answers(tmp_path / NAME)["python_min"]) == (
        "3.11",
        "3.11",
    )
    other = tmp_path / "other"
    other.mkdir()
    assert _new(other, "--abi3", "3.10", "--python-min", "3.12").exit_code == 0
    pyproject = tomllib.loads((other / NAME / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.12"
    lib = tomllib.loads((other / NAME / f"crates/{NAME}/Cargo.toml").read_text())
    assert lib["dependencies"]["pyo3"] == {"workspace": True, "features": ["abi3-py310"]}


class _Answer:
    def __init__(self, value):
        self.value = value

    def unsafe_ask(self):
        return self.value


def test_prompts_ask_the_new_options(tmp_path, monkeypatch):
    """On a TTY without --yes, the options the flags left out are asked with questionary."""
    import questionary

    asked = []

    def select(prompt, choices, default):
        asked.append(prompt)
        picks = {"backend": "setuptools-rust", "wiring": "env", "layout": "rust"}
        return _Answer(next(v for k, v in picks.items() if v in choices))

    def text(prompt, default=""):
        asked.append(prompt)
        return _Answer("3.10" if "abi3" in prompt else default)

    monkeypatch.setattr(questionary, "select", select)
    monkeypatch.setattr(questionary, "text", text)
    monkeypatch.setattr(questionary, "confirm", lambda *a, **k: _Answer(True))
    parser = argparse.ArgumentParser()
    new.register(parser)
    options = new._answers(parser.parse_args([NAME, str(tmp_path / NAME)]), True, print)
    assert (options["backend"], options["wiring"], options["layout"], options["abi3"]) == (
        "setuptools-rust",
        "env",
        "rust",
        "3.10",
    )
    assert options["python_min"] == "3.10"
    assert sum("abi3" in p for p in asked) == 1 and len(asked) == 7
    # Flags given are not asked again.
    asked.clear()
    options = new._answers(
        parser.parse_args(
            [
                NAME,
                str(tmp_path / NAME),
                "--backend",
                "maturin",
                "--wiring",
                "feature",
                "--layout",
                "mixed",
                "--abi3",
                "3.9",
                "--python-min",
                "3.9",
                "--author",
                "",
                "--license",
                "MIT",
            ]
        ),
        True,
        print,
    )
    assert asked == [] and options["backend"] == "maturin" and options["abi3"] == "3.9"
    # Below PyO3 0.26 there is no choice of wiring to ask about.
    asked.clear()
    options = new._answers(
        parser.parse_args(
            [
                NAME,
                str(tmp_path / NAME),
                "--pyo3",
                "0.25",
                "--backend",
                "maturin",
                "--layout",
                "mixed",
                "--abi3",
                "",
                "--python-min",
                "3.10",
                "--author",
                "",
                "--license",
                "MIT",
            ]
        ),
        True,
        print,
    )
    assert asked == [] and options["wiring"] == "feature"


@pytest.mark.parametrize("layout", new_project.LAYOUTS)
def test_generated_stubs(layout, tmp_path):
    """`--stubs generated` (issue 26): no stub by hand; PyO3's experimental-inspect on the
    extension; every maturin build (README, CI, uv) passes --generate-stubs; the generated
    tests still run stubtest; the result is clean for fix-features, validates with
    check-jsonschema and zizmor, and names nothing of this machine."""
    result = _new(tmp_path, "--stubs", "generated", "--layout", layout)
    assert result.exit_code == 0, result.stderr
    assert "maturin develop --generate-stubs" in result.stderr
    project = tmp_path / NAME
    texts = {path: data.decode() for path, data in read_tree(project).items()}
    assert not [path for path in texts if path.endswith(".pyi")]
    lib = tomllib.loads(texts[f"crates/{NAME}/Cargo.toml"])
    assert lib["dependencies"]["pyo3"] == {"workspace": True, "features": ["experimental-inspect"]}
    pyproject = tomllib.loads(texts["pyproject.toml"])
    assert pyproject["tool"]["uv"]["config-settings"] == {"maturin.build-args": "--generate-stubs"}
    assert _answers(project)["stubs"] == "generated"
    workflow = yaml.safe_load(texts[".github/workflows/CI.yml"])
    builds = [
        s["with"]["args"]
        for job in ("linux", "musllinux", "windows", "macos")
        for s in workflow["jobs"][job]["steps"]
        if "maturin-action" in s.get("uses", "")
    ]
    assert builds and all(args.endswith(" --generate-stubs") for args in builds), builds
    assert "maturin develop --generate-stubs" in texts["README.md"]
    assert "mypy.stubtest" in texts[f"tests/test_{MODULE}.py"]
    if layout == "mixed":  # maturin writes the stub into the package: not tracked
        assert texts[f"python/{MODULE}/.gitignore"].splitlines()[-1] == f"/{MODULE}.pyi"
    check = run_cli("fix-features", "--check", project)
    assert (check.exit_code, check.stdout) == (0, ""), check.stdout + check.stderr
    leaks = _machine_paths() | {"site-packages"}
    for rel, text in texts.items():
        assert not [path for path in leaks if path in text], rel
    bin_dir = Path(sys.executable).parent
    workflow_path = project / ".github/workflows/CI.yml"
    schema = subprocess.run(
        [
            bin_dir / "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            workflow_path,
        ],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [bin_dir / "zizmor", "--offline", "--format", "json", workflow_path],
        capture_output=True,
        text=True,
    )
    assert {f["ident"] for f in json.loads(audit.stdout)} == {"unpinned-uses"}


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--stubs", "generated", "--backend", "setuptools-rust"], "needs --backend maturin"),
        (["--stubs", "generated", "--pyo3", "0.28"], "needs PyO3 >= 0.29"),
    ],
)
def test_generated_stubs_refused_where_maturin_cannot(flags, message, tmp_path):
    result = _new(tmp_path, *flags)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []
