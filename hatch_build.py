"""Hatch build hook: ship the templates' release history (scaffold/render/history.py).

The sdist has no `.git`, so building it makes `templates/history/NAME.bundle` from this
repository's history and `templates/releases.toml`, and includes them; the wheel built from that
sdist ships them as `scaffold/templates/history/` (through the `templates` force-include). A
wheel built straight from a checkout makes them the same way. Editable installs skip this: the
tool builds the bundles from the checkout on first use. The sdist (a release) is refused when
the templates differ from the newest release's: its projects would record the wrong version.
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
            "_scaffold_history", root / "scaffold" / "render" / "history.py"
        )
        history = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(history)
        out = Path(tempfile.mkdtemp(prefix="scaffold-bundles."))
        try:
            releases = history.read_releases(root / "templates" / "releases.toml")
            changed = history.unreleased(root, releases) if self.target_name == "sdist" else []
            history.build_bundles(root, releases, out)
        except history.HistoryError as error:
            raise RuntimeError(f"cannot build the template history: {error}") from None
        if changed:  # the sdist is what a release ships (docs/commands/update.md, "Releasing")
            last = history.newest(releases)
            raise RuntimeError(
                f"templates/{' and templates/'.join(changed)} changed since release {last} "
                f"({releases[last][:7]}): projects would record {last} for other templates; "
                "commit them and add their release to templates/releases.toml"
            )
        prefix = "templates" if self.target_name == "sdist" else "scaffold/templates"
        for name in NAMES:
            build_data["force_include"][str(out / f"{name}.bundle")] = (
                f"{prefix}/history/{name}.bundle"
            )
