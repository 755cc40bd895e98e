"""The one gate every fix passes: resolve every build scenario before and after, compare.

A rule declares what its fix may change (`FIX_CHANGES`, a `Claim`): which feature names may
turn on or off, and whether packages may enter or leave a build's graph. Everything else must
resolve exactly as before in every scenario that exists on both sides (scenarios come from
`scaffold.workspace.scenarios`, the resolution from `scaffold.workspace.features`).
"""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.lint.claim import Claim
from scaffold.workspace.features import FeatureError, Resolution, resolve
from scaffold.workspace.model import Workspace
from scaffold.workspace.packages import build_graph
from scaffold.workspace.scenarios import scenarios


@dataclass(frozen=True)
class Change:
    """How one package resolves differently in one scenario."""

    scenario: str
    package: str
    on: tuple[str, ...] = ()
    off: tuple[str, ...] = ()
    presence: str | None = None  # "enters" or "leaves" the graph

    def text(self) -> str:
        if self.presence:
            return f"`{self.scenario}`: {self.package} {self.presence} the build"
        parts = [f"+{f}" for f in self.on] + [f"-{f}" for f in self.off]
        return f"`{self.scenario}`: {self.package} {' '.join(parts)}"

    def json(self) -> dict:
        return {
            "scenario": self.scenario,
            "package": self.package,
            "enabled": list(self.on),
            "disabled": list(self.off),
            "presence": self.presence,
        }


Snapshot = dict[str, Resolution]


def snapshot(ws: Workspace) -> Snapshot:
    """Every scenario of the workspace resolved; FeatureError when cargo would reject it."""
    graph = build_graph(ws)
    found = {}
    for scenario in scenarios(ws, ws.extensions()):
        try:
            found[scenario.name] = resolve(graph, scenario)
        except FeatureError:  # a flag this workspace's packages do not accept: not a build
            continue
    return found


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    found = []
    for name in before.keys() & after.keys():
        old, new = before[name], after[name]
        for package in sorted(old.present | new.present):
            if (package in old.present) != (package in new.present):
                found.append(
                    Change(name, package, presence="enters" if package in new.present else "leaves")
                )
                continue
            was, now = (
                old.features.get(package, frozenset()),
                new.features.get(package, frozenset()),
            )
            if was != now:
                found.append(
                    Change(name, package, tuple(sorted(now - was)), tuple(sorted(was - now)))
                )
    return sorted(found, key=lambda c: (c.scenario, c.package))


def violations(claim: Claim, found: list[Change]) -> list[str]:
    """The changes `claim` does not cover, as text (empty: the fix does what it says)."""
    bad = []
    for change in found:
        if change.presence and not claim.presence:
            bad.append(change.text())
        elif not change.presence and set(change.on + change.off) - claim.features:
            extra = sorted(set(change.on + change.off) - claim.features)
            bad.append(
                f"`{change.scenario}`: {change.package} "
                + " ".join(("+" if f in change.on else "-") + f for f in extra)
            )
    return bad
