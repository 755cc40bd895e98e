"""`scaffold profile` refusals that come before any build: exit 2, one line saying what to do,
nothing written. (Missing and forbidden recorders on a real project: tests/e2e/test_profile.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.profiling import folded
from tests.conftest import lib_rs, pyo3_manifest, run_cli, snapshot, write_tree

PROFILER = {
    "Cargo.toml": """\
        [workspace]
        members = ["lib", "lib-profiler"]
        """,
    "lib/Cargo.toml": pyo3_manifest("lib"),
    "lib/src/lib.rs": lib_rs("lib", double=True),
    "lib-profiler/Cargo.toml": """\
        [package]
        name = "lib-profiler"
        version = "0.1.0"
        edition = "2021"

        [dependencies]
        lib = { path = "../lib", default-features = false }
        pyo3 = { version = "0.30", features = ["auto-initialize"] }
        """,
    "lib-profiler/src/main.rs": "fn main() {}\n",
}


def refused(root: Path, *args: str) -> str:
    before = snapshot(root)
    result = run_cli("profile", *args, cwd=root)
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "Traceback" not in result.stderr
    assert snapshot(root) == before
    return lines[-1]


def test_no_cargo_project(tmp_path):
    assert "no Cargo.toml" in refused(tmp_path)


def test_no_profiler_crate_suggests_add_profiler(tmp_path):
    files = {k: v for k, v in PROFILER.items() if not k.startswith("lib-profiler")}
    files["Cargo.toml"] = '[workspace]\nmembers = ["lib"]\n'
    write_tree(tmp_path, files)
    message = refused(tmp_path)
    assert "no profiler crate" in message and "scaffold add-profiler ." in message, message


def test_unknown_profiler_name_lists_the_profilers(tmp_path):
    write_tree(tmp_path, PROFILER)
    message = refused(tmp_path, "--profiler", "nope")
    assert "'nope'" in message and "lib-profiler" in message, message


def test_output_directory_missing(tmp_path):
    write_tree(tmp_path, PROFILER)
    message = refused(tmp_path, "--output", "missing/flame.svg")
    assert "missing/flame.svg" in message and "--output" in message, message


@pytest.mark.parametrize(
    "args",
    [
        ["--iterations", "0"],
        ["--iterations", "x"],
        ["--seconds", "0"],
        ["--seconds", "nan"],
        ["--top", "-1"],
        ["--recorder", "dtrace"],
    ],
)
def test_bad_options(tmp_path, args):
    write_tree(tmp_path, PROFILER)
    before = snapshot(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "scaffold", "profile", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "error: argument" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(tmp_path) == before


def test_arguments_after_double_dash_only_for_profile(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scaffold", "doctor", tmp_path, "--", "--x"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "unrecognized arguments: -- --x" in proc.stderr


def test_folded_stacks_self_and_total(tmp_path):
    stacks = tmp_path / "stacks.folded"
    stacks.write_text(
        "proc;_start;main;lib::hot;lib::hot 6\n"
        "proc;_start;main;other 3\n"
        "proc;_start;main 1\n"
        "not a stack line\n"
    )
    profile = folded.read(stacks)
    assert profile.total == 10
    is_library = folded.library_matcher(["lib"], ["lib/src/lib.rs"])
    hottest_self = profile.hottest("self", 2, is_library)
    assert [(f.name, f.samples, f.library) for f in hottest_self] == [
        ("lib::hot", 6, True),
        ("other", 3, False),
    ]
    # proc hands everything to _start; _start and main are the runtime's: none of them is
    # listed by total time. Recursion counts once.
    by_total = [(f.name, f.samples) for f in profile.hottest("total", 10, is_library)]
    assert by_total == [("lib::hot", 6), ("other", 3)]
    assert is_library("count (lib/src/lib.rs)") and not is_library("count (src/lib.rs)")
    assert is_library("<lib::Thing as core::fmt::Debug>::fmt")
    # every crate of the workspace is the project's own: a core crate beside the library
    with_core = folded.library_matcher(["lib", "lib_core"], ["core/src/lib.rs"])
    assert with_core("lib_core::sum") and with_core("f (core/src/lib.rs)")
    assert not with_core("lib_corex::sum")
    without_process = folded.read(stacks, skip_root=True)
    assert without_process.total == 10 and "proc" not in without_process.total_time


def test_the_templated_profiler_wins_over_other_binaries_that_embed_python(tmp_path):
    from scaffold.profiling import target
    from scaffold.workspace.loader import load

    files = dict(PROFILER)
    files["Cargo.toml"] = '[workspace]\nmembers = ["lib", "lib-profiler", "tool"]\n'
    files["tool/Cargo.toml"] = PROFILER["lib-profiler/Cargo.toml"].replace("lib-profiler", "tool")
    files["tool/src/main.rs"] = "fn main() {}\n"
    write_tree(tmp_path, files)
    assert "several profiler crates (lib-profiler, tool)" in refused(tmp_path)
    (tmp_path / "lib-profiler/.copier-answers.yml").write_text("profiler_crate: lib-profiler\n")
    chosen = target.find(load(tmp_path), None)
    assert (chosen.profiler.name, chosen.library.name) == ("lib-profiler", "lib")


def test_docs_page_documents_every_option():
    import argparse

    from scaffold.commands import profile

    parser = argparse.ArgumentParser()
    profile.register(parser)
    page = Path(__file__).resolve().parents[1] / "docs" / "commands" / "profile.md"
    section = page.read_text(encoding="utf-8").split("\n## ", 1)[0]
    options = [
        o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"
    ]
    assert len(options) == 8
    for option in options:
        assert f"`{option}" in section, option
    assert "`-- ARGS`" in section


def test_total_time_leaves_out_the_runtime_wrappers_not_the_programs_main(tmp_path):
    """What perf records of a Rust profiler: glibc's and Rust's start-up chain hold the whole
    run; the profiler's own `main` and the library are what the list should show."""
    stacks = tmp_path / "stacks.folded"
    runtime = (
        "prof;_start;__libc_start_main@@GLIBC_2.34;__libc_start_call_main;main;"
        "std::rt::lang_start_internal;std::rt::lang_start::{{closure}};"
        "std::sys::backtrace::__rust_begin_short_backtrace;"
        "core::ops::function::FnOnce::call_once;prof::main"
    )
    stacks.write_text(f"{runtime};prof::native;lib::count 70\n{runtime};prof::python;x 30\n")
    profile = folded.read(stacks, skip_root=True)
    names = [f.name for f in profile.hottest("total", 10, lambda _: False)]
    # prof::native and prof::python hand all their time to one callee: it stands for them.
    assert names == ["prof::main", "lib::count", "x"], names


