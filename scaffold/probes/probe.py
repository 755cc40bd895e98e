"""Run an interpreter once and ask it what PyO3's build script would ask: version,
implementation, where libpython is and whether it is shared, plus the build backends it has."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Runs on any Python 3 (no f-strings, no walrus): PyO3 may pick an old interpreter.
_SCRIPT = r"""
import json, platform, sys, sysconfig
def pkg(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return None
v = sysconfig.get_config_var
print(json.dumps({
    "executable": sys.executable,
    "version": list(sys.version_info[:3]),
    "implementation": platform.python_implementation(),
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "libdir": v("LIBDIR"),
    "ldlibrary": v("LDLIBRARY"),
    "instsoname": v("INSTSONAME"),
    "shared": bool(v("Py_ENABLE_SHARED")) or bool(v("PYTHONFRAMEWORK")),
    "framework_prefix": v("PYTHONFRAMEWORKPREFIX"),
    "gil_disabled": bool(v("Py_GIL_DISABLED")),
    "packages": {"maturin": pkg("maturin"), "setuptools-rust": pkg("setuptools-rust")},
}))
"""


class ProbeError(Exception):
    """The interpreter could not be run or did not answer."""


@dataclass
class Interpreter:
    executable: str
    version: tuple[int, int, int]
    implementation: str
    base_prefix: str
    libdir: str | None
    ldlibrary: str | None
    instsoname: str | None
    shared: bool
    framework_prefix: str | None = None
    gil_disabled: bool = False
    packages: dict[str, str | None] = field(default_factory=dict)

    @property
    def minor(self) -> tuple[int, int]:
        return self.version[0], self.version[1]

    @property
    def label(self) -> str:
        version = ".".join(map(str, self.version)) + ("t" if self.gil_disabled else "")
        return f"{self.implementation} {version}"


def probe(
    command: str, env: dict[str, str] | None = None, timeout: float = 60, cwd: Path | None = None
) -> Interpreter:
    """Run `command -c SCRIPT` as PyO3 does (no isolation flags) and parse its answer; `cwd`
    matters for version managers (pyenv's `.python-version`)."""
    try:
        proc = subprocess.run(
            [command, "-c", _SCRIPT],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=timeout,
            cwd=cwd,
        )
    except OSError as error:
        raise ProbeError(f"cannot run {command}: {error.strerror}") from None
    except subprocess.TimeoutExpired:
        raise ProbeError(f"{command} did not answer within {timeout:.0f}s") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProbeError(f"{command} exited {proc.returncode}: {last}")
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        data["version"] = tuple(data["version"])
        return Interpreter(**data)
    except (ValueError, IndexError, TypeError, KeyError):
        raise ProbeError(f"{command} is not a Python 3 interpreter PyO3 can query") from None
