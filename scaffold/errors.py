"""The errors the tool reports to users: one line, exit status 2, nothing written."""

from __future__ import annotations

from pathlib import Path


class ScaffoldError(Exception):
    """Base of every error the CLI turns into a one-line message and exit status 2."""

    exit_code = 2

    def one_line(self) -> str:
        return " ".join(str(self).split())


class UserError(ScaffoldError):
    """Bad input: a message saying what is wrong and a hint saying what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message}; {hint}" if hint else message)


class ManifestError(UserError):
    """A file that cannot be read or parsed, located as `path:line:col`."""

    def __init__(
        self,
        path: Path | str,
        detail: str,
        line: int = 0,
        col: int = 0,
        hint: str = "fix the file and run again",
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.col = col
        self.detail = detail
        where = f"{path}:{line}:{col}" if line else str(path)
        super().__init__(f"{where}: {detail}", hint)


class DirtyTreeError(UserError):
    """Files the command would touch have uncommitted changes."""

    def __init__(self, files: list[str]) -> None:
        self.files = files
        listed = ", ".join(files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
        super().__init__(
            f"uncommitted changes in files this command would touch: {listed}",
            "commit or stash them, or pass --allow-dirty",
        )


class NotConvergedError(ScaffoldError):
    """The fix loop found no fixed point: fixes keep undoing or redoing each other."""

    def __init__(self, codes: list[str], passes: int) -> None:
        self.codes = codes
        super().__init__(
            f"fixes failed to converge after {passes} pass(es); rules involved: "
            f"{', '.join(codes)}; nothing was written; run with --select on one of them, "
            "or report this as a bug"
        )