CALLGRIND_ANNOTATE = """\
--------------------------------------------------------------------------------
Profile data file 'callgrind.out' (creator: callgrind-3.19.0)
--------------------------------------------------------------------------------
Events recorded:  Ir
Events shown:     Ir

--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
1,000 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir              file:function
--------------------------------------------------------------------------------
  990 (99.00%)  ???:0x000000000001ab70 [/usr/lib/ld-linux-x86-64.so.2]
  800 (80.00%)  src/lib.rs:demo_lib::count_primes [/t/profiling/demo-profiler]
  300 (30.00%)  src/lib.rs:demo_lib::is_prime'2 [/t/profiling/demo-profiler]
  200 (20.00%)  src/lib.rs:demo_lib::is_prime [/t/profiling/demo-profiler]

--------------------------------------------------------------------------------
-- Auto-annotated source: src/lib.rs
--------------------------------------------------------------------------------
Ir

9,970 (997.0%)  events annotated
  500 (50.00%)      while i * i <= n {
"""


def test_callgrind_summary_reads_only_the_function_table():
    """The 997% and the source lines of issue 26 came from the auto-annotated sources below
    the table; unnamed addresses are not frames either."""
    from scaffold.profiling.recorders import _annotated

    assert dict(_annotated(CALLGRIND_ANNOTATE)) == {
        "demo_lib::count_primes": 800,
        "demo_lib::is_prime": 300,
    }


def test_sample_counts_of_perf_script_and_folded_stacks(tmp_path):
    from scaffold.profiling.recorders import _folded_samples, _perf_samples

    script = tmp_path / "perf.script"
    sample = "prof 1 [000] 1.0: 1001001 cpu-clock:\n\t  5a lib::count (/t/prof)\n\t  9 main\n\n"
    script.write_text(sample * 3)
    assert _perf_samples(script) == 3
    stacks = tmp_path / "stacks.folded"
    stacks.write_text("a;b 4\na 2\nbroken\n")
    assert _folded_samples(stacks) == 6
