"""The Python API: each command as a function, after copier's `run_copy`.

Keyword arguments, typed results (dataclasses), `scaffold.errors` exceptions (`UserError` and
its kin: the CLI prints them as one line and exits 2). Nothing here prints; the CLI
(`scaffold.commands`) parses flags, calls these functions and prints what they return.

    from scaffold import api

    report = api.check(path="path/to/project")
    for diagnostic in report.diagnostics:
        print(diagnostic.code, diagnostic.message)

One module per command (`scaffold.api.lint`, `scaffold.api.new`, ...), imported when its
function is first used; inside them, imports are made in the functions: `import scaffold.api`
costs nothing and `api.check` loads only the lint path (the cold check's budget).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing this package imports nothing
if TYPE_CHECKING:
    from scaffold.api.add import CrateAdded as CrateAdded
    from scaffold.api.add import add as add
    from scaffold.api.add_profiler import ProfilerAdded as ProfilerAdded
    from scaffold.api.add_profiler import add_profiler as add_profiler
    from scaffold.api.cross import CrossConfigured as CrossConfigured
    from scaffold.api.cross import cross as cross
    from scaffold.api.doctor import doctor as doctor
    from scaffold.api.lint import check as check
    from scaffold.api.lint import fix as fix
    from scaffold.api.new import Created as Created
    from scaffold.api.new import new as new
    from scaffold.api.profile import Profiled as Profiled
    from scaffold.api.profile import profile as profile
    from scaffold.api.testing import Tested as Tested
    from scaffold.api.testing import test as test
    from scaffold.api.update import Updated as Updated
    from scaffold.api.update import update as update
    from scaffold.api.upgrade import Upgraded as Upgraded
    from scaffold.api.upgrade import upgrade as upgrade

# name -> the module scaffold.api.<module> that defines it
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

    value = getattr(importlib.import_module(f"scaffold.api.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
