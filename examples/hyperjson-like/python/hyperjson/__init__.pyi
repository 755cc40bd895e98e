from ._hyperjson import (
    JSONDecodeError as JSONDecodeError,
    __version__ as __version__,
    dump as dump,
    dumps as dumps,
    load as load,
    loads as loads,
)

__all__ = ["JSONDecodeError", "dump", "dumps", "load", "loads"]
