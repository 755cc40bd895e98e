"""## What
A top-level key of a `Cargo.toml`, or a key of its `[workspace]` table, that cargo does not
know, such as `[dependecies]` or `[workspace.dependecies]`.

## Why
Cargo ignores such a key with only a warning (`warning: unused manifest key: dependecies`),
which `cargo metadata` does not even print: the dependencies, features or settings written
there do not exist for any build. The rules, like cargo, read only the keys cargo reads.

## Example
```toml
[dependecies]
pyo3 = "0.28"
```

## Fix (by hand)
Rename the key to the one meant (`dependencies`), or remove it. No automatic fix: the rename
changes what every build compiles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.lint.diagnostic import Applicability, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.textfile import TextFile

CODE = "PW104"
NAME = "unused-manifest-key"
SUMMARY = "A `Cargo.toml` key cargo does not know and ignores (e.g. `[dependecies]`)"
FIX_TITLE = "Rename or remove the key (by hand)"
APPLICABILITY = Applicability.DISPLAY_ONLY


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    manifests: dict[object, tuple[TextFile, dict]] = {
        ws.root_file.path: (ws.root_file, ws.root_data)
    }
    for crate in ws.members:
        manifests.setdefault(crate.path, (crate.file, crate.data))
    for file, data in manifests.values():
        for table, key in _unknown_keys(data):
            yield ctx.finding(
                file,
                table,
                key,
                f"unused manifest key: {'.'.join((*table, key))} (cargo ignores it"
                f"{_did_you_mean(key, table)})",
                severity=Severity.INFO,
            )


def _unknown_keys(data: dict) -> Iterator[tuple[tuple[str, ...], str]]:
    for key in data:
        if key not in facts.CARGO_MANIFEST_KEYS:
            yield (), key
    workspace = data.get("workspace")
    if isinstance(workspace, dict):
        for key in workspace:
            if key not in facts.CARGO_WORKSPACE_KEYS:
                yield ("workspace",), key


def _did_you_mean(key: str, table: tuple[str, ...]) -> str:
    import difflib  # only for a finding: a clean check never imports it

    known = facts.CARGO_WORKSPACE_KEYS if table else facts.CARGO_MANIFEST_KEYS
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""
