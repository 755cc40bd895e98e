"""hyperjson against the standard library's json: a fixed corpus, error cases, and
hypothesis-generated values (round trips, equality with json.loads / json.dumps output)."""

from __future__ import annotations

import io
import json
import math
import pickle
import sys
from collections import OrderedDict
from enum import IntEnum

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hyperjson

OPTIONS = [
    dict(indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    for indent in (None, 0, 2, "\t", -1)
    for sort_keys in (False, True)
    for ensure_ascii in (True, False)
]


def same(a, b) -> bool:
    """Equality that also holds for NaN, tells -0.0 from 0.0, 1 from 1.0 and True from 1."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


CORPUS = [
    "null", "true", "false", "0", "-0", "1", "-1", "123456789", "-9223372036854775808",
    "9223372036854775807", "9223372036854775808", "123456789012345678901234567890",
    "-123456789012345678901234567890", "0.0", "-0.0", "1.5", "-2.25e-3", "1e308", "1e309",
    "-1e309", "1E400", "5e-324", "1e-400", "0.1", "0.30000000000000004", "1.7976931348623157e308",
    "2.2250738585072014e-308", "123.456e+10", "3.141592653589793", "1e16", "1.0e-5",
    "NaN", "Infinity", "-Infinity", "[NaN, Infinity, -Infinity]",
    '""', '"abc"', '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\u0000\\u001f\\u007f\\u0080\\u00ff"',
    '"\\u00e9\\u4e2d\\uffff"', '"\\ud83d\\ude00"', '"\\uD83D\\uDE00"', '"\\ud800"', '"\\udc00"',
    '"\\ud800\\ud800"', '"\\udc00\\ud800"', '"\\ud800x"', '"\\ud800\\u0041"', '"\\ud800\\n"',
    '"héllo wörld"', '"日本語テキスト"', '"emoji 😀🚀 𝄞"', '"\u007f"', '"a\\u0301"',
    "[]", "{}", "[[]]", "[{}]", '{"": ""}', " [ 1 , 2 , 3 ] ", '\t\n\r {"a" : [1, {"b": null}]}\n',
    '{"a": 1, "a": 2}', '{"b": 1, "a": 2, "c": {"z": [], "y": {}}}',
    '[1, 2.5, "x", true, false, null, [1, [2, [3]]], {"k": {"k": {"k": "v"}}}]',
    '{"key_1": 1, "key_2": 2, "key_1": 3}', '"' + "x" * 1000 + '"', '"' + "é" * 1000 + '"',
    "[" + ",".join(str(i) for i in range(1000)) + "]",
    json.dumps({f"k{i}": [i, str(i), i / 7] for i in range(200)}),
    "[" * 200 + "]" * 200,
    '{"a": ' * 200 + "1" + "}" * 200,
]


@pytest.mark.parametrize("doc", CORPUS)
def test_loads_matches_json(doc):
    assert same(hyperjson.loads(doc), json.loads(doc))
    assert same(hyperjson.loads(doc.encode("utf-8", "surrogatepass")), json.loads(doc.encode("utf-8", "surrogatepass")))


@pytest.mark.parametrize("doc", CORPUS)
@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: "-".join(f"{k}={v!r}" for k, v in o.items()))
def test_dumps_matches_json(doc, opts):
    value = json.loads(doc)
    assert hyperjson.dumps(value, **opts) == json.dumps(value, **opts)


def test_bytes_encodings():
    value = {"a": ["é", "日本", "😀", 1.5]}
    text = json.dumps(value, ensure_ascii=False)
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        data = text.encode(encoding)
        assert hyperjson.loads(data) == json.loads(data) == value, encoding
    assert hyperjson.loads(bytearray(text.encode())) == value
    # Encoded surrogates are accepted in bytes, as json.loads does (surrogatepass).
    raw = b'["\xed\xa0\x80"]'
    assert hyperjson.loads(raw) == json.loads(raw) == ["\ud800"]


def test_str_with_lone_surrogates():
    for doc in ('"\ud800"', '["a\udc00b", "\ud83d\ude00"]', '{"\ud800": 1}'):
        assert hyperjson.loads(doc) == json.loads(doc)


def test_dumps_python_types():
    class Str(str):
        pass

    class Int(int):
        pass

    class Float(float):
        def __repr__(self):
            return "nope"

    class Color(IntEnum):
        RED = 1

    value = {
        "tuple": (1, (2, 3)), "big": 2**200, "neg_big": -(2**100), "bool": [True, False], "none": None,
        "str_sub": Str("s"), "int_sub": Int(7), "float_sub": Float(2.5), "enum": Color.RED,
        "ordered": OrderedDict([("z", 1), ("a", 2)]), "nan": [math.nan, math.inf, -math.inf],
        "floats": [0.1, 1e16, 1e-5, 123456789.123456789, -0.0, 5e-324, 1.7976931348623157e308],
        "surrogates": "\ud800 \udfff \ud83d\ude00", "control": "\x00\x1f\x7f", "unicode": "é日😀",
        1: "int key", 2.5: "float key", True: "bool key", None: "none key", -(2**70): "big key",
        Color.RED: "enum key",
    }
    for opts in OPTIONS:
        if opts["sort_keys"]:
            continue  # mixed key types cannot be sorted (TypeError in both)
        assert hyperjson.dumps(value, **opts) == json.dumps(value, **opts), opts


def test_dumps_key_coercion_and_sorting():
    assert hyperjson.dumps({2: "a", 1: "b"}, sort_keys=True) == json.dumps({2: "a", 1: "b"}, sort_keys=True)
    assert hyperjson.dumps({False: 1, None: 2}) == '{"false": 1, "null": 2}'
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        hyperjson.dumps({(1, 2): 3})
    with pytest.raises(TypeError):
        json.dumps({1: 1, "a": 2}, sort_keys=True)
    with pytest.raises(TypeError):
        hyperjson.dumps({1: 1, "a": 2}, sort_keys=True)


def test_dumps_errors():
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        hyperjson.dumps({1, 2})
    with pytest.raises(TypeError, match="Object of type bytes is not JSON serializable"):
        hyperjson.dumps([b"x"])
    circular: list = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular reference detected"):
        hyperjson.dumps(circular)
    d: dict = {}
    d["self"] = [d]
    with pytest.raises(ValueError, match="Circular reference detected"):
        hyperjson.dumps(d)
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        hyperjson.dumps(deep)
    with pytest.raises(TypeError):
        hyperjson.dumps([], indent=1.5)


ERRORS = [
    "", " ", "[", "]", "{", "}", "[1,]", "[1 2]", "[1,,2]", '{"a"}', '{"a":}', '{"a" 1}',
    '{"a":1,}', '{"a":1 "b":2}', "{1: 2}", "{'a': 1}", "[1] x", "01", "-", "-a", "+1", ".5",
    "1.", "1e", "1e+", "0x10", "nul", "tru", "fals", "nan", "inf", "-inf", "Infinit", "NaNa",
    '"abc', '["abc\\', '"a\nb"', '"\t"', '"\x00"', r'"\x"', r'"\u12"', r'"\u12zz"', r'"\ud800\uzzzz"',
    '"\\u1234', '"\\ud800\\u12', "[1, 2", '{"a": [1, {"b": 2]}', "\ufeff[1]", "[\ufeff]",
    'é', '["é" x]', '["日本語", 1 2]', '"😀" 1', "[1]\x00", "/* comment */ 1", "[True]",
]


@pytest.mark.parametrize("doc", ERRORS)
def test_errors_match_json(doc):
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(doc)
    with pytest.raises(hyperjson.JSONDecodeError) as got:
        hyperjson.loads(doc)
    e, g = expected.value, got.value
    assert (g.pos, g.lineno, g.colno, g.doc) == (e.pos, e.lineno, e.colno, e.doc)
    assert g.msg == e.msg  # 3.13's trailing-comma wording on 3.13 and later
    assert str(g) == str(e)


def test_decode_error_type():
    assert issubclass(hyperjson.JSONDecodeError, ValueError)
    assert issubclass(hyperjson.JSONDecodeError, json.JSONDecodeError)
    assert hyperjson.JSONDecodeError.__module__ == "hyperjson"
    doc = '{"a":\n  [1,\n  ]}'
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(doc)
    # 3.10-3.12: "Expecting value" at line 3, column 3 (char 14); 3.13: the trailing comma
    want = expected.value
    try:
        hyperjson.loads(doc)
    except ValueError as e:
        assert (e.msg, e.lineno, e.colno, e.pos) == (want.msg, want.lineno, want.colno, want.pos)
        again = pickle.loads(pickle.dumps(e))
        assert type(again) is hyperjson.JSONDecodeError and again.pos == want.pos
    else:
        pytest.fail("no error")


def test_loads_other_errors():
    with pytest.raises(TypeError, match="the JSON object must be str, bytes or bytearray, not int"):
        hyperjson.loads(1)
    with pytest.raises(UnicodeDecodeError):
        hyperjson.loads(b'["\xff"]')
    with pytest.raises(RecursionError):
        hyperjson.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(RecursionError):
        hyperjson.loads('{"a":' * 100_000)
    if hasattr(sys, "set_int_max_str_digits"):
        with pytest.raises(ValueError):
            hyperjson.loads("1" * 5000)


def _outcome(loads, doc):
    try:
        loads(doc)
    except RecursionError:
        return "RecursionError"
    return "ok"


@pytest.mark.parametrize("limit", [100, 1000])
def test_loads_depth_follows_json(limit):
    """Deep nesting raises RecursionError exactly where json's does on this interpreter: up
    to 3.11 at the recursion limit, from 3.12 on at the C stack's limit, which
    `sys.setrecursionlimit` does not move (3.12's "What's New")."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        outcomes = {
            depth: (_outcome(json.loads, doc), _outcome(hyperjson.loads, doc))
            for depth in (50, 300, 2_000, 20_000, 200_000)
            for doc in ["[" * depth + "]" * depth]
        }
    finally:
        sys.setrecursionlimit(old)
    assert all(ours == theirs for theirs, ours in outcomes.values()), outcomes
    assert outcomes[50] == ("ok", "ok") and outcomes[200_000][1] == "RecursionError", outcomes


def test_load_and_dump():
    value = {"a": [1, 2.5, "é"], "b": None}
    buf = io.StringIO()
    hyperjson.dump(value, buf, indent=2, sort_keys=True, ensure_ascii=False)
    assert buf.getvalue() == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    buf.seek(0)
    assert hyperjson.load(buf) == value
    assert hyperjson.load(io.BytesIO(json.dumps(value).encode())) == value


def test_keyword_only_options():
    with pytest.raises(TypeError):
        hyperjson.dumps({}, 2)
    assert hyperjson.dumps([], indent=None, sort_keys=False, ensure_ascii=True) == "[]"
    assert hyperjson.dumps({"a": []}, indent=True) == json.dumps({"a": []}, indent=True)


def test_docstrings_and_version():
    for f in (hyperjson.loads, hyperjson.dumps, hyperjson.load, hyperjson.dump):
        assert f.__doc__ and "json" in f.__doc__
    assert hyperjson.__version__


# Hypothesis: arbitrary JSON values, including every float and any unicode (surrogates too).
keys = st.text()
scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text()
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(keys, children, max_size=6),
    max_leaves=40,
)
any_keys = st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none())
values_any_keys = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.tuples(children, children)
    | st.dictionaries(any_keys, children, max_size=5),
    max_leaves=30,
)
relaxed = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(values, st.sampled_from(OPTIONS))
def test_hypothesis_dumps_equals_json(value, opts):
    assert hyperjson.dumps(value, **opts) == json.dumps(value, **opts)


