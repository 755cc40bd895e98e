"""This repository's own workflows (.github/workflows, issue 27): GitHub's workflow schema and
zizmor's audits (offline, every persona, `.github/zizmor.yml` allowing major-version pins as the
generated workflows use), least privilege, what each job runs, and the release's notes from
CHANGELOG.md. The artifacts the release checks are built and checked in tests/test_install.py.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from scaffold import __version__
from scaffold.render import history
from tests.conftest import REPO, write_tree
from tests.test_new_variants import KNOWN_ACTIONS

BIN = Path(sysconfig.get_path("scripts"))  # console scripts (Scripts on Windows)
WORKFLOWS = REPO / ".github" / "workflows"
SCRIPTS = REPO / ".github" / "scripts"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def load(name: str) -> dict:
    flow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    flow["on"] = flow.pop(True, flow.get("on"))  # YAML 1.1 reads the key `on` as True
    return flow


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def pins(text: str) -> dict[str, str]:
    return dict(re.findall(r"([A-Za-z][\w.-]*)==([\w.]+)", text))


def test_workflows_validate_with_check_jsonschema_and_zizmor():
    paths = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert [Path(p).name for p in paths] == ["ci.yml", "release.yml"]
    schema = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [
            BIN / "zizmor",
            "--offline",
            "--persona",
            "pedantic",
            "--format",
            "json",
            REPO / ".github",
        ],
        capture_output=True,
        text=True,
    )
    assert json.loads(audit.stdout) == [], audit.stdout
    # Without the configuration, only the major-version pins are findings.
    strict = subprocess.run(
        [BIN / "zizmor", "--offline", "--no-config", "--format", "json", *paths],
        capture_output=True,
        text=True,
    )
    assert {f["ident"] for f in json.loads(strict.stdout)} == {"unpinned-uses"}


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_least_privilege_and_no_persisted_credentials(name):
    flow = load(name)
    assert flow["permissions"] == {}
    for job_name, job in flow["jobs"].items():
        assert "permissions" in job, job_name
        for step in steps(job):
            uses = step.get("uses", "")
            if uses:
                assert uses in KNOWN_ACTIONS, uses
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, job_name
    writes = {
        (job_name, scope)
        for job_name, job in flow["jobs"].items()
        for scope, level in job["permissions"].items()
        if level == "write"
    }
    expected = (
        {("publish", "id-token"), ("publish", "attestations"), ("github-release", "contents")}
        if name == "release.yml"
        else set()
    )
    assert writes == expected


def test_ci_runs_lint_types_and_the_tests_on_three_systems_for_every_python():
    jobs = load("ci.yml")["jobs"]
    assert {"python -m ruff check", "python -m ruff format --check", "python -m mypy scaffold"} <= (
        set(runs(jobs["lint"]).splitlines())
    )
    matrix = jobs["tests"]["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    floor = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert matrix["python"][0] == floor
    assert matrix["python"] == [f"3.{minor}" for minor in range(11, 15)]
    assert 'python -m pytest -m "not e2e and not needs_rust"' in runs(jobs["tests"])
    assert "command -v cargo || command -v rustc" in runs(jobs["tests"])  # none on PATH
    # The selection's markers are the ones conftest knows (a typo would select everything).
    assert {m.split(":")[0] for m in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]} == {
        "e2e",
        "needs_rust",
    }
    assert "bash .ci/run" in runs(jobs["e2e-linux"])
    assert "python -m pytest -m e2e tests/e2e/test_new.py" in runs(jobs["e2e-macos"])
    assert jobs["e2e-macos"]["runs-on"].startswith("macos")
    # The template history is built from git: every job that runs tests fetches all of it.
    for name in ("tests", "e2e-linux", "e2e-macos"):
        checkout = next(s for s in steps(jobs[name]) if s.get("uses", "").startswith("actions/ch"))
        assert checkout["with"]["fetch-depth"] == 0, name


def test_release_builds_once_checks_attests_and_publishes_with_trusted_publishing():
    flow = load("release.yml")
    assert flow["on"] == {"push": {"tags": ["v*"]}}
    build, publish, release = (flow["jobs"][n] for n in ("build", "publish", "github-release"))
    script = runs(build)
    assert script.count("python -m build") == 1 and "--sdist" not in script  # sdist -> wheel
    assert "twine check --strict dist/*" in script
    assert "check-wheel-contents" in script and "check_dist.py dist" in script
    assert "changelog_entry.py" in script
    # The checkers are the versions the test extra pins (tests/test_install.py runs those).
    extra = pins(" ".join(PYPROJECT["project"]["optional-dependencies"]["test"]))
    for tool in ("twine", "check-wheel-contents"):
        assert pins(script)[tool] == extra[tool], tool
    assert publish["needs"] == ["build"] and publish["environment"]["name"] == "pypi"
    assert any(s.get("uses", "").startswith("actions/attest@") for s in steps(publish))
    assert "uv publish --trusted-publishing always" in runs(publish)
    assert release["needs"] == ["publish"]
    assert "gh release create" in runs(release) and "--notes-file" in runs(release)


def _entry(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, SCRIPTS / "changelog_entry.py", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def test_changelog_has_every_release_and_the_release_notes_come_from_it(tmp_path):
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## [Unreleased]\n" in changelog
    releases = history.read_releases(REPO / "templates" / "releases.toml")
    assert __version__ in releases
    headings = re.findall(r"^## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.MULTILINE)
    assert [v for v, _ in headings] == sorted(releases, key=Version, reverse=True)
    for version in releases:
        notes = _entry(f"v{version}")
        assert notes.returncode == 0, notes.stderr
        assert notes.stdout.startswith("### ") and "## [" not in notes.stdout
    missing = _entry("v9.9.9")
    assert missing.returncode == 1
    assert missing.stderr == (
        "error: CHANGELOG.md: no entry for 9.9.9; add `## [9.9.9] - DATE`\n"
    ), missing.stderr
    empty = tmp_path / "CHANGELOG.md"
    empty.write_text("## [1.0.0] - 2026-01-01\n\n## [0.9.0] - 2025-01-01\n- x\n", encoding="utf-8")
    assert _entry("1.0.0", str(empty)).returncode == 1
    assert _entry("0.9.0", str(empty)).stdout == "- x\n"


def _bundle(tmp_path: Path, tag: str) -> bytes:
    """A git bundle holding one commit tagged `tag` (what a template's history looks like)."""
    repo = tmp_path / f"bundle-{tag}"
    write_tree(repo, {"copier.yml": "a: 1\n"}, git=True)
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "tag", tag], check=True)
    subprocess.run([*git, "bundle", "create", "--quiet", "b.bundle", "--all"], check=True)
    return (repo / "b.bundle").read_bytes()


