"""`scaffold profile` on a generated project: the real cargo, perf, py-spy, valgrind and inferno.

One `scaffold new` project (module scope); its profiler is built once with the `profiling`
profile in the shared target directory and recorded by each test. Recorders that fail are
simulated with real scripts on PATH that print what perf / py-spy print when the kernel refuses.
Every run gets its own TMPDIR, which must be empty afterwards: no perf.data or partial SVG left.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.profiling import folded
from tests.conftest import TARGET_DIR, build_env, run_cli, snapshot

# What perf prints when perf_event_open is refused (tools/perf/util/evsel.c).
PERF_DENIED = """#!/bin/sh
echo "Error:" >&2
echo "Access to performance monitoring and observability operations is limited." >&2
echo "Consider adjusting /proc/sys/kernel/perf_event_paranoid setting to open" >&2
echo "perf_event_paranoid setting is 4:" >&2
exit 255
"""
# What py-spy prints when it may not read the process's memory (src/main.rs).
PY_SPY_DENIED = """#!/bin/sh
echo "Permission Denied: Try running again with elevated permissions by going 'sudo !!'" >&2
exit 1
"""
# What snapshots leave out: git, and the lock file cargo writes on the first build.
SKIP = (".git", "Cargo.lock")
PYTHON_CODE = "def python_side():\n    return m.count_primes(100_000)\npython_side()"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("profile")
    result = run_cli("new", "demo-lib", "--yes", "--no-git", cwd=where)
    assert result.exit_code == 0, result.stderr
    return where / "demo-lib"


def profile(
    project: Path, tmp_path: Path, *args: str, path_prefix: Path | None = None, **env: str
) -> subprocess.CompletedProcess:
    """`scaffold profile ARGS` in `project`, with a fresh TMPDIR that must end up empty."""
    scratch = tmp_path / f"tmp{len(list(tmp_path.glob('tmp*')))}"
    scratch.mkdir()
    environ = build_env(TMPDIR=str(scratch), **env)
    if path_prefix is not None:
        environ["PATH"] = f"{path_prefix}{os.pathsep}{environ['PATH']}"
    proc = subprocess.run(
        [sys.executable, "-m", "scaffold", "profile", *args],
        cwd=project,
        env=environ,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert list(scratch.iterdir()) == [], list(scratch.iterdir())
    return proc


def fake_tools(tmp_path: Path, **scripts: str) -> Path:
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in scripts.items():
        tool = bin_dir / name.replace("_", "-")
        tool.write_text(text)
        tool.chmod(0o755)
    return bin_dir


def hottest(stdout: str, title: str) -> list[str]:
    section = stdout.split(f"hottest frames by {title}:\n", 1)[1].split("\n\n", 1)[0]
    return section.splitlines()


@pytest.mark.e2e
def test_default_recorder_makes_the_flamegraph(project, tmp_path):
    """The default run (issue 26): long enough for a stable profile (>= 1,000 samples, said),
    no runtime wrapper in the total-time list, and the flamegraph beside the profiler binary
    in the target directory, so the run never dirties the project."""
    before = snapshot(project, SKIP)
    proc = profile(project, tmp_path, "--yes")
    assert proc.returncode == 0, proc.stderr
    recorder = re.search(r"^recorder: (\S+) \(--recorder auto\)$", proc.stderr, re.M)
    assert recorder, proc.stderr
    written = TARGET_DIR / "profiling" / "flamegraph.svg"
    svg = written.read_text()
    written.unlink()
    assert svg.startswith("<?xml") and "</svg>" in svg
    # The library's Rust function from src/lib.rs, by path (perf) or by file (py-spy).
    assert re.search(r"<title>(demo_lib::)?count_primes[ <(]", svg), svg[:2000]
    assert re.search(
        r"^\s+[\d.]+%  \* (demo_lib::count_primes|count_primes \(crates/demo-lib/)",
        proc.stdout,
        re.M,
    ), proc.stdout
    if recorder.group(1) == "perf":  # the template's #[inline(never)] entry point
        assert "<title>demo_lib_profiler::native_workload (" in svg
    assert re.search(r"^native  \d+ iterations in", proc.stdout, re.M), proc.stdout
    assert re.search(r"^python  \d+ iterations in", proc.stdout, re.M), proc.stdout
    samples = re.search(rf"^{recorder.group(1)}: ([\d,]+) samples", proc.stdout, re.M)
    assert samples and int(samples.group(1).replace(",", "")) >= 1_000, proc.stdout
    assert "too few for stable percentages" not in proc.stderr
    by_total = [
        line.split(maxsplit=1)[1].lstrip("* ") for line in hottest(proc.stdout, "total time")
    ]
    assert by_total and not [n for n in by_total if folded.RUNTIME_FRAMES.match(n)], by_total
    assert proc.stdout.rstrip().endswith(f"flamegraph: {written}"), proc.stdout
    assert snapshot(project, SKIP) == before


@pytest.mark.e2e
def test_py_spy_names_python_and_rust_frames(project, tmp_path):
    output = tmp_path / "py-spy.svg"
    # Enough iterations that the workload, not the interpreter's start-up (a site-packages
    # .pth may import a dozen modules first), is what py-spy mostly sees.
    proc = profile(
        project,
        tmp_path,
        "--recorder",
        "py-spy",
        "--iterations",
        "1000",
        "--python",
        PYTHON_CODE,
        "--output",
        str(output),
        "--yes",
    )
    assert proc.returncode == 0, proc.stderr
    svg = output.read_text()
    assert "<title>python_side (&lt;workload&gt;)" in svg, svg[:2000]
    assert "<title>count_primes (crates/demo-lib/src/lib.rs)" in svg
    assert any(
        "* count_primes (crates/demo-lib/src/lib.rs)" in line
        for line in hottest(proc.stdout, "self time")
    ), proc.stdout
    # Paths are shortened: the flamegraph names nothing of this machine.
    assert str(project) not in svg and str(Path.home()) not in svg


@pytest.mark.e2e
def test_auto_goes_past_perf_when_it_is_not_permitted(project, tmp_path):
    fake = fake_tools(tmp_path, perf=PERF_DENIED)
    output = tmp_path / "flame.svg"
    proc = profile(
        project, tmp_path, "--output", str(output), "--iterations", "100", "--yes", path_prefix=fake
    )
    assert proc.returncode == 0, proc.stderr
    assert "perf cannot record here: perf is not permitted" in proc.stderr, proc.stderr
    assert "recorder: py-spy (--recorder auto)" in proc.stderr
    assert "count_primes" in output.read_text()


@pytest.mark.e2e
def test_perf_not_permitted_is_one_line_with_the_fix(project, tmp_path):
    fake = fake_tools(tmp_path, perf=PERF_DENIED)
    before = snapshot(project, SKIP)
    output = tmp_path / "flame.svg"
    proc = profile(
        project, tmp_path, "--recorder", "perf", "--output", str(output), "--yes", path_prefix=fake
    )
    assert proc.returncode == 2, proc.stderr
    error = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "perf is not permitted" in error[0], proc.stderr
    assert "sudo sysctl kernel.perf_event_paranoid=1" in error[0]
    assert not output.exists() and snapshot(project, SKIP) == before


@pytest.mark.e2e
def test_missing_recorder_and_renderer_fail_before_building(project, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    proc = profile(project, tmp_path, "--recorder", "perf", PATH=str(empty))
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: perf is not installed; install perf"), proc.stderr
    assert "building" not in proc.stderr
    # perf is there, inferno is not (PATH and CARGO_HOME without it), no --yes, no terminal.
    only_perf = fake_tools(tmp_path, perf=PERF_DENIED)
    proc = profile(
        project, tmp_path, "--recorder", "perf", PATH=str(only_perf), CARGO_HOME=str(empty)
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: inferno-flamegraph (the flamegraph renderer) is not installed; install it with "
        "`cargo install --locked inferno`, or pass --yes to install it"
    ), proc.stderr
    assert not (project / "flamegraph.svg").exists()


@pytest.mark.e2e
def test_neither_can_record_falls_back_to_callgrind_text(project, tmp_path):
    fake = fake_tools(tmp_path, perf=PERF_DENIED, py_spy=PY_SPY_DENIED)
    before = snapshot(project, SKIP)
    proc = profile(project, tmp_path, "--iterations", "1", "--top", "40", "--yes", path_prefix=fake)
    assert proc.returncode == 1, proc.stderr
    assert "recorder: callgrind (--recorder auto)" in proc.stderr
    assert "no flamegraph: callgrind records call edges, not stacks" in proc.stderr
    assert "sudo sysctl kernel.perf_event_paranoid=1" in proc.stderr
    assert "--cap-add SYS_PTRACE" in proc.stderr
    assert any(
        line.endswith("* demo_lib::count_primes") for line in hottest(proc.stdout, "self time")
    ), proc.stdout
    assert "flamegraph:" not in proc.stdout
    # Only the function table of callgrind_annotate: shares of the total, function names.
    listed = hottest(proc.stdout, "self time") + hottest(proc.stdout, "total time")
    shares = [float(line.split("%")[0]) for line in listed]
    assert shares and max(shares) <= 100.0, listed
    assert not [line for line in listed if "events annotated" in line or " 0x" in line], listed
    assert not (project / "flamegraph.svg").exists() and snapshot(project, SKIP) == before


@pytest.mark.e2e
def test_project_given_a_profiler_by_add_profiler(tmp_path):
    """A workspace without `[profile.profiling]` (add-profiler adds none): the profile comes
    from `cargo --config`, no file changes. Same release settings as the module's project, so
    PyO3 is not built again."""
    assert (
        run_cli("new", "plain-lib", "--yes", "--no-git", "--no-profiler", cwd=tmp_path).exit_code
        == 0
    )
    repo = tmp_path / "plain-lib"
    manifest = repo / "Cargo.toml"
    text = manifest.read_text()
    manifest.write_text(text[: text.index("\n# `cargo profile`")] + "\n")
    assert "profiling" not in manifest.read_text()
    assert run_cli("add-profiler", repo, "--allow-no-vcs").exit_code == 0
    before = snapshot(repo, SKIP)
    output = tmp_path / "flame.svg"
    proc = profile(
        repo,
        tmp_path,
        "--iterations",
        "100",
        "--python",
        "m.count_primes(200_000)",
        "--output",
        str(output),
        "--yes",
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        '--config profile.profiling.inherits="release" '
        '--config profile.profiling.debug="line-tables-only"'
    ) in proc.stderr, proc.stderr
    svg = output.read_text()
    assert "plain-lib-profiler (" in svg and "count_primes" in svg
    assert snapshot(repo, SKIP) == before
