"""Hypothesis strategies: PyO3 workspaces whose manifests spell the same data every way TOML can.

A workspace is drawn as data first (plain dicts, the way tomllib returns them, dependency specs
always as tables), then every table is written with drawn spellings: dependencies as strings,
inline tables, `[dependencies.x]` tables or dotted keys, target-specific tables, tables in any
order, dotted keys at the top, comments on every line and between lines, arrays on one line or
several with trailing commas, `key=value` or `key = value`, basic or literal strings, CRLF line
endings and a BOM. `draw_workspace` checks that the text parses back to the data.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from hypothesis import strategies as st

from tests.conftest import lib_rs

DEP_KINDS = ("dependencies", "dev-dependencies", "build-dependencies")
_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")
COMMENTS = [
    "# note",
    "#",
    "# ünïcödé comment",
    "# key = 'not a key'",
    "#[not-a-table]",
    "# trailing, with = signs",
]


@dataclass
class Workspace:
    """The drawn workspace: its files (relative path -> bytes) and the data they hold."""

    files: dict[str, bytes] = field(default_factory=dict)
    data: dict[str, dict] = field(default_factory=dict)  # manifests, as tomllib parses them

    def manifests(self) -> list[str]:
        return [name for name in self.data if name.endswith(".toml")]


def is_dependency_table(path: tuple[str, ...]) -> bool:
    return (
        (len(path) == 1 and path[0] in DEP_KINDS)
        or (len(path) == 3 and path[0] == "target" and path[2] in DEP_KINDS)
        or path == ("workspace", "dependencies")
    )


def normalized(data: dict, path: tuple[str, ...] = ()) -> dict:
    """`data` with every string dependency spec written as `{version = ...}`."""
    result = {}
    for key, value in data.items():
        if is_dependency_table(path) and isinstance(value, str):
            value = {"version": value}
        if isinstance(value, dict):
            value = normalized(value, (*path, key))
        result[key] = value
    return result


# --- spelling ---------------------------------------------------------------------------------


class Writer:
    """Renders a dict as TOML with spellings drawn from hypothesis."""

    def __init__(self, draw) -> None:
        self.draw = draw
        self.tight = draw(st.booleans())  # `key=value` everywhere instead of `key = value`

    def choice(self, options):
        return self.draw(st.sampled_from(options))

    def maybe(self, probability_tenths: int = 3) -> bool:
        return self.draw(st.integers(0, 9)) < probability_tenths

    # scalars and keys
    def key(self, name: str) -> str:
        if _BARE.match(name) and not self.maybe(1):
            return name
        return f"'{name}'" if self.maybe(5) else '"' + name.replace('"', '\\"') + '"'

    def string(self, value: str) -> str:
        if "'" not in value and "\n" not in value and self.maybe(3):
            return f"'{value}'"
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def scalar(self, value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        return self.string(value)

    def value(self, value, multiline_ok: bool) -> str:
        if isinstance(value, dict):
            return self.inline_table(value)
        if isinstance(value, list):
            return self.array(value, multiline_ok)
        return self.scalar(value)

    def array(self, values: list, multiline_ok: bool) -> str:
        items = [self.value(v, False) for v in values]
        if multiline_ok and items and self.maybe(4):
            lines = ["["]
            for index, item in enumerate(items):
                last = index == len(items) - 1
                comma = "," if not last or self.maybe(7) else ""
                comment = f"  {self.choice(COMMENTS)}" if self.maybe(3) else ""
                if self.maybe(1):
                    lines.append(f"    {self.choice(COMMENTS)}")
                lines.append(f"    {item}{comma}{comment}")
            lines.append("]")
            return "\n".join(lines)
        separator = self.choice([", ", ",", " , "])
        inner = separator.join(items)
        if self.maybe(3) and items:
            return f"[ {inner} ]"
        trailing = "," if items and self.maybe(2) else ""
        return f"[{inner}{trailing}]"

    def inline_table(self, table: dict) -> str:
        if not table:
            return "{}"
        eq = "=" if self.tight else " = "
        body = ", ".join(f"{self.key(k)}{eq}{self.value(v, False)}" for k, v in table.items())
        return f"{{ {body} }}" if not self.maybe(2) else f"{{{body}}}"

    def assignment(self, dotted: list[str], value) -> list[str]:
        eq = "=" if self.tight else " = "
        key = ".".join(self.key(k) for k in dotted)
        text = f"{key}{eq}{self.value(value, True)}"
        if self.maybe(3):
            text += f"  {self.choice(COMMENTS)}"
        return self.noise() + text.split("\n")

    def noise(self) -> list[str]:
        """Comment or blank lines between entries, sometimes."""
        if not self.maybe(3):
            return []
        return [self.choice(["", *COMMENTS])]

    # tables
    def document(self, data: dict) -> str:
        blocks: list[tuple[tuple[str, ...], list[str]]] = []
        preamble = self.table_body((), data, blocks)
        if self.maybe(3):  # out-of-order tables
            blocks = self.draw(st.permutations(blocks))
        lines = [self.choice(COMMENTS)] if self.maybe(4) else []
        lines += preamble
        for path, body in blocks:
            if lines and (lines[-1] != "" or self.maybe(1)):
                lines.append("")
            header = "[" + ".".join(self.key(k) for k in path) + "]"
            if self.maybe(2):
                header = "[ " + header[1:-1] + " ]"
            if self.maybe(2):
                header += f"  {self.choice(COMMENTS)}"
            lines.append(header)
            lines += body
        return "\n".join(lines) + "\n"

    def table_body(self, path: tuple[str, ...], table: dict, blocks: list) -> list[str]:
        """Lines of `table`'s own block; sub-tables written as headers go to `blocks`."""
        lines: list[str] = []
        later: list[tuple[str, dict]] = []
        for key, value in table.items():
            if isinstance(value, dict):
                modes = ["header", "inline", "dotted"] if path or value else ["header", "inline"]
                if not value:
                    modes = ["header", "inline"]
                if is_dependency_table(path) and set(value) == {"version"}:
                    modes.append("string")
                mode = self.choice(modes) if path != () or not self.maybe(6) else "header"
                if mode == "string":
                    lines += self.assignment([key], value["version"])
                elif mode == "inline":
                    lines += [*self.noise(), self.inline_line(key, value)]
                elif mode == "dotted":
                    lines += self.dotted(path, [key], value)
                else:
                    later.append((key, value))
            else:
                lines += self.assignment([key], value)
        for key, value in later:
            sub_path = (*path, key)
            body = self.table_body(sub_path, value, blocks)
            if body or not any(isinstance(v, dict) for v in value.values()) or self.maybe(5):
                blocks.append((sub_path, body))
            # else: the table is only implied by its sub-tables' headers
        return lines

    def inline_line(self, key: str, value: dict) -> str:
        eq = "=" if self.tight else " = "
        text = f"{self.key(key)}{eq}{self.inline_table(value)}"
        return text + (f"  {self.choice(COMMENTS)}" if self.maybe(2) else "")

    def dotted(self, path, prefix: list[str], table: dict) -> list[str]:
        lines = []
        for key, value in table.items():
            if isinstance(value, dict) and value:
                lines += self.dotted(path, [*prefix, key], value)
            else:
                lines += self.assignment([*prefix, key], value)
        return lines


