"""The Python API: each command as a function, after copier's `run_copy`.

Keyword arguments, typed results (dataclasses), `scaffold.errors` exceptions (`UserError` and
its kin: the CLI prints them as one line and exits 2). Nothing here prints; the CLI
(`scaffold.commands`) parses flags, calls these functions and prints what they return.

    from scaffold import api

    report = api.check(path="path/to/project")
    for diagnostic in report.diagnostics:
        print(diagnostic.code, diagnostic.message)

One private module per command (`scaffold.api._lint`, `scaffold.api._new`, ...: a module named
like its function would replace the function on the package once imported), loaded when its
function is first used; inside them, imports are made in the functions: `import scaffold.api`
costs nothing and `api.check` loads only the lint path (the cold check's budget).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing this package imports nothing
if TYPE_CHECKING:
    from scaffold.api._add import CrateAdded as CrateAdded
    from scaffold.api._add import add as add
    from scaffold.api._add_profiler import ProfilerAdded as ProfilerAdded
    from scaffold.api._add_profiler import add_profiler as add_profiler
    from scaffold.api._cross import CrossConfigured as CrossConfigured
    from scaffold.api._cross import cross as cross
    from scaffold.api._doctor import doctor as doctor
    from scaffold.api._lint import check as check
    from scaffold.api._lint import fix as fix
    from scaffold.api._new import Created as Created
    from scaffold.api._new import new as new
    from scaffold.api._profile import Profiled as Profiled
    from scaffold.api._profile import profile as profile
    from scaffold.api._testing import Tested as Tested
    from scaffold.api._testing import test as test
    from scaffold.api._update import Updated as Updated
    from scaffold.api._update import update as update
    from scaffold.api._upgrade import Upgraded as Upgraded
    from scaffold.api._upgrade import upgrade as upgrade

# name -> the command whose module, scaffold.api._<command>, defines it
_EXPORTS = {
    "check": "lint",
    "fix": "lint",
    "doctor": "doctor",
    "ProfilerAdded": "add_profiler",
    "add_profiler": "add_profiler",
    "CrateAdded": "add",
    "add": "add",
    "Tested": "testing",
    "test": "testing",
    "Upgraded": "upgrade",
    "upgrade": "upgrade",
    "Created": "new",
    "new": "new",
    "CrossConfigured": "cross",
    "cross": "cross",
    "Profiled": "profile",
    "profile": "profile",
    "Updated": "update",
    "update": "update",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    """A command's function or result type, its module imported on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scaffold.api' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"scaffold.api._{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
