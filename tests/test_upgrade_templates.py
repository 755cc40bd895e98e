"""The planning half of upgrade's follow-through (issue 26 item 10, `scaffold.upgrade.templates`):
which answers move and how, what copier regenerates from them (real git and copier, in a
clone: nothing is written, nothing is built), a conflicting file kept as the user has it, and
projects without answers files, or whose answers are not committed, left to the manifest edits.
The builds of the result are tests/e2e/test_upgrade.py's."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from scaffold import facts
from scaffold.render import history
from scaffold.upgrade.templates import answers_update, regenerate
from tests.conftest import (
    git_commit_all,
    git_init,
    lib_rs,
    pyo3_manifest,
    read_tree,
    release_today,
    run,
    run_cli,
    snapshot,
    write_tree,
)

NAME = "regen"
NEW = (0, 30)
PROFILER_ANSWERS = f"crates/{NAME}-profiler/.copier-answers.yml"


@pytest.mark.parametrize(
    "recorded, version, expected",
    [
        ({"pyo3_version": "0.24"}, (0, 30, 1), {"pyo3_version": "0.30"}),
        ({"pyo3_version": "0.24.1"}, (0, 30, 2), {"pyo3_version": "0.30.2"}),
        ({"pyo3_version": "0.24.1"}, (0, 30), {"pyo3_version": "0.30.0"}),
        ({"pyo3_version": "0.30"}, (0, 30, 1), {}),  # already the series: nothing moves
        ({"project_name": "x"}, (0, 30, 1), {}),  # not a template with a PyO3 answer
        (
            {"pyo3_version": "0.24", "rust_version": "1.60"},
            (0, 30, 1),
            {"pyo3_version": "0.30", "rust_version": facts.fmt(facts.msrv(NEW) or (0, 0))},
        ),
        ({"pyo3_version": "0.24", "rust_version": "99.0"}, (0, 30, 1), {"pyo3_version": "0.30"}),
    ],
)
def test_answers_follow_the_series_in_the_recorded_style(recorded, version, expected):
    assert answers_update(recorded, NEW, version) == expected


@pytest.fixture(scope="module")
def made_at_0_24(tmp_path_factory) -> tuple[Path, Path]:
    """(a project `new` made at PyO3 0.24, not committed; the history it was made with)."""
    bundles = release_today(tmp_path_factory.mktemp("history"))
    dest = tmp_path_factory.mktemp("made") / NAME
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(history.HISTORY_ENV, str(bundles))
        made = run_cli("new", NAME, dest, "--pyo3", "0.24", "--no-git", "--yes")
    assert made.exit_code == 0, made.stderr
    return dest, bundles


@pytest.fixture
def project(made_at_0_24, tmp_path, monkeypatch) -> Path:
    made, bundles = made_at_0_24
    monkeypatch.setenv(history.HISTORY_ENV, str(bundles))
    dest = tmp_path / NAME
    shutil.copytree(made, dest)
    return dest


def test_answers_move_and_the_derived_files_are_regenerated_in_memory(project):
    git_init(project)
    before = snapshot(project)
    done = regenerate(project.resolve(), NEW, (0, 30, 1))
    assert snapshot(project) == before  # planned in a clone
    assert not done.skipped and not done.kept
    assert [
        (m.answers.relative_to(project.resolve()).as_posix(), m.old, m.new, m.release)
        for m in done.moved
    ] == [(".copier-answers.yml", "0.24", "0.30", None), (PROFILER_ANSWERS, "0.24", "0.30", None)]
    after = {
        p.relative_to(project.resolve()).as_posix(): t for p, t in done.changeset.after.items()
    }
    for answers in (".copier-answers.yml", PROFILER_ANSWERS):
        recorded = yaml.safe_load(after[answers] or "")
        assert recorded["pyo3_version"] == "0.30" and recorded["pyo3_attach_api"] is True
    assert 'pyo3 = "0.30"' in (after["Cargo.toml"] or "")
    main_rs = after[f"crates/{NAME}-profiler/src/main.rs"] or ""
    assert "with_gil" not in main_rs and "Python::attach" in main_rs
    # The texts the manifest and source edits read next are the change set's.
    assert {p: t.original for p, t in done.files.items()} == dict(done.changeset.after)


def test_a_conflicting_file_keeps_the_users_text(project):
    """The user rewrote the line the new series changes: that file is not regenerated (the
    upgrade's own edits still apply to it); the others are."""
    lib = project / f"crates/{NAME}/src/lib.rs"
    text = lib.read_text()
    assert "py.allow_threads(" in text
    lib.write_text(text.replace("py.allow_threads(", "py.allow_threads( /* ours */"))
    git_init(project)
    done = regenerate(project.resolve(), NEW, (0, 30, 1))
    assert done.kept == [lib.resolve()]
    assert lib.resolve() not in done.changeset.after
    assert project.resolve() / "Cargo.toml" in done.changeset.after
    assert "<<<<<<<" not in "".join(t or "" for t in done.changeset.after.values())


def test_uncommitted_answers_are_named_and_nothing_is_regenerated(project):
    done = regenerate(project.resolve(), NEW, (0, 30, 1))  # no git at all
    assert not done.changeset and "not in a git commit" in done.skipped
    git_init(project, commit=False)
    done = regenerate(project.resolve(), NEW, (0, 30, 1))  # a repository, nothing committed
    assert not done.changeset and "not in a git commit" in done.skipped


def test_at_the_series_already_nothing_is_regenerated(project):
    git_init(project)
    done = regenerate(project.resolve(), (0, 24), (0, 24, 1))
    assert not done.changeset and not done.moved and not done.skipped


def test_a_project_not_made_by_new_keeps_todays_behaviour(tmp_path):
    root = tmp_path / "plain"
    write_tree(
        root,
        {"Cargo.toml": pyo3_manifest("plain", pyo3='"0.24"'), "src/lib.rs": lib_rs("plain")},
        git=True,
    )
    done = regenerate(root.resolve(), NEW, (0, 30, 1))
    assert not done.changeset and not done.moved and not done.skipped
    # Another copier template's answers are not ours either.
    (root / ".copier-answers.yml").write_text("_src_path: gh:someone/template\n_commit: v1\n")
    git_commit_all(root)
    assert not regenerate(root.resolve(), NEW, (0, 30, 1)).changeset


@pytest.mark.needs_rust  # upgrade resolves PyO3 0.30's version with cargo
def test_the_upgrade_edits_a_kept_file_and_guards_the_regenerated_ones(project):
    """Through the command: a conflicting Cargo.toml is kept and then edited like any
    manifest; a regenerated file with uncommitted changes is refused without --allow-dirty,
    and with it the changes are merged, not lost."""
    cargo = project / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace('pyo3 = "0.24"', 'pyo3 = "0.24.2"'))
    git_init(project)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nUncommitted words.\n")
    plan = run_cli("upgrade", project, "--pyo3", "0.30", "--dry-run")
    assert plan.exit_code == 1, plan.stdout + plan.stderr
    assert "  Cargo.toml: [by hand] not regenerated: the templates' change conflicts" in plan.stdout
    assert re.search(r'  Cargo.toml:\d+: pyo3 "0.24.2" -> "0.30.\d+"', plan.stdout), plan.stdout
    assert "  README.md: regenerated from the templates (your edits kept)" in plan.stdout
    before = snapshot(project)
    refused = run_cli("upgrade", project, "--pyo3", "0.30")
    assert refused.exit_code == 2 and "README.md" in refused.stderr, refused.stderr
    assert snapshot(project) == before
    done = run_cli("upgrade", project, "--pyo3", "0.30", "--allow-dirty")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert readme.read_text().endswith("\nUncommitted words.\n")
    assert re.search(r'\npyo3 = "0.30.\d+"\n', cargo.read_text())
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["pyo3_version"] == "0.30"


