"""The license of `scaffold new`: the SPDX expression checked with `license-expression`, and
which LICENSE files the workspace template writes for it.

The texts are templates/workspace/~licenses/ID.txt: the SPDX License List's plain texts (as
shipped in the `spdx` 2.5.1 package from PyPI), with the SPDX markup resolved to the original
wording and the copyright line made `Copyright (c) {{ copyright_holder }}`.
"""

from __future__ import annotations

from functools import cache

from license_expression import Licensing, get_spdx_licensing

from scaffold.errors import UserError

# A single license: its text goes to LICENSE.
TEXTS = ("MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "MPL-2.0")
# The Rust ecosystem's dual license: one file per license, as rustc and PyO3 ship them.
DUAL = {"LICENSE-MIT": "MIT", "LICENSE-APACHE": "Apache-2.0"}


def normalize(expression: str) -> str:
    """The expression in SPDX's spelling (`mit or apache-2.0` -> `MIT OR Apache-2.0`).

    `LicenseRef-*` identifiers are valid SPDX (PEP 639); anything else unknown is refused."""
    if not expression.strip():
        raise UserError("--license is empty", "pass an SPDX expression such as MIT")
    try:
        info = _licensing().validate(expression, strict=True)
    except Exception:  # noqa: BLE001 - license-expression raises on some malformed input ("MIT AND")
        raise UserError(
            f"--license {expression!r} is not an SPDX expression",
            "pass e.g. MIT, Apache-2.0 or 'MIT OR Apache-2.0'",
        ) from None
    invalid = [s for s in info.invalid_symbols if not str(s).startswith("LicenseRef-")]
    if info.errors and (invalid or not info.invalid_symbols):
        raise UserError(
            f"--license {expression!r} is not an SPDX expression ({'; '.join(info.errors)})",
            "pass e.g. MIT, Apache-2.0 or 'MIT OR Apache-2.0'",
        )
    return info.normalized_expression or expression.strip()


@cache
def _licensing() -> Licensing:
    """license-expression's SPDX licensing (it reads its license index once)."""
    return get_spdx_licensing()


def files(expression: str) -> dict[str, str]:
    """LICENSE file name -> SPDX id of its text, for a normalized expression; empty when the
    template has no text for it."""
    if expression in TEXTS:
        return {"LICENSE": expression}
    if expression in ("MIT OR Apache-2.0", "Apache-2.0 OR MIT"):
        return dict(DUAL)
    return {}


def holder(author: str, project: str) -> str:
    """Who the copyright line names: the author without the e-mail, else the project's authors."""
    name = author.partition("<")[0].strip()
    return name or f"the {project} authors"
