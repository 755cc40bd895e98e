"""`new`: a PyO3 workspace from the templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scaffold.api._shared import _collect, _path

if TYPE_CHECKING:
    from pathlib import Path

    from scaffold.api._shared import StrPath
    from scaffold.render.project import Options


@dataclass
class Created:
    """What `new` made."""

    path: Path  # the project's folder
    options: Options  # the checked options: crate and module names, PyO3, backend, ...
    rendered: dict[str, dict[str, Any]]  # template ("workspace", "profiler") -> its answers
    note: str | None = None  # e.g. inside another git repository: no nested one was made
    warnings: list[str] = field(default_factory=list)


def new(
    *,
    name: str,
    dest: StrPath | None = None,
    pyo3: str | None = None,
    python_min: str | None = None,
    backend: str | None = None,
    wiring: str | None = None,
    abi3: str | None = None,
    layout: str | None = None,
    stubs: str | None = None,
    author: str | None = None,
    license: str | None = None,
    profiler: bool = True,
    git: bool = True,
    on_note: Callable[[str], None] | None = None,
) -> Created:
    """Create a Cargo workspace for the PyO3 extension `name` in `dest` (default: ./NAME),
    with the profiler crate unless `profiler` is False, and a first commit unless `git` is
    False. None takes the default: PyO3 `render.project.DEFAULT_PYO3`, maturin, feature
    wiring, no abi3, the mixed layout, a hand-written stub, MIT. Everything is checked before
    anything is written; on failure what was made is removed. `on_note` sees each warning as it is
    found."""
    from scaffold.render import project

    warnings: list[str] = []
    options = project.options(
        name,
        None if dest is None else _path(dest),
        pyo3=pyo3,
        python_min=python_min,
        backend=backend,
        wiring=wiring,
        abi3=abi3,
        layout=layout,
        stubs=stubs,
        author=author,
        license=license,
        profiler=profiler,
        git=git,
        warn=_collect(warnings, on_note),
    )
    rendered, note = project.create(options)
    return Created(options.dest, options, rendered, note, warnings)
