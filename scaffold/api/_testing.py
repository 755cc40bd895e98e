"""`test`: every test layer of a project."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffold.api._shared import _discover, _path

if TYPE_CHECKING:
    from scaffold.api._shared import StrPath
    from scaffold.testing.runner import Verdict


@dataclass
class Tested:
    """What `test` ran: one verdict per step, in order."""

    verdicts: list[Verdict]

    @property
    def failed_layers(self) -> list[str]:
        return sorted({v.step.layer for v in self.verdicts if not v.passed})

    @property
    def exit_code(self) -> int:
        """0 every layer passed; 1 one failed."""
        return 1 if self.failed_layers else 0


def test(
    *,
    path: StrPath = ".",
    layer: str | None = None,
    on_verdict: Callable[[Verdict], None] | None = None,
) -> Tested:
    """Run the project's test layers (`scaffold.testing.layers`): the libraries' Rust tests
    with the extension feature off, the default members' `cargo test`, pytest against a freshly
    built extension; `layer` ("rust" or "python") runs one. `on_verdict` sees each step."""
    import os

    from scaffold.testing import layers, runner
    from scaffold.workspace.discover import require_cargo
    from scaffold.workspace.loader import load

    path = _path(path)
    require_cargo(_discover(path))
    steps = layers.steps(load(path), layer, dict(os.environ))
    return Tested(runner.run(steps, on_verdict))
