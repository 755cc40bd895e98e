"""hyperjson: a fast JSON encoder and decoder written in Rust.

A drop-in for the standard library's ``json.loads``, ``json.dumps``, ``json.load`` and
``json.dump`` (with the ``indent``, ``sort_keys`` and ``ensure_ascii`` options), giving
the same results on valid input and the same ``JSONDecodeError`` on invalid input.
The Python package around the native module ``hyperjson.hyperjson``.

>>> import hyperjson
>>> hyperjson.loads('{"a": [1, 2.5, null]}')
{'a': [1, 2.5, None]}
>>> hyperjson.dumps({"b": 1, "a": [True]}, sort_keys=True)
'{"a": [true], "b": 1}'
"""

from .hyperjson import JSONDecodeError, __version__, dump, dumps, load, loads

__all__ = ["JSONDecodeError", "dump", "dumps", "load", "loads"]
