"""`scaffold update` (issue 17) with real git and copier: two template releases made here (N,
today's templates, and N+1, a changed copy), a project made at N and edited by its user, then
updated to N+1 through the SCAFFOLD_TEMPLATE_HISTORY seam (bundles built by the same function
the wheel build uses)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from scaffold.render import history
from scaffold.render.copier_render import templates_root
from tests.conftest import (
    build_env,
    git_commit_all,
    git_init,
    posix_only,
    read_tree,
    run,
    run_cli,
    snapshot,
)

NAME = "demo-up"
N, N1 = "0.1.0", "0.2.0"
CI = ".github/workflows/CI.yml"
# Whatever major the templates use today, N+1 moves every checkout to v99.
CHECKOUT = re.compile(r"actions/checkout@v[\d.]+")
OLD_TEST, NEW_TEST = f"tests/test_{NAME.replace('-', '_')}.py", "tests/test_module.py"


def _next_release(templates: Path) -> None:
    """N+1: CI.yml changes, root Cargo.toml lines change, a file is added, one renamed."""
    ci = templates / "workspace/.github/workflows/CI.yml.jinja"
    text = ci.read_text()
    assert CHECKOUT.search(text), "the CI template no longer uses actions/checkout"
    ci.write_text(CHECKOUT.sub("actions/checkout@v99", text))
    cargo = templates / "workspace/Cargo.toml.jinja"
    text = cargo.read_text()
    assert 'debug = "line-tables-only"' in text
    assert "# show source lines;" in text
    cargo.write_text(
        text.replace('debug = "line-tables-only"', 'debug = "limited"').replace(
            "# show source lines;", "# show source lines and inlined frames;"
        )
    )
    # A new question, with a default: `--yes` (or no terminal) takes it.
    with (templates / "workspace/copier.yml").open("a") as config:
        config.write("max_width:\n  type: int\n  help: rustfmt's max_width\n  default: 100\n")
    (templates / "workspace/rustfmt.toml.jinja").write_text("max_width = {{ max_width }}\n")
    tests = templates / "workspace/tests"
    (tests / "test_{{ module_name }}.py.jinja").rename(tests / "test_module.py.jinja")


@pytest.fixture(scope="module")
def histories(tmp_path_factory) -> dict[str, Path]:
    """{"N": history with N only, "N+1": history with N and N+1}."""
    root = tmp_path_factory.mktemp("history")
    repo = root / "repo"
    shutil.copytree(
        templates_root(),
        repo / "templates",
        ignore=shutil.ignore_patterns("history", "__pycache__"),
    )
    git_init(repo)
    n = _git(repo, "rev-parse", "HEAD")
    _next_release(repo / "templates")
    git_commit_all(repo, "N+1")
    n1 = _git(repo, "rev-parse", "HEAD")
    out = {"N": root / "n", "N+1": root / "n1"}
    history.build_bundles(repo, {N: n}, out["N"])
    history.build_bundles(repo, {N: n, N1: n1}, out["N+1"])
    return out


@pytest.fixture(autouse=True)
def _caches(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COPIER_CACHE_DIR", str(tmp_path / "cache" / "copier"))


@pytest.fixture(scope="module")
def made_at_n(histories, tmp_path_factory) -> Path:
    """A project made by `scaffold new` with the N history installed (and committed)."""
    dest = tmp_path_factory.mktemp("made") / NAME
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(history.HISTORY_ENV, str(histories["N"]))
        result = run_cli("new", NAME, dest, "--yes")
    assert result.exit_code == 0, result.stderr
    return dest


@pytest.fixture
def project(made_at_n, histories, tmp_path, monkeypatch) -> Path:
    """A copy of the project at N, with N+1 installed."""
    dest = tmp_path / NAME
    shutil.copytree(made_at_n, dest, symlinks=True)
    monkeypatch.setenv(history.HISTORY_ENV, str(histories["N+1"]))
    return dest


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def _user_edits(project: Path) -> None:
    lib = project / f"crates/{NAME}/src/lib.rs"
    lib.write_text(
        lib.read_text() + "\n/// Added by the user.\npub fn user_twice(x: u64) -> u64 "
        "{\n    2 * x\n}\n"
    )
    cargo = project / "Cargo.toml"
    cargo.write_text(
        cargo.read_text().replace('lto = "thin"\n', 'lto = "thin"\ncodegen-units = 1\n')
    )
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOur own paragraph, kept by updates.\n")
    crate = project / f"crates/{NAME}/Cargo.toml"
    text = crate.read_text()
    assert "\n[dependencies]\n" in text
    crate.write_text(text.replace("\n[dependencies]\n", '\n[dependencies]\nlibc = "0.2"\n'))
    git_commit_all(project, "user edits")


def test_new_records_a_stable_reference_and_the_release(made_at_n):
    for rel, name in (
        (".copier-answers.yml", "workspace"),
        (f"crates/{NAME}-profiler/.copier-answers.yml", "profiler"),
    ):
        answers = yaml.safe_load((made_at_n / rel).read_text())
        assert answers["_src_path"] == history.stable_ref(name)
        assert answers["_commit"] == N


@pytest.mark.e2e
def test_update_brings_template_changes_and_keeps_user_edits(project):
    _user_edits(project)
    result = run_cli("update", project, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "fix-features --check: clean" in result.stderr
    # The template's changes arrived.
    assert set(CHECKOUT.findall((project / CI).read_text())) == {"actions/checkout@v99"}
    cargo = (project / "Cargo.toml").read_text()
    assert 'debug = "limited"' in cargo and "inlined frames" in cargo
    assert (project / "rustfmt.toml").read_text() == "max_width = 100\n"
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["max_width"] == 100
    assert (project / NEW_TEST).is_file() and not (project / OLD_TEST).exists()
    # The user's edits stayed.
    assert "pub fn user_twice" in (project / f"crates/{NAME}/src/lib.rs").read_text()
    assert 'lto = "thin"\ncodegen-units = 1\n' in cargo
    assert "Our own paragraph" in (project / "README.md").read_text()
    assert 'libc = "0.2"' in (project / f"crates/{NAME}/Cargo.toml").read_text()
    for rel in (".copier-answers.yml", f"crates/{NAME}-profiler/.copier-answers.yml"):
        answers = yaml.safe_load((project / rel).read_text())
        assert answers["_commit"] == N1 and answers["_src_path"].startswith("git+pyo3-scaffold")
    assert not list(project.rglob("*.rej"))
    run(["cargo", "build"], cwd=project, env=build_env())
    run(["cargo", "test"], cwd=project, env=build_env())
    check = run_cli("fix-features", "--check", project)
    assert check.exit_code == 0, check.stdout + check.stderr
    # A second update changes nothing.
    git_commit_all(project, "update to N+1")
    before = snapshot(project)
    again = run_cli("update", project, "--yes")
    assert again.exit_code == 0, again.stderr
    assert "up to date" in again.stderr and snapshot(project) == before
    assert _git(project, "status", "--porcelain") == ""


def test_dry_run_shows_the_diff_and_writes_nothing(project):
    before = snapshot(project)
    result = run_cli("update", project, "--dry-run")
    assert result.exit_code == 1, result.stderr
    assert "+      - uses: actions/checkout@v99" in result.stdout
    assert "rustfmt.toml" in result.stdout
    assert snapshot(project) == before and _git(project, "status", "--porcelain") == ""


def test_conflict_is_marked_and_listed(project):
    ci = project / CI
    pinned = CHECKOUT.search(ci.read_text()).group() + ".0.1"
    ci.write_text(CHECKOUT.sub(pinned, ci.read_text(), count=1))
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nKept despite the conflict.\n")
    git_commit_all(project, "pin checkout")
    result = run_cli("update", project, "--yes")
    assert result.exit_code == 1, result.stderr
    conflict_line = next(line for line in result.stderr.splitlines() if "conflicts" in line)
    assert CI in conflict_line
    text = ci.read_text()
    assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text
    assert pinned in text and "actions/checkout@v99" in text
    assert "Kept despite the conflict." in readme.read_text()
    assert (project / "rustfmt.toml").is_file()


def test_a_0_1_0_project_is_migrated_and_updated(project):
    for rel, name in (
        (".copier-answers.yml", "workspace"),
        (f"crates/{NAME}-profiler/.copier-answers.yml", "profiler"),
    ):
        path = project / rel
        text = (
            path.read_text()
            .replace(f"_commit: {N}\n", "")
            .replace(
                history.stable_ref(name),
                f"/home/someone/venv/lib/python3.11/site-packages/scaffold/templates/{name}",
            )
        )
        path.write_text(text)
    # Another copier template's answers beside them are left alone.
    other = project / "docs/.copier-answers.yml"
    other.parent.mkdir()
    other.write_text("_commit: 1.0.0\n_src_path: gh:someone/docs-template\n")
    git_commit_all(project, "as 0.1.0 wrote it")
    result = run_cli("update", project, "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"{N} -> {N1}" in result.stderr
    assert "actions/checkout@v99" in (project / CI).read_text()
    assert "docs/.copier-answers.yml: another copier template, left alone" in result.stderr
    assert "docs-template" in other.read_text()
    for rel in (".copier-answers.yml", f"crates/{NAME}-profiler/.copier-answers.yml"):
        text = (project / rel).read_text()
        assert "site-packages" not in text and f"_commit: {N1}" in text


def _break(project: Path, case: str) -> None:
    answers = project / ".copier-answers.yml"
    profiler_answers = project / f"crates/{NAME}-profiler/.copier-answers.yml"
    if case == "dirty":
        (project / "README.md").write_text("uncommitted\n")
        return
    if case == "missing answers":
        answers.unlink()
        profiler_answers.unlink()
    elif case == "not ours":
        for path, name in ((answers, "workspace"), (profiler_answers, "profiler")):
            path.write_text(
                path.read_text().replace(history.stable_ref(name), "gh:someone/some-template")
            )
    elif case == "unknown version":
        answers.write_text(answers.read_text().replace(f"_commit: {N}", "_commit: 0.0.7"))
    elif case == "newer version":
        answers.write_text(answers.read_text().replace(f"_commit: {N}", "_commit: 9.0.0"))
    elif case == "answer copier refuses":  # copier raises ValueError, not a CopierError
        text = answers.read_text()
        assert "\nbackend: maturin\n" in text
        answers.write_text(text.replace("\nbackend: maturin\n", "\nbackend: nonsense\n"))
    elif case == "malformed answer":
        text = answers.read_text()
        assert "\npython_min: '3.10'\n" in text
        answers.write_text(text.replace("\npython_min: '3.10'\n", "\npython_min: three\n"))
    git_commit_all(project, case)


@pytest.mark.parametrize(
    "case",
    [
        "dirty",
        "missing answers",
        "not ours",
        "unknown version",
        "newer version",
        "answer copier refuses",
        "malformed answer",
    ],
)
def test_errors_are_one_line_and_write_nothing(project, case):
    _break(project, case)
    before, status = snapshot(project), _git(project, "status", "--porcelain")
    result = run_cli("update", project, "--yes")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before and _git(project, "status", "--porcelain") == status


def test_outside_git_says_to_commit_first(made_at_n, tmp_path):
    dest = tmp_path / "plain"
    shutil.copytree(made_at_n, dest, ignore=shutil.ignore_patterns(".git"))
    result = run_cli("update", dest)
    assert result.exit_code == 2
    assert "git init" in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_newest_release_is_this_version():
    import scaffold

    releases = history.read_releases(templates_root() / "releases.toml")
    assert history.newest(releases) == scaffold.__version__


@pytest.mark.e2e
def test_sdist_carries_the_history_and_its_wheel_ships_it(tmp_path):
    """`python -m build` (sdist, then the wheel from the sdist alone) in a copy of this repository
    whose one release is its own commit; the unpacked wheel's `update` reads its own bundles."""
    import sys
    import tarfile
    import zipfile

    from tests.conftest import REPO

    repo = tmp_path / "repo"
    for name in ("pyproject.toml", "hatch_build.py", "README.md"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, repo / name)
    for name in ("scaffold", "templates"):
        shutil.copytree(
            REPO / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "history")
        )
    git_init(repo)
    (repo / "templates/releases.toml").write_text(
        f'[releases]\n"0.1.0" = "{_git(repo, "rev-parse", "HEAD")}"\n'
    )
    git_commit_all(repo, "release 0.1.0")
    run([sys.executable, "-m", "build", "--outdir", tmp_path / "dist", repo], cwd=repo)
    (sdist,) = (tmp_path / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert all(
        any(n.endswith(f"templates/history/{t}.bundle") for n in names)
        for t in history.TEMPLATE_NAMES
    ), names
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    shipped = unpacked / "scaffold/templates/history"
    for name in history.TEMPLATE_NAMES:
        assert history.versions(shipped, name) == ["0.1.0"]
    env = build_env(PYTHONPATH=str(unpacked), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop(history.HISTORY_ENV, None)
    run([sys.executable, "-m", "scaffold", "new", "from-wheel", "--yes"], cwd=tmp_path, env=env)
    done = run(
        [sys.executable, "-m", "scaffold", "update", "--yes"], cwd=tmp_path / "from-wheel", env=env
    )
    assert "workspace template up to date (0.1.0)" in done.stderr
    assert not (tmp_path / "cache" / "pyo3-scaffold").exists()  # the shipped bundles served
    # A template changed after the newest release: the sdist (a release) is refused.
    with (repo / "templates/workspace/README.md.jinja").open("a") as readme:
        readme.write("\nunreleased\n")
    refused = run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path / "dist2", repo],
        cwd=repo,
        check=False,
    )
    assert refused.returncode != 0
    assert "templates/workspace changed since release 0.1.0" in refused.stdout + refused.stderr
    assert not (tmp_path / "dist2").exists() or not list((tmp_path / "dist2").iterdir())