def _dist(tmp_path: Path, version: str, bundle: bytes, drop: str = "") -> Path:
    """A minimal sdist and wheel of pyo3-scaffold `version`, without the file `drop`."""
    dist = tmp_path / "dist"
    dist.mkdir()
    base, info = f"pyo3_scaffold-{version}", f"pyo3_scaffold-{version}.dist-info"
    files = {
        "templates/releases.toml": b"[releases]\n",
        "templates/workspace/copier.yml": b"a: 1\n",
        "templates/profiler/copier.yml": b"a: 1\n",
        "templates/history/workspace.bundle": bundle,
        "templates/history/profiler.bundle": bundle,
    }
    sdist_files = {
        **files,
        "pyproject.toml": b"",
        "hatch_build.py": b"",
        "LICENSE": b"",
        "README.md": b"",
    }
    wheel_files = {
        **{f"scaffold/{name}": data for name, data in files.items()},
        "scaffold/__init__.py": b"",
        "scaffold/cli.py": b"",
        f"{info}/licenses/LICENSE": b"",
        f"{info}/entry_points.txt": b"",
    }
    with tarfile.open(dist / f"{base}.tar.gz", "w:gz") as archive:
        for name, data in sdist_files.items():
            if name != drop:
                member = tarfile.TarInfo(f"{base}/{name}")
                member.size = len(data)
                archive.addfile(member, io.BytesIO(data))
    with zipfile.ZipFile(dist / f"{base}-py3-none-any.whl", "w") as archive:
        for name, data in wheel_files.items():
            if name != f"scaffold/{drop}" and name != drop:
                archive.writestr(name, data)
    return dist


def _check_dist(dist: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, SCRIPTS / "check_dist.py", dist], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("version", "drop", "error"),
    [
        ("1.0.0", "", None),
        ("1.0.0", "LICENSE", "pyo3_scaffold-1.0.0.tar.gz: lacks LICENSE"),
        (
            "1.0.0",
            "templates/history/profiler.bundle",
            "pyo3_scaffold-1.0.0-py3-none-any.whl: lacks "
            "scaffold/templates/history/profiler.bundle",
        ),
        (
            "1.0.0",
            "pyo3_scaffold-1.0.0.dist-info/licenses/LICENSE",
            "pyo3_scaffold-1.0.0-py3-none-any.whl: lacks "
            "pyo3_scaffold-1.0.0.dist-info/licenses/LICENSE",
        ),
        ("2.0.0", "", "the workspace template's history has releases ['1.0.0'], not 2.0.0"),
    ],
)
def test_check_dist_names_what_the_artifacts_lack(version, drop, error, tmp_path):
    """The release's contents check fails on each thing it checks (test_install runs it on the
    real artifacts, where it passes)."""
    done = _check_dist(_dist(tmp_path, version, _bundle(tmp_path, "1.0.0"), drop))
    if error is None:
        assert done.returncode == 0 and done.stdout.startswith("pyo3-scaffold 1.0.0:"), done
    else:
        assert done.returncode == 1 and error in done.stderr, done.stderr
