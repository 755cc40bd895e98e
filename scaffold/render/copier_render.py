"""Render a template of `templates/` with copier, or update a project from one: the one module
that imports copier.

`render` runs copier with `defaults=True` and every answer passed as data, so it never prompts;
files that already exist are skipped (never overwritten), and its output is silenced. The answers
file records the template's stable reference and release (`scaffold.render.history`), passed
as `_scaffold_pin` and written by the templates' answers-file template.
"""

from __future__ import annotations

from pathlib import Path

from scaffold.render import history
from scaffold.render.history import TEMPLATE_NAMES, templates_root


def template_dir(name: str) -> Path:
    """The folder of template `name`."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"unknown template {name!r}")
    return templates_root() / name


def render(template_name: str, dest: Path, answers: dict) -> None:
    """Render `template_name` into `dest` (created if missing) with `answers`."""
    import copier

    pin = {"_src_path": history.stable_ref(template_name), "_commit": history.installed_version()}
    copier.run_copy(
        str(template_dir(template_name)),
        str(dest),
        data={**answers, "_scaffold_pin": pin},
        defaults=True,
        quiet=True,
        overwrite=False,
        skip_if_exists=["**"],
        unsafe=False,
        cleanup_on_error=False,
    )


def update(
    dst: Path,
    answers_file: str,
    version: str,
    history_folder: Path,
    *,
    interactive: bool,
    data: dict | None = None,
) -> None:
    """copier's 3-way update of the project at `dst` to template release `version`.

    The answers' stable `_src_path` opens the bundles of `history_folder` (history.git_env);
    questions the new version adds are asked on a terminal (`interactive`), else defaulted;
    `data` overrides recorded answers (copier's `data`, as in `run_copy`).
    copier's refusals and git failures come out as RuntimeError with a one-line message.
    """
    import copier
    from copier.errors import CopierError
    from jinja2 import TemplateError
    from plumbum import ProcessExecutionError, local

    try:
        with local.env(**history.git_env(history_folder)), local.cwd(dst):
            copier.run_update(
                str(dst),
                data=data or {},
                vcs_ref=version,
                answers_file=answers_file,
                defaults=not interactive,
                skip_answered=True,
                overwrite=True,
                conflict="inline",
                quiet=True,
                unsafe=False,
            )
    except (CopierError, ValueError, TemplateError) as error:
        # ValueError: an answer the template refuses (copier/_user_data.py, `parse_answer`).
        raise RuntimeError(f"copier: {' '.join(str(error).split())}") from None
    except ProcessExecutionError as error:
        detail = (error.stderr or "").strip().splitlines()[-1:] or [str(error.retcode)]
        raise RuntimeError(f"copier: git failed: {detail[0]}") from None
