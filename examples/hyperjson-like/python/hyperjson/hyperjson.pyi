"""Type stubs for the native module ``hyperjson.hyperjson`` (re-exported by ``hyperjson``)."""

import json
from typing import IO, Any, SupportsIndex

__version__: str

class JSONDecodeError(json.JSONDecodeError):
    """Raised for invalid JSON; a subclass of ``json.JSONDecodeError`` and ``ValueError``."""

    msg: str
    doc: str
    pos: int
    lineno: int
    colno: int

def loads(s: str | bytes | bytearray, /) -> Any: ...
def load(fp: IO[str] | IO[bytes], /) -> Any: ...
def dumps(
    obj: Any,
    /,
    *,
    indent: None | SupportsIndex | str = None,
    sort_keys: bool = False,
    ensure_ascii: bool = True,
) -> str: ...
def dump(
    obj: Any,
    fp: IO[str],
    /,
    *,
    indent: None | SupportsIndex | str = None,
    sort_keys: bool = False,
    ensure_ascii: bool = True,
) -> None: ...