@relaxed
@given(values_any_keys, st.sampled_from([o for o in OPTIONS if not o["sort_keys"]]))
def test_hypothesis_dumps_any_keys(value, opts):
    assert hyperjson.dumps(value, **opts) == json.dumps(value, **opts)


@relaxed
@given(values, st.sampled_from(OPTIONS))
def test_hypothesis_loads_equals_json(value, opts):
    doc = json.dumps(value, **opts)
    assert same(hyperjson.loads(doc), json.loads(doc))
    data = doc.encode("utf-8", "surrogatepass")
    assert same(hyperjson.loads(data), json.loads(data))


@relaxed
@given(values)
def test_hypothesis_round_trip(value):
    assert same(hyperjson.loads(hyperjson.dumps(value)), json.loads(json.dumps(value)))
    text = hyperjson.dumps(value, ensure_ascii=False)
    assert same(hyperjson.loads(text), json.loads(text))


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_hypothesis_floats_exact(x):
    assert hyperjson.dumps(x) == repr(x) == json.dumps(x)
    assert same(hyperjson.loads(repr(x)), x)


def test_loads_reentered_from_a_gc_callback():
    """Python code can run inside loads (a gc callback during an allocation) and call loads
    again: each call has its own value stack, and both results are right."""
    import gc

    seen = []

    def callback(phase, info):
        if phase == "start" and len(seen) < 50:
            seen.append(hyperjson.loads('[1, [2.5, {"a": [3]}], "x"]'))

    doc = json.dumps([[i, [i / 3, {"k": [i, str(i)]}]] for i in range(3000)])
    expected = json.loads(doc)
    old = gc.get_threshold()
    gc.callbacks.append(callback)
    gc.set_threshold(1)
    try:
        got = hyperjson.loads(doc)
    finally:
        gc.callbacks.remove(callback)
        gc.set_threshold(*old)
    assert got == expected
    assert seen and all(x == [1, [2.5, {"a": [3]}], "x"] for x in seen)


