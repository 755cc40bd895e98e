"""Render a template of `templates/` with copier: the one module that imports copier.

copier runs with `defaults=True` and every answer passed as data, so it never prompts; files
that already exist are skipped (never overwritten), and its output is silenced.
"""

from __future__ import annotations

from pathlib import Path

import scaffold

TEMPLATE_NAMES = ("workspace", "profiler")


def template_dir(name: str) -> Path:
    """The template folder: inside the installed package, else at the top of the checkout."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"unknown template {name!r}")
    package = Path(scaffold.__file__).resolve().parent
    for root in (package / "templates", package.parent / "templates"):
        if (root / name / "copier.yml").is_file():
            return root / name
    raise FileNotFoundError(f"template {name!r} not found beside {package}")


def render(template_name: str, dest: Path, answers: dict) -> None:
    """Render `template_name` into `dest` (created if missing) with `answers`."""
    import copier

    copier.run_copy(
        str(template_dir(template_name)),
        str(dest),
        data=answers,
        defaults=True,
        quiet=True,
        overwrite=False,
        skip_if_exists=["**"],
        unsafe=False,
        cleanup_on_error=False,
    )