def render(draw, data: dict) -> bytes:
    """`data` as TOML text with drawn spellings, line endings and BOM."""
    text = Writer(draw).document(data)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    bom = "\ufeff" if draw(st.integers(0, 4)) == 0 else ""
    return (bom + text).encode("utf-8")


# --- the workspace ----------------------------------------------------------------------------

RPATH_BUILD_RS = "fn main() {\n    pyo3_build_config::add_libpython_rpath_link_args();\n}\n"


@st.composite
def workspaces(draw) -> Workspace:
    """A virtual workspace: `crates/ext` (a PyO3 extension), maybe `crates/cli` (a binary that
    depends on it), maybe a maturin pyproject.toml at the root.

    Each draw leans towards one wiring, so that every rule's fix is reached often: `feature`
    (the extension declares `extension-module`, mostly in `default`, and a dependent is likely:
    PW202-PW205), `env` (PyO3 0.28, no `extension-module` anywhere: PW403) or `any`.
    """
    b = lambda: draw(st.booleans())  # noqa: E731
    wiring = draw(st.sampled_from(["feature", "env", "any", "any"]))
    series = "0.28" if wiring == "env" else draw(st.sampled_from(["0.22", "0.28"]))
    flag = ["extension-module"] if wiring != "env" else []
    root: dict = {"workspace": {"resolver": "2"}}
    shared: dict = {}
    with_cli = b() or (wiring == "feature" and b())

    # crates/ext
    ext: dict = {"package": {"name": "ext", "version": "0.1.0", "edition": "2021"}}
    crate_types = draw(
        st.sampled_from(
            [None, ["cdylib"], ["rlib"], ["cdylib", "rlib"], ["rlib", "cdylib"], ["staticlib"]]
        )
    )
    if crate_types is not None or b():
        lib: dict = {"name": "ext"} if b() else {}
        if crate_types is not None:
            lib["crate-type"] = crate_types
        ext["lib"] = lib
    features = draw(
        st.lists(st.sampled_from([*flag, "abi3-py38", "macros"]), unique=True, max_size=3)
    )
    if b():
        shared["pyo3"] = {"version": series}
        if b():
            shared["pyo3"]["features"] = draw(
                st.lists(st.sampled_from([*flag, "abi3-py38"]), unique=True, max_size=2)
            )
    pyo3: dict
    if "pyo3" in shared and b():
        pyo3 = {"workspace": True}
        if features:
            pyo3["features"] = features
    else:
        pyo3 = {"version": series}
        if features:
            pyo3["features"] = features
        if b():
            pyo3["optional"] = False
    where = draw(st.sampled_from([("dependencies",), ("target", "cfg(unix)", "dependencies")]))
    dependencies = {"pyo3": pyo3}
    if b():
        dependencies = {
            "serde": {"version": "1"},
            **dependencies,
            "log": {"version": "0.4", "optional": True},
        }
    _place(ext, where, dependencies)
    default_on = {"default": ["extension-module"], "extension-module": ["pyo3/extension-module"]}
    declared_only = {"extension-module": ["pyo3/extension-module"]}  # PW202: not in `default`
    own_features = draw(
        st.sampled_from(
            [default_on, default_on, declared_only]
            if wiring == "feature"
            else [
                None,
                {"default": [], "fast": []},
                {"default": ["fast"], "fast": []},
                *([declared_only, default_on] if flag else []),
            ]
        )
    )
    if own_features is not None:
        ext["features"] = own_features
    if b():
        ext["dev-dependencies"] = {"criterion": {"version": "0.5"}}
    files: dict[str, bytes] = {"crates/ext/src/lib.rs": lib_rs("ext").encode()}
    data: dict[str, dict] = {}

    # crates/cli
    members = ["crates/ext"]
    if with_cli:
        members.append("crates/cli")
        cli: dict = {"package": {"name": "cli", "version": "0.1.0", "edition": "2021"}}
        ext_dep: dict
        if b():
            shared["ext"] = {"path": "crates/ext"}
            if b():
                shared["ext"]["default-features"] = False
            ext_dep = {"workspace": True}
        else:
            ext_dep = {"path": "../ext"}
            if draw(st.integers(0, 3)) == 0:
                ext_dep["default-features"] = False
            if b():
                ext_dep["version"] = "0.1.0"
        cli_deps: dict = {"ext": ext_dep}
        if b():
            cli_series = draw(st.sampled_from([series, "0.21"]))
            cli_deps["pyo3"] = {"version": cli_series}
            if b():
                cli_deps["pyo3"]["features"] = ["auto-initialize"]
        _place(
            cli,
            draw(st.sampled_from([("dependencies",), ("target", "cfg(unix)", "dependencies")])),
            cli_deps,
        )
        # mostly a binary that embeds Python (PW103/PW203/PW204 fix it); else a CLI over the
        # extension's Rust API, which PW103 only informs (issue 23)
        files["crates/cli/src/main.rs"] = (
            b"fn main() {\n    pyo3::Python::attach(|_py| ());\n}\n"
            if draw(st.integers(0, 3))
            else b"fn main() {}\n"
        )
        if b():
            files["crates/cli/build.rs"] = RPATH_BUILD_RS.encode()
        data["crates/cli/Cargo.toml"] = cli

    # the root
    if b():
        root["workspace"]["members"] = ["crates/*"]
    else:
        root["workspace"]["members"] = draw(st.permutations(members))
    if b():
        root["workspace"]["default-members"] = draw(st.permutations(members))
    if shared:
        root["workspace"]["dependencies"] = shared
    if b():
        root["workspace"]["package"] = {"version": "0.1.0", "edition": "2021"}
    if b():
        root["profile"] = {"release": {"lto": True, "codegen-units": 1}}
    data = {"Cargo.toml": root, "crates/ext/Cargo.toml": ext, **data}

    # pyproject.toml
    if b() or b():
        maturin: dict = {}
        if b():
            maturin["module-name"] = draw(
                st.sampled_from(["ext", "pkg.ext", "pkg._core", "_native"])
            )
        if b() or b():
            maturin["manifest-path"] = draw(
                st.sampled_from(
                    ["crates/ext/Cargo.toml", "crates/ext/Cargo.toml", "crates/cli/Cargo.toml"]
                )
            )
        if flag and b():
            maturin["features"] = ["pyo3/extension-module"]
        pyproject = {
            "build-system": {
                "requires": [
                    draw(st.sampled_from(["maturin>=1.0,<2.0", "maturin>=1.9.4", "maturin"]))
                ],
                "build-backend": "maturin",
            },
            "project": {"name": "ext", "version": "0.1.0"},
            "tool": {"maturin": maturin},
        }
        data["pyproject.toml"] = pyproject

    for name, manifest in data.items():
        raw = render(draw, manifest)
        parsed = tomllib.loads(raw.decode("utf-8").lstrip("\ufeff"))
        assert normalized(parsed) == normalized(manifest), (name, raw.decode())
        files[name] = raw
    return Workspace(files, data)


def _place(crate: dict, where: tuple[str, ...], entries: dict) -> None:
    table = crate
    for key in where:
        table = table.setdefault(key, {})
    table.update(entries)