def test_key_cache_tells_keys_apart():
    """Keys of every length up to the cache's limit, differing in one character at every
    position, loaded repeatedly (the second time from the cache): each keeps its own value."""
    keys = []
    for n in range(1, 70):
        base = "".join(chr(97 + (i * 7) % 26) for i in range(n))
        keys += [base] + [base[:i] + "Z" + base[i + 1:] for i in range(n)]
    doc = json.dumps({k: i for i, k in enumerate(keys)})
    for _ in range(3):
        assert list(hyperjson.loads(doc).items()) == list(json.loads(doc).items())


@settings(max_examples=3000, deadline=None)
@given(
    st.booleans(),
    st.text(alphabet="0123456789", min_size=1, max_size=25),
    st.text(alphabet="0123456789", max_size=25),
    st.one_of(st.none(), st.integers(min_value=-400, max_value=400)),
)
def test_hypothesis_any_decimal_is_correctly_rounded(negative, int_digits, frac_digits, exp):
    """Any JSON number, not only shortest reprs: many digits, leading zeros after the point,
    ties, subnormals, overflow; the value must be Python's float() of the same text."""
    int_digits = int_digits.lstrip("0") or "0"
    text = ("-" if negative else "") + int_digits
    if frac_digits:
        text += "." + frac_digits
    if exp is not None:
        text += f"e{exp}"
    expected = json.loads(text)
    assert same(hyperjson.loads(text), expected)
    assert same(hyperjson.loads(f"[{text}, {text}]"), [expected, expected])
    if isinstance(expected, float):
        assert same(expected, float(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from('[]{}:,"\\ \n01-.eE+tfnaNIuxé😀\ud800'), max_size=30))
