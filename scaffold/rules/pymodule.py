"""Find the name a `#[pymodule]` gives its module, reading Rust source as text.

`#[pymodule] fn name`, `#[pymodule] mod name`, `#[pymodule(name = "x")]` and
`#[pyo3(name = "x")]` set it; the module's `PyInit_<name>` symbol is what Python looks up.
"""

from __future__ import annotations

import re
from pathlib import Path

_PYMODULE = re.compile(
    r"#\[\s*(?:pyo3::)?pymodule\s*(?:\((?P<args>[^)]*)\))?\s*\]"
    r"(?P<attrs>(?:\s*#\[[^\]]*\])*)\s*(?:pub(?:\([^)]*\))?\s+)?(?:fn|mod)\s+(?P<ident>\w+)")
_NAME_ARG = re.compile(r"name\s*=\s*\"([^\"]+)\"")


def pymodule_names(sources: list[Path]) -> list[tuple[Path, int, str]]:
    """(file, line, module name) for every `#[pymodule]` in `sources`."""
    found = []
    for source in sources:
        text = source.read_text(encoding="utf-8", errors="replace")
        for match in _PYMODULE.finditer(text):
            name = match.group("ident").removeprefix("r#")
            for part in (match.group("args") or "", match.group("attrs") or ""):
                named = _NAME_ARG.search(part)
                if named:
                    name = named.group(1)
            found.append((source, text.count("\n", 0, match.start()) + 1, name))
    return found
