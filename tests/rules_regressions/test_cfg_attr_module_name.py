"""Issue 23 item 1: a `#[cfg_attr(feature = ..., pyo3(name = ...))]` on the `#[pymodule]`
names the module only in the builds with that feature (the build is tests/e2e/shapes.py's
`cfg_attr_name`, built, profiled and shipped in tests/e2e/test_add_profiler.py)."""

from __future__ import annotations

import pytest

from scaffold.profiler.plan import plan
from scaffold.workspace.loader import load
from tests.conftest import git_init, run_cli, snapshot
from tests.e2e import shapes
from tests.rules_regressions.helpers import check, codes


@pytest.mark.parametrize("features, module", [(None, "cfglib"), ('["other-name"]', "other")])
def test_profiler_calls_the_init_function_of_its_build(tmp_path, features, module):
    repo, _ = shapes.cfg_attr_name(tmp_path)
    if features:  # the wheel build enables it: the profiler gets it too, and the name
        pyproject = repo / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text().replace(
                'module-name = "cfglib"', f'module-name = "{module}"\nfeatures = {features}'
            )
        )
    ws = load(repo)
    (library,) = ws.members
    assert plan(ws, library, None, None).module_name == module
    assert codes(check(repo).stdout) == []  # PW401: the wheel's name is the backend's


def test_unsafe_fixes_leave_a_correct_module_name_alone(tmp_path):
    repo, _ = shapes.cfg_attr_name(tmp_path)
    git_init(repo)
    before = snapshot(repo)
    fixed = run_cli("fix-features", "--unsafe-fixes", repo)
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert snapshot(repo) == before