def test_hypothesis_garbage_matches_json(doc):
    try:
        expected = json.loads(doc)
    except json.JSONDecodeError as e:
        with pytest.raises(hyperjson.JSONDecodeError) as got:
            hyperjson.loads(doc)
        assert got.value.pos == e.pos
        if sys.version_info < (3, 13):
            assert got.value.msg == e.msg
    else:
        assert same(hyperjson.loads(doc), expected)


@pytest.mark.parametrize("code, error", [
    ("a = []; a.append(a); hyperjson.dumps(a)", "ValueError: Circular reference detected"),
    ("hyperjson.loads('[' * 100000)", "RecursionError: maximum recursion depth exceeded"),
    ("import functools; hyperjson.dumps(functools.reduce(lambda a, _: [a], range(10**5), []))",
     "RecursionError: maximum recursion depth exceeded"),
])
def test_first_error_of_a_process_at_the_recursion_limit(code, error):
    """The first exception a fresh interpreter sees from hyperjson is raised at the depth
    limit: it must still be an ordinary exception (no hang, no crash)."""
    import subprocess

    proc = subprocess.run([sys.executable, "-c", f"import hyperjson\n{code}"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1 and error in proc.stderr, proc.stderr


def test_loaded_containers_are_tracked_by_the_gc():
    """Containers are kept off the collector while a document is built, and put back."""
    import gc

    value = hyperjson.loads('[[1], {"a": [2]}, {"b": 1}, {"c": {"d": []}}, {"a": [1], "a": 2}]')
    assert gc.is_tracked(value) and gc.is_tracked(value[0]) and gc.is_tracked(value[1])
    assert gc.is_tracked(value[1]["a"]) and gc.is_tracked(value[3]) and gc.is_tracked(value[3]["c"])
    assert gc.is_tracked(value[2]) == gc.is_tracked(json.loads('{"b": 1}'))  # atomic-only dict
    import weakref

    class Marker:
        pass

    marker = Marker()
    alive = weakref.ref(marker)
    value[3]["c"]["d"].append(marker)
    value[3]["c"]["d"].append(value)  # a cycle through loaded containers is collectable
    del value, marker
    gc.collect()
    assert alive() is None
    for _ in range(3):  # errors after many containers: everything released, nothing crashes
        with pytest.raises(hyperjson.JSONDecodeError):
            hyperjson.loads("[" + ", ".join(['[1, {"a": [2]}]'] * 1000) + ", x]")
        gc.collect()


def test_dumps_output_sizes_in_any_order():
    # dumps writes into the str it returns, sized from the previous output: larger and
    # smaller documents in turn, a failure midway, and the UTF-8 buffer of ensure_ascii=False.
    big = {f"k{i}": ["é" * (i % 7), i, 1.5 * i, None, True, "x" * (i % 50)] for i in range(5000)}
    small = [1, "a"]
    for obj in [small, big, small, big, big, small, [], "x" * 100_000, "😀" * 1000, small]:
        assert hyperjson.dumps(obj) == json.dumps(obj)
        assert hyperjson.dumps(obj, ensure_ascii=False) == json.dumps(obj, ensure_ascii=False)
    with pytest.raises(TypeError):
        hyperjson.dumps([big, {1, 2}])
    assert hyperjson.dumps(big) == json.dumps(big)
    assert hyperjson.dumps(small) == json.dumps(small)
