"""The builds a PyO3 workspace sees, as feature-model scenarios with stable names.

- `cargo build`, `cargo build --workspace`, `cargo test`: a user at the workspace root;
- `wheel C`: the backend's build of extension crate C (`cargo rustc --lib` of that package,
  with maturin's `[tool.maturin] features` / `no-default-features` / `all-features`, or
  setuptools-rust's `features=` and `args=`);
- `cargo test -p C` for each extension crate, `cargo build -p B` for each member with a binary
  (a profiler or a tool embedding Python).
"""

from __future__ import annotations

from scaffold.workspace.features import Scenario
from scaffold.workspace.model import Extension, Workspace


def scenarios(ws: Workspace, extensions: list[Extension]) -> list[Scenario]:
    found = [
        Scenario("cargo build"),
        Scenario("cargo build --workspace", workspace=True),
        Scenario("cargo test", dev=True),
    ]
    for ext in extensions:
        found.append(wheel(ext))
        found.append(Scenario(f"cargo test -p {ext.crate.name}", (ext.crate.name,), dev=True))
    extension_crates = {ext.crate.path for ext in extensions}
    for crate in ws.members:
        if crate.path not in extension_crates and crate.has_binary:
            found.append(Scenario(f"cargo build -p {crate.name}", (crate.name,)))
    return list(dict.fromkeys(found))


def wheel(ext: Extension) -> Scenario:
    declared = ext.declared_by
    features = list(declared.features) if declared else []
    args = list(declared.args) if declared else []
    no_default = all_features = False
    while args:
        arg = args.pop(0)
        if arg in ("--features", "-F") and args:
            features += _split(args.pop(0))
        elif arg.startswith("--features="):
            features += _split(arg.split("=", 1)[1])
        elif arg == "--no-default-features":
            no_default = True
        elif arg == "--all-features":
            all_features = True
    return Scenario(
        f"wheel {ext.crate.name}",
        (ext.crate.name,),
        features=tuple(features),
        no_default_features=no_default,
        all_features=all_features,
    )


def _split(value: str) -> list[str]:
    return [f for f in value.replace(",", " ").split() if f]