def test_a_0_1_0_project_updates_to_what_new_makes_today(tmp_path, monkeypatch):
    """A project made by the 0.1.0 tool itself (its code and templates from this repository's
    history, PyO3 0.24: no `Python::attach`, no 3.14t), updated through bundles of the real
    release history plus this commit as the next release, is exactly what `new` makes today:
    the answers 0.1.0 did not record come from its PyO3, not from copier.yml's defaults."""
    import sys

    from tests.conftest import REPO

    released = history.read_releases(templates_root() / "releases.toml")
    old = tmp_path / "tool-0.1.0"
    old.mkdir()
    tree = subprocess.run(
        ["git", "archive", released["0.1.0"], "scaffold", "templates"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=tree, check=True)
    run(
        [sys.executable, "-m", "scaffold", "new", NAME, "--pyo3", "0.24", "--yes"],
        cwd=tmp_path,
        env=build_env(PYTHONPATH=str(old)),
    )
    project = tmp_path / NAME
    legacy = (project / ".copier-answers.yml").read_text()
    assert f"_src_path: {old}/templates/workspace\n" in legacy
    history.build_bundles(REPO, {**released, "999.0.0": "HEAD"}, tmp_path / "history")
    monkeypatch.setenv(history.HISTORY_ENV, str(tmp_path / "history"))
    result = run_cli("update", project, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "workspace template 0.1.0 -> 999.0.0" in result.stderr
    fresh = run_cli("new", NAME, tmp_path / "fresh", "--pyo3", "0.24", "--yes", "--no-git")
    assert fresh.exit_code == 0, fresh.stderr
    # Contents, not modes: 0.1.0 wrote its files 664 (today's `new` 644), and update keeps a
    # file's mode.
    assert read_tree(project) == read_tree(tmp_path / "fresh")
    assert "Python::with_gil" in (project / f"crates/{NAME}-profiler/src/main.rs").read_text()
    assert "3.14t" not in (project / CI).read_text()


def test_unreleased_templates_are_named(tmp_path):
    """The sdist build refuses templates that differ from the newest release's (hatch_build.py):
    changed, added (untracked) and removed files count, per template."""
    repo = tmp_path / "repo"
    for name in history.TEMPLATE_NAMES:
        (repo / "templates" / name).mkdir(parents=True)
        (repo / "templates" / name / "copier.yml").write_text("a: 1\n")
    git_init(repo)
    releases = {"0.1.0": _git(repo, "rev-parse", "HEAD")}
    (repo / "templates/releases.toml").write_text("[releases]\n")  # beside, not a template
    assert history.unreleased(repo, releases) == []
    (repo / "templates/workspace/copier.yml").write_text("a: 2\n")
    assert history.unreleased(repo, releases) == ["workspace"]
    git_commit_all(repo, "workspace changed")
    (repo / "templates/profiler/new.jinja").write_text("x\n")
    assert history.unreleased(repo, releases) == ["workspace", "profiler"]
    releases["0.2.0"] = _git(repo, "rev-parse", "HEAD")
    assert history.unreleased(repo, releases) == ["profiler"]
    (repo / "templates/profiler/new.jinja").unlink()
    (repo / "templates/profiler/copier.yml").unlink()
    assert history.unreleased(repo, releases) == ["profiler"]


@posix_only("a pseudo-terminal (pty)")
def test_on_a_terminal_a_new_question_is_asked(project):
    """Without --yes on a terminal (a pty here), the question N+1 adds is asked (questionary,
    through copier) and the answer is used; the derived answers are not asked."""
    import os
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: scaffold update on the pty
        os.chdir(project)
        os.execv(sys.executable, [sys.executable, "-m", "scaffold", "update"])
    seen, answered, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the pty
            break
        if not chunk:
            break
        seen += chunk
        if b"\x1b[6n" in chunk:  # prompt_toolkit asks where the cursor is
            os.write(fd, b"\x1b[1;1R")
        if not answered and b"max_width" in seen:
            time.sleep(0.5)
            os.write(fd, b"\x7f" * 5 + b"120\r")
            answered = True
    _, status = os.waitpid(pid, 0)
    text = seen.decode(errors="replace")
    assert answered and os.waitstatus_to_exitcode(status) == 0, text[-3000:]
    assert "free_threaded" not in text and "cibuildwheel" not in text
    assert (project / "rustfmt.toml").read_text() == "max_width = 120\n"


def test_a_checkout_materialises_its_release_history_once_in_the_user_cache(tmp_path, monkeypatch):
    """An editable install (this checkout) builds the bundles from releases.toml into the user
    cache on first use and reuses them; each release tag holds that commit's template tree."""
    from tests.conftest import REPO

    monkeypatch.delenv(history.HISTORY_ENV, raising=False)
    monkeypatch.delenv("SCAFFOLD_CACHE_DIR", raising=False)
    folder = history.history_dir()
    assert folder.parent == tmp_path / "cache" / "pyo3-scaffold" / "template-history"
    made = (folder / "workspace.bundle").stat().st_mtime_ns
    assert history.history_dir() == folder
    assert (folder / "workspace.bundle").stat().st_mtime_ns == made
    releases = history.read_releases(templates_root() / "releases.toml")
    for name in history.TEMPLATE_NAMES:
        assert history.versions(folder, name) == list(releases)
        clone = tmp_path / name
        _git(tmp_path, "init", "--quiet", "--bare", str(clone))
        _git(clone, "fetch", "--quiet", str(folder / f"{name}.bundle"), "refs/tags/*:refs/tags/*")
        for version, commit in releases.items():
            assert _git(clone, "rev-parse", f"{version}^{{tree}}") == _git(
                REPO, "rev-parse", f"{commit}:templates/{name}"
            ), (name, version)


def test_the_repository_examples_record_the_stable_reference():
    """The generated projects committed under examples/ name no machine path either."""
    from tests.conftest import REPO

    listed = _git(
        REPO, "ls-files", "examples/**/.copier-answers.yml", "examples/.copier-answers.yml"
    ).split()
    assert listed
    releases = history.read_releases(templates_root() / "releases.toml")
    for rel in listed:
        answers = yaml.safe_load((REPO / rel).read_text())
        assert history.template_of(answers["_src_path"])[1] is False, rel
        assert answers["_commit"] in releases, rel
