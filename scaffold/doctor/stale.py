"""Settings that silently change or break every PyO3 build: obsolete variables, and
per-build variables set globally (in the environment or in a Cargo config's `[env]`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scaffold.toml.textfile import TextFile

# PYTHON_SYS_EXECUTABLE: renamed to PYO3_PYTHON in 0.12 (CHANGELOG #1039), ignored since 0.14.
# PYO3_CROSS_INCLUDE_DIR: removed in 0.14.0 (CHANGELOG #1521).
OBSOLETE = {
    "PYTHON_SYS_EXECUTABLE": "ignored since PyO3 0.14; PyO3 reads PYO3_PYTHON",
    "PYO3_CROSS_INCLUDE_DIR": "removed in PyO3 0.14; PyO3 no longer reads C headers",
}
# Read by every PyO3 build script (pyo3-build-config 0.30.1 impl_.rs `is_extension_module`,
# `CrossCompileEnvVars::from_env`): set globally they turn every build, native ones included,
# into an extension-module or cross build.
PER_BUILD = {
    "PYO3_BUILD_EXTENSION_MODULE": "makes every build an extension-module build: binaries and "
    "tests that embed Python stop linking libpython",
    "PYO3_CROSS": "forces cross-compile configuration on every build",
    "PYO3_CROSS_LIB_DIR": "configures every build, native ones too, from this directory",
    "PYO3_CROSS_PYTHON_VERSION": "forces this Python version on every cross build",
    "PYO3_CROSS_PYTHON_IMPLEMENTATION": "forces this implementation on every cross build",
}


@dataclass
class Setting:
    name: str
    value: str
    where: str  # "environment" or the Cargo config file that sets it
    problem: str
    fix: str
    severity: str  # "warn" or "error"


def find(environ: dict[str, str], cargo_configs: list[Path]) -> list[Setting]:
    """Every stale or global setting in the environment and the given Cargo config files."""
    found = []
    sources = [("environment", environ)] + [(str(p), _config_env(p)) for p in cargo_configs]
    for where, values in sources:
        in_env = where == "environment"
        for name, value in values.items():
            unset = f"unset {name}" if in_env else f"remove {name} from [env] in {where}"
            if name in OBSOLETE:
                found.append(Setting(name, value, where, OBSOLETE[name], unset, "warn"))
            elif name in PER_BUILD:
                found.append(
                    Setting(
                        name,
                        value,
                        where,
                        PER_BUILD[name],
                        f"{unset}; let the build backend or `scaffold cross` "
                        "set it for the builds that need it",
                        "warn",
                    )
                )
            elif name == "PYO3_CONFIG_FILE" and not os.path.isabs(value):
                # impl_.rs `from_pyo3_config_file_env`: "PYO3_CONFIG_FILE must be an absolute path"
                found.append(
                    Setting(
                        name,
                        value,
                        where,
                        "is relative: PyO3 refuses it (build scripts run in another directory)",
                        "set it to an absolute path",
                        "error",
                    )
                )
            elif name == "PYO3_CONFIG_FILE" and not os.path.isfile(value):
                found.append(
                    Setting(
                        name,
                        value,
                        where,
                        "names a file that does not exist",
                        f"create it or {unset}",
                        "error",
                    )
                )
    return found


def cargo_configs(root: Path | None, environ: dict[str, str]) -> list[Path]:
    """Cargo config files that apply to builds in `root` (and the user-wide one)."""
    dirs = [root, *root.parents] if root else []
    cargo_home = Path(environ.get("CARGO_HOME", Path.home() / ".cargo"))
    found = []
    for directory in [d / ".cargo" for d in dirs] + [cargo_home]:
        for name in ("config.toml", "config"):
            path = directory / name
            if path.is_file() and path not in found:
                found.append(path)
                break
    return found


def _config_env(path: Path) -> dict[str, str]:
    """The `[env]` table of a Cargo config; a config cargo cannot parse is an error (cargo
    refuses to build with it), never read as "no settings"."""
    data = TextFile.read(path).parse()
    table = data.get("env", {})
    values = {}
    for name, value in table.items() if isinstance(table, dict) else ():
        if isinstance(value, dict):  # { value = "...", relative = true, force = ... }
            relative = value.get("relative") is True
            value = value.get("value")
            if relative and isinstance(value, str):
                value = str(path.parent.parent / value)
        if isinstance(value, str):
            values[name] = value
    return values
