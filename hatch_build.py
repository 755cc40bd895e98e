"""Hatch build hook: ship the templates' release history (scaffold/render/history.py).

The sdist has no `.git`, so building it makes `templates/history/NAME.bundle` from this
repository's history and `templates/releases.toml`, and includes them; the wheel built from that
sdist ships them as `scaffold/templates/history/` (through the `templates` force-include). A
wheel built straight from a checkout makes them the same way. Editable installs skip this: the
tool builds the bundles from the checkout on first use.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

NAMES = ("workspace", "profiler")


class TemplateHistoryHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        if all((root / "templates" / "history" / f"{n}.bundle").is_file() for n in NAMES):
            return  # an unpacked sdist: the templates force-include carries them
        spec = importlib.util.spec_from_file_location(
            "_scaffold_history", root / "scaffold" / "render" / "history.py")
        history = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(history)
        out = Path(tempfile.mkdtemp(prefix="scaffold-bundles."))
        try:
            history.build_bundles(root, history.read_releases(root / "templates" /
                                                              "releases.toml"), out)
        except history.HistoryError as error:
            raise RuntimeError(f"cannot build the template history: {error}") from None
        prefix = "templates" if self.target_name == "sdist" else "scaffold/templates"
        for name in NAMES:
            build_data["force_include"][str(out / f"{name}.bundle")] = (
                f"{prefix}/history/{name}.bundle")
