"""`Crate.effective`: a dependency as cargo builds it, `workspace = true` resolved. Cargo is the
oracle: every entry is compared with what `cargo metadata --no-deps` reports for it."""

from __future__ import annotations

import json

import pytest

from scaffold.workspace.loader import load
from tests.conftest import build_env, run, write_tree

LEAF = """\
[package]
name = "{0}"
version = "0.1.0"
edition = "2021"
[features]
default = []
a = []
b = []
"""


@pytest.mark.needs_rust
def test_effective_matches_cargo_metadata(tmp_path):
    write_tree(
        tmp_path,
        {
            "Cargo.toml": """\
                [workspace]
                members = ["app"]
                resolver = "2"

                [workspace.dependencies]
                off = { path = "leaves/off", default-features = false, features = ["a"] }
                on-again = { path = "leaves/on-again", default-features = false }
                plain = { path = "leaves/plain", version = "0.1" }
                both-off = { path = "leaves/both-off", default-features = false }
                renamed = { path = "leaves/real", package = "real" }
                """,
            "app/Cargo.toml": """\
                [package]
                name = "app"
                version = "0.1.0"
                edition = "2021"

                [dependencies]
                off = { workspace = true, features = ["b"], optional = true }
                on-again = { workspace = true, default-features = true }
                plain = { workspace = true, default-features = false }
                both-off = { workspace = true, default-features = false }
                renamed.workspace = true
                direct = { path = "../leaves/direct", default-features = false, features = ["a"] }
                """,
            "app/src/lib.rs": "",
            **{
                f"leaves/{name}/Cargo.toml": LEAF.format(name)
                for name in ("off", "on-again", "plain", "both-off", "real", "direct")
            },
            **{
                f"leaves/{name}/src/lib.rs": ""
                for name in ("off", "on-again", "plain", "both-off", "real", "direct")
            },
        },
    )
    done = run(
        ["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"],
        tmp_path,
        env=build_env(),
    )
    app = next(p for p in json.loads(done.stdout)["packages"] if p["name"] == "app")
    cargo = {d.get("rename") or d["name"]: d for d in app["dependencies"]}
    crate = next(c for c in load(tmp_path).members if c.name == "app")
    assert {d.key for d in crate.dependencies} == set(cargo)
    for dep in crate.dependencies:
        ours, theirs = crate.effective(dep), cargo[dep.key]
        assert ours.package == theirs["name"], dep.key
        assert sorted(ours.features) == sorted(theirs["features"]), dep.key
        assert ours.optional == theirs["optional"], dep.key
        assert ours.default_features == theirs["uses_default_features"], dep.key
        assert theirs["req"] == (f"^{ours.version}" if ours.version else "*"), dep.key
        assert ours.path is not None
    # the cases that differ from the member's own words
    assert crate.effective(crate.dependencies_on("plain")[0]).default_features is True
    assert crate.effective(crate.dependencies_on("on-again")[0]).default_features is True
    assert crate.effective(crate.dependencies_on("off")[0]).features == ("a", "b")
