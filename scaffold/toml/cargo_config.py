"""Set `[target.<triple>] linker` in a Cargo config file, keeping every other byte.

An existing `target.<triple>` table (any spelling) is edited in place with tomlkit; a missing one
is appended as a parsed snippet. The result must parse and differ from the original only by
that key, else nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from scaffold.errors import ManifestError
from scaffold.toml import parser as toml_parser
from scaffold.toml.textfile import TextFile


def config_path(root: Path) -> Path:
    """The project's Cargo config: `.cargo/config.toml`, or the legacy `.cargo/config`."""
    legacy = root / ".cargo" / "config"
    modern = root / ".cargo" / "config.toml"
    return legacy if legacy.is_file() and not modern.exists() else modern


def with_linker(path: Path, triple: str, linker: str) -> tuple[str, str | None]:
    """(new file content, previous linker or None) for `path`, existing or not."""
    if not path.exists():
        return _snippet(triple, linker), None
    file = TextFile.read(path)
    before = file.parse()
    target = before.get("target", {})
    previous = target.get(triple, {}).get("linker") if isinstance(target, dict) else None
    if previous == linker:
        return file.original, previous
    if isinstance(target, dict) and triple in target:
        import tomlkit  # only for the file being edited

        document = tomlkit.parse(file.text)
        document["target"][triple]["linker"] = linker
        text = tomlkit.dumps(document)
    else:
        text = file.text + ("\n" if file.text and not file.text.endswith("\n") else "")
        text += ("\n" if text.strip() else "") + _snippet(triple, linker)
    _verify(path, before, text, triple, linker)
    return file.render(text), previous


def _snippet(triple: str, linker: str) -> str:
    import tomlkit

    return (
        f"[target.{tomlkit.key(triple).as_string()}]\n"
        f"linker = {tomlkit.string(linker).as_string()}\n"
    )


def _verify(path: Path, before: dict, text: str, triple: str, linker: str) -> None:
    try:
        after = toml_parser.loads(text)
    except toml_parser.TOMLDecodeError as error:
        raise ManifestError(
            path,
            f"adding [target.{triple}] would break it ({error})",
            hint=f'add `linker = "{linker}"` under [target.{triple}] by hand',
        ) from None
    expected = {
        **before,
        "target": {
            **before.get("target", {}),
            triple: {**before.get("target", {}).get(triple, {}), "linker": linker},
        },
    }
    if after != expected:
        raise ManifestError(
            path,
            f"setting target.{triple}.linker would change other keys",
            hint=f'add `linker = "{linker}"` under [target.{triple}] by hand',
        )
