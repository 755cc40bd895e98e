"""`scaffold.api`: each command as a function, on real files, returning data and raising
`scaffold.errors` exceptions. One project rendered by `api.new` (no build) feeds the tests of
new, add_profiler, update and profile."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from scaffold import api
from scaffold.errors import DirtyTreeError, UserError
from scaffold.lint.diagnostic import Severity
from tests.conftest import REPO, git_env, git_init, write_tree

CASES = REPO / "tests" / "rules" / "cases"


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


@pytest.fixture
def finding(tmp_path: Path) -> Path:
    """A workspace with one PW203 finding (a dependent keeps the extension's defaults)."""
    root = tmp_path / "ws"
    shutil.copytree(CASES / "PW203" / "path-dependency" / "in", root)
    git_init(root)
    return root


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> api.Created:
    """`api.new` without the profiler, committed."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in git_env().items():
            if key.startswith("GIT_"):
                patch.setenv(key, value)
        return api.new(
            name="api-demo",
            dest=tmp_path_factory.mktemp("new") / "api-demo",
            profiler=False,
            license="Apache-2.0",
        )


def test_check_reports_without_writing(finding):
    before = tree(finding)
    report = api.check(path=finding)
    assert [d.code for d in report.diagnostics] == ["PW203"]
    assert report.errors == report.diagnostics and report.exit_code == 1
    assert report.fixed == [] and not report.changeset and report.pending is None
    assert report.summary()[-1] == ("Found 1 finding(s); 1 fixable with `scaffold fix-features`.")
    assert tree(finding) == before
    assert api.check(path=finding, ignore=["PW2"]).exit_code == 0
    with pytest.raises(UserError, match="unknown rule code or name: PW999"):
        api.check(path=finding, select=["PW999"])


def test_fix_dry_run_then_fix(finding):
    before = tree(finding)
    planned = api.fix(path=str(finding), dry_run=True)
    assert tree(finding) == before  # a dry run writes nothing
    assert planned.mode == "diff" and planned.exit_code == 1
    assert [d.code for d in planned.fixed] == ["PW203"] and planned.base is not None
    fixed = api.fix(path=finding)
    assert fixed.mode == "fix" and fixed.exit_code == 0 and fixed.diagnostics == []
    assert fixed.changed_files == planned.changed_files
    assert fixed.changeset == planned.changeset
    for path, text in fixed.changeset.after.items():
        assert path.read_text() == text  # written
    assert fixed.summary(scenarios=False) == [
        "Fixed 1 finding(s) in 1 file(s).",
        "No findings left.",
    ]
    assert fixed.summary()[0] == "Builds the fixes change (verified against the feature model):"
    assert api.check(path=finding).exit_code == 0


def test_fix_refuses_a_dirty_tree(finding):
    [manifest] = api.fix(path=finding, dry_run=True).changed_files
    manifest.write_text(manifest.read_text() + "\n")
    before = tree(finding)
    with pytest.raises(DirtyTreeError):
        api.fix(path=finding)
    assert tree(finding) == before
    assert api.fix(path=finding, allow_dirty=True).exit_code == 0


def test_doctor_outside_a_project(tmp_path):
    report = api.doctor(path=tmp_path, environ={"PATH": ""})
    names = [check.check for check in report.checks]
    assert names[0] == "project" and "rustc" in names  # project checks skipped, tools checked
    assert report.exit_code == 1  # rustc and cargo do not run without PATH
    with pytest.raises(UserError, match="no such file or directory"):
        api.doctor(path=tmp_path / "missing")


def test_new_returns_what_it_rendered(made, tmp_path):
    assert (made.path / "Cargo.toml").is_file() and (made.path / ".git").is_dir()
    assert (made.options.crate, made.options.module) == ("api-demo", "api_demo")
    assert list(made.rendered) == ["workspace"]  # no profiler asked
    assert made.rendered["workspace"]["license"] == "Apache-2.0"
    assert made.note is None and made.warnings == []
    assert api.check(path=made.path).exit_code == 0
    with pytest.raises(UserError, match="exists and is not empty"):
        api.new(name="api-demo", dest=made.path)
    with pytest.raises(UserError, match="--wiring env needs PyO3"):
        api.new(name="old", dest=tmp_path / "old", pyo3="0.24", wiring="env")
    assert not (tmp_path / "old").exists()
    notes: list[str] = []  # a warning reaches on_note before a later refusal
    with pytest.raises(UserError, match="is not an SPDX expression"):
        api.new(
            name="newer",
            dest=tmp_path / "newer",
            pyo3="0.99",
            license="Nope-1.0",
            on_note=notes.append,
        )
    assert len(notes) == 1 and notes[0].startswith("warning: PyO3 0.99 is newer than")


def test_add_profiler_dry_run_then_add(made, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(made.path, root)
    before = tree(root)
    planned = api.add_profiler(path=root, dry_run=True)
    assert tree(root) == before
    assert planned.name == "api-demo-profiler" and not planned.existing
    assert root / "crates" / "api-demo-profiler" / "Cargo.toml" in planned.created
    added = api.add_profiler(path=root)
    assert added.created == planned.created and added.changed == planned.changed
    assert all(path.is_file() for path in added.created)
    again = api.add_profiler(path=root, allow_dirty=True)  # the new crate is not committed
    assert again.existing and again.name == "api-demo-profiler"
    assert again.created == [] and again.changed == []


def test_add_dry_run_then_add(made, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(made.path, root)
    before = tree(root)
    planned = api.add(kind="core", name="api-demo-core", path=root, dry_run=True)
    assert tree(root) == before
    assert root / "crates" / "api-demo-core" / "src" / "lib.rs" in planned.created
    added = api.add(kind="core", name="api-demo-core", path=root)
    assert added.created == planned.created and added.changed == planned.changed
    assert all(path.is_file() for path in added.created)
    with pytest.raises(UserError, match="exists already"):
        api.add(kind="cli", name="api-demo-core", path=root, allow_dirty=True)


def test_test_refuses_an_unknown_layer(made):
    with pytest.raises(UserError, match="unknown layer"):
        api.test(path=made.path, layer="go")


def test_update_of_an_up_to_date_project(made):
    notes: list[str] = []
    done = api.update(path=made.path, on_note=notes.append)
    assert done.updated == [] and not done.changeset and done.exit_code == 0
    assert [step.template for step in done.steps] == ["workspace"]
    assert notes == [
        f".copier-answers.yml: workspace template up to date ({done.targets['workspace']})"
    ]
    with pytest.raises(UserError, match="is not a directory"):
        api.update(path=made.path / "Cargo.toml")


def test_profile_needs_a_profiler_crate(made, tmp_path):
    with pytest.raises(UserError, match="its directory does not exist"):
        api.profile(path=made.path, output=tmp_path / "missing" / "flame.svg")
    with pytest.raises(UserError, match="no profiler crate in this workspace"):
        api.profile(path=made.path, recorder="callgrind", output=tmp_path / "flame.svg")
    assert not (tmp_path / "flame.svg").exists()


@pytest.mark.needs_rust  # upgrade resolves the companions' versions with cargo
def test_upgrade_dry_run(tmp_path):
    root = write_tree(
        tmp_path / "p",
        {
            "Cargo.toml": '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n\n'
            '[dependencies]\npyo3 = "0.28"\n',
            "src/lib.rs": "pub fn f() {}\n",
        },
    )
    git_init(root)
    before = tree(root)
    seen = []
    done = api.upgrade(path=root, pyo3="0.30", dry_run=True, on_plan=seen.append)
    assert seen == [done.plan] and tree(root) == before
    assert (done.plan.old, done.plan.new) == ((0, 28), (0, 30))
    assert 'pyo3 = "0.30"' in done.plan.changes[root / "Cargo.toml"].text
    assert done.exit_code == 1 and done.check.errors == []
    with pytest.raises(UserError, match="is not a PyO3 version"):
        api.upgrade(path=root, pyo3="abc")


@pytest.mark.needs_rust  # the target is checked against `rustc --print target-list`
def test_cross_dry_run(tmp_path):
    from scaffold.probes.toolchain import Rustc

    root = write_tree(
        tmp_path / "p",
        {
            "Cargo.toml": '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n\n'
            '[dependencies]\npyo3 = "0.30"\n',
            "src/lib.rs": "pub fn f() {}\n",
        },
    )
    git_init(root)
    host = Rustc().host
    done = api.cross(target=host, path=root, python_version="3.12", dry_run=True)
    env_file = root / ".cargo" / "cross" / f"{host}.env"
    ignore = env_file.parent / ".gitignore"  # the folder ignores itself: it names this machine
    assert done.plan.changeset.created == [ignore, env_file] and not env_file.exists()
    assert done.plan.settings["PYO3_CROSS_PYTHON_VERSION"] == "3.12"
    assert done.commands[1] == f"(. .cargo/cross/{host}.env && cargo build --target {host})"
    api.cross(target=host, path=root, python_version="3.12")
    assert env_file.is_file()
    with pytest.raises(UserError, match="unknown target"):
        api.cross(target="no-such-target", path=root, python_version="3.12")


def test_results_are_plain_data(finding):
    report = api.check(path=finding)
    assert all(d.severity is Severity.ERROR and d.path.is_absolute() for d in report.diagnostics)


def test_questions_are_callbacks_and_none_means_nobody_to_ask(tmp_path, monkeypatch):
    """add_profiler asks `choose` which of several extension crates to profile; profile asks
    `confirm` before installing the renderer. None: an error saying what to pass."""
    from tests.conftest import lib_rs, pyo3_manifest

    write_tree(
        tmp_path,
        {
            "Cargo.toml": '[workspace]\nmembers = ["one", "two"]\n',
            "one/Cargo.toml": pyo3_manifest("one"),
            "one/src/lib.rs": lib_rs("one"),
            "two/Cargo.toml": pyo3_manifest("two"),
            "two/src/lib.rs": lib_rs("two"),
        },
    )
    asked: list[tuple[str, list[str]]] = []

    def pick_two(question: str, names: list[str]) -> str:
        asked.append((question, names))
        return "two"

    added = api.add_profiler(path=tmp_path, dry_run=True, choose=pick_two)
    assert asked == [("Which crate should the profiler time?", ["one", "two"])]
    assert added.name == "two-profiler"
    with pytest.raises(UserError, match="several extension crates"):
        api.add_profiler(path=tmp_path, dry_run=True)

    from scaffold.profiling import inferno

    monkeypatch.setattr(inferno, "find", lambda: None)
    questions: list[str] = []
    with pytest.raises(UserError, match="not installed"):
        inferno.ensure(False, lambda q: questions.append(q) or False, questions.append)
    assert "cargo install --locked inferno" in questions[0]
    with pytest.raises(UserError, match="pass --yes"):
        inferno.ensure(False, None, questions.append)


def test_every_export_is_loaded_from_its_module_and_typed_the_same_way():
    """`scaffold/api/__init__.py` names each export twice: in `_EXPORTS` (what `__getattr__`
    loads) and in its type-checking imports (what mypy and editors see). They must agree, and
    every public function and result type of the command modules must be exported."""
    import ast
    import importlib

    source = (REPO / "scaffold" / "api" / "__init__.py").read_text(encoding="utf-8")
    typed = {
        alias.name: node.module.rsplit("._", 1)[1]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("scaffold.api.")
        for alias in node.names
    }
    assert typed == api._EXPORTS
    for name, module in api._EXPORTS.items():
        assert getattr(api, name) is getattr(
            importlib.import_module(f"scaffold.api._{module}"), name
        )
    public = {
        name
        for path in (REPO / "scaffold" / "api").glob("_[!_]*.py")
        for name, value in vars(importlib.import_module(f"scaffold.api.{path.stem}")).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == f"scaffold.api.{path.stem}"
        and callable(value)
    }
    assert public == set(api._EXPORTS)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        api.nothing  # noqa: B018