def test_cibuildwheel_matrix_follows_the_series(made_at_0_24, tmp_path, monkeypatch):
    """setuptools-rust's CI matrix (cibuildwheel's `build` list in pyproject.toml) is derived
    from the series' newest CPython: after the regeneration it is what `new` writes at 0.30."""
    monkeypatch.setenv(history.HISTORY_ENV, str(made_at_0_24[1]))
    made = {}
    for series in ("0.26", "0.30"):
        dest = tmp_path / series / "st"
        flags = ["--pyo3", series, "--backend", "setuptools-rust", "--no-git", "--yes"]
        assert run_cli("new", "st", dest, *flags).exit_code == 0
        made[series] = dest
    git_init(made["0.26"])
    done = regenerate(made["0.26"].resolve(), NEW, (0, 30, 1))
    pyproject = made["0.26"].resolve() / "pyproject.toml"
    assert pyproject.read_text() != (made["0.30"] / "pyproject.toml").read_text()
    assert done.changeset.after[pyproject] == (made["0.30"] / "pyproject.toml").read_text()


def test_an_older_template_release_moves_to_the_installed_one(made_at_0_24, tmp_path):
    """The regeneration renders the installed release (the one that knows this installation's
    PyO3 facts): a project at an older release moves with it, and the plan says so."""
    bundles = made_at_0_24[1]
    repo = bundles.parent / "repo"
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    history.build_bundles(repo, {"1.0.0": head}, tmp_path / "old")
    history.build_bundles(repo, {"1.0.0": head, "2.0.0": head}, tmp_path / "new")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(history.HISTORY_ENV, str(tmp_path / "old"))
        assert run_cli("new", NAME, tmp_path / NAME, "--pyo3", "0.24", "--yes").exit_code == 0
        mp.setenv(history.HISTORY_ENV, str(tmp_path / "new"))
        done = regenerate((tmp_path / NAME).resolve(), NEW, (0, 30, 1))
    assert [m.describe() for m in done.moved] == [
        'pyo3_version "0.24" -> "0.30" (template answers; template release 1.0.0 -> 2.0.0)'
    ] * 2
    answers = done.changeset.after[(tmp_path / NAME).resolve() / ".copier-answers.yml"]
    assert yaml.safe_load(answers or "")["_commit"] == "2.0.0"


