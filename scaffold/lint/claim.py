"""What a rule's fix may change in the builds; `scaffold.lint.verify` holds fixes to it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """What a fix may change in the builds: these feature names, and package presence."""

    features: frozenset[str] = frozenset()
    presence: bool = False

    def describe(self) -> str:
        features = ", ".join(f"`{f}`" for f in sorted(self.features))
        what = f"only turns {features} on or off" if features else "changes no feature"
        where = (
            "; it may change which packages a build includes"
            if self.presence
            else "; no package enters or leaves any build"
        )
        return f"Verified against the feature model: in every build scenario the fix {what}{where}."