@pytest.mark.needs_rust  # upgrade resolves PyO3 0.30's version with cargo
def test_a_file_regenerated_and_edited_is_one_change_from_the_working_tree(project, tmp_path):
    """Cargo.toml is regenerated (its pyo3 line) and then edited (the user's lower
    rust-version raised to the new MSRV): the `--diff` is against the working tree, `git
    apply` takes it, and it gives what the upgrade writes."""
    cargo = project / "Cargo.toml"
    text = cargo.read_text()
    msrv = facts.fmt(facts.msrv(NEW) or (0, 0))
    assert f'rust-version = "{msrv}"' in text
    cargo.write_text(text.replace(f'rust-version = "{msrv}"', 'rust-version = "1.60"'))
    git_init(project)
    diff = run_cli("upgrade", project, "--pyo3", "0.30", "--diff")
    assert diff.exit_code == 1, diff.stderr
    assert re.search(rf'  Cargo.toml:\d+: rust-version "1.60" -> "{msrv}"', diff.stderr), (
        diff.stderr
    )
    assert "  Cargo.toml: regenerated from the templates (your edits kept)" in diff.stderr
    patch = tmp_path / "upgrade.patch"
    patch.write_text(diff.stdout)
    run(["git", "apply", str(patch)], cwd=project)
    patched = read_tree(project)
    assert 'pyo3 = "0.30"' in patched["Cargo.toml"].decode()
    run(["git", "checkout", "--", "."], cwd=project)
    run(["git", "clean", "-fdq"], cwd=project)
    done = run_cli("upgrade", project, "--pyo3", "0.30")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert read_tree(project) == patched
