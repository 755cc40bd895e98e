//! hyperjson: a fast JSON module for Python, a drop-in for the standard library's
//! `json.loads` / `json.dumps` / `json.load` / `json.dump` (with the options it supports).
//!
//! The core is plain Rust: [`parser`] (a generic, iterative parser), [`escape`] and
//! [`floatrepr`] (string and float output exactly as `json` writes them). The Python layer
//! builds Python objects directly from the parser (`pydecode`) and writes Python objects
//! straight into a byte buffer (`pyencode`).
//!
//! The `#[pymodule]` is `hyperjson`, the native module `hyperjson.hyperjson` of the Python
//! package `hyperjson` (python/hyperjson/__init__.py re-exports it).

mod dictentries;
pub mod escape;
mod floatparse;
pub mod floatrepr;
pub mod intfmt;
pub mod outbuf;
pub mod parser;
mod prefetch;
mod pydecode;
mod pyencode;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString, PyTuple, PyType};

static DECODE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const DECODE_ERROR_DOC: &str =
    "Subclass of ValueError (and of json.JSONDecodeError) with the following additional properties:

msg: The unformatted error message
doc: The JSON document being parsed
pos: The start index of doc where parsing failed
lineno: The line corresponding to pos
colno: The column corresponding to pos
";

/// `hyperjson.JSONDecodeError`: made once, as a subclass of `json.JSONDecodeError`, so code
/// that catches the standard library's exception (or `ValueError`) catches ours too.
pub(crate) fn decode_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    let t = DECODE_ERROR.get_or_try_init(py, || -> PyResult<Py<PyType>> {
        let base = py.import("json")?.getattr("JSONDecodeError")?;
        let namespace = PyDict::new(py);
        namespace.set_item("__module__", "hyperjson")?;
        namespace.set_item("__qualname__", "JSONDecodeError")?;
        namespace.set_item("__doc__", DECODE_ERROR_DOC)?;
        let t = py.get_type::<PyType>().call1((
            "JSONDecodeError",
            PyTuple::new(py, [base])?,
            namespace,
        ))?;
        Ok(t.cast_into::<PyType>()?.unbind())
    })?;
    Ok(t.bind(py))
}

/// Deserialize ``s`` (a ``str``, ``bytes`` or ``bytearray`` holding a JSON document) to a
/// Python object, like ``json.loads(s)``.
///
/// Objects become ``dict``, arrays ``list``, integers ``int`` (any size), numbers with a
/// fraction or exponent ``float``; ``NaN``, ``Infinity`` and ``-Infinity`` are accepted.
/// ``bytes`` may be UTF-8 (with or without a BOM), UTF-16 or UTF-32.
///
/// Raises ``JSONDecodeError`` (a ``ValueError``) if ``s`` is not valid JSON, with the
/// message and position ``json.loads`` would report.
#[pyfunction]
#[pyo3(signature = (s, /))]
fn loads<'py>(s: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(text) = s.cast::<PyString>() {
        pydecode::loads_str(text)
    } else if let Ok(bytes) = s.cast::<PyBytes>() {
        pydecode::loads_bytes(s, bytes.as_bytes())
    } else if let Ok(array) = s.cast::<PyByteArray>() {
        let copy = array.to_vec();
        pydecode::loads_bytes(s, &copy)
    } else {
        Err(pydecode::type_error_for(s))
    }
}

/// Deserialize ``fp`` (a ``.read()``-supporting file-like object holding a JSON document)
/// to a Python object, like ``json.load(fp)``.
#[pyfunction]
#[pyo3(signature = (fp, /))]
fn load<'py>(fp: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    loads(&fp.call_method0("read")?)
}

fn options(
    indent: Option<&Bound<'_, PyAny>>,
    sort_keys: bool,
    ensure_ascii: bool,
) -> PyResult<pyencode::Options> {
    let indent = match indent {
        None => None,
        Some(i) if i.is_none() => None,
        Some(i) => {
            if let Ok(s) = i.cast::<PyString>() {
                Some(s.to_str()?.as_bytes().to_vec())
            } else if let Ok(n) = i.extract::<isize>() {
                Some(vec![b' '; n.max(0) as usize])
            } else {
                let name = i.get_type().name()?.to_string();
                return Err(PyTypeError::new_err(format!(
                    "can't multiply sequence by non-int of type '{name}'"
                )));
            }
        }
    };
    Ok(pyencode::Options {
        indent,
        sort_keys,
        ensure_ascii,
    })
}

/// Serialize ``obj`` to a JSON formatted ``str``, like ``json.dumps(obj, ...)``.
///
/// Supports ``dict`` (keys ``str``, ``int``, ``float``, ``bool`` or ``None``), ``list``,
/// ``tuple``, ``str``, ``int``, ``float``, ``bool`` and ``None`` (and their subclasses).
///
/// ``indent``: ``None`` for the compact one-line form (``", "`` and ``": "``
/// separators); an ``int`` (that many spaces) or a ``str`` to pretty-print, one item per
/// line (``","`` and ``": "``). ``sort_keys``: output dictionaries sorted by key.
/// ``ensure_ascii``: escape every non-ASCII character (``\uXXXX``); if false, they are
/// output as is.
///
/// ``NaN`` and infinities are written as ``NaN``, ``Infinity`` and ``-Infinity``.
/// Raises ``TypeError`` for other types and ``ValueError`` for circular references.
#[pyfunction]
#[pyo3(signature = (obj, /, *, indent=None, sort_keys=false, ensure_ascii=true))]
fn dumps<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    indent: Option<&Bound<'py, PyAny>>,
    sort_keys: bool,
    ensure_ascii: bool,
) -> PyResult<Bound<'py, PyAny>> {
    pyencode::dumps(py, obj, options(indent, sort_keys, ensure_ascii)?)
}

/// Serialize ``obj`` as a JSON formatted stream to ``fp`` (a ``.write()``-supporting
/// file-like object), like ``json.dump(obj, fp, ...)``; the options are those of ``dumps``.
#[pyfunction]
#[pyo3(signature = (obj, fp, /, *, indent=None, sort_keys=false, ensure_ascii=true))]
fn dump<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    fp: &Bound<'py, PyAny>,
    indent: Option<&Bound<'py, PyAny>>,
    sort_keys: bool,
    ensure_ascii: bool,
) -> PyResult<()> {
    let s = pyencode::dumps(py, obj, options(indent, sort_keys, ensure_ascii)?)?;
    fp.call_method1("write", (s,))?;
    Ok(())
}

/// A fast JSON encoder and decoder written in Rust, compatible with the standard
/// library's ``json`` module.
///
/// Declared `gil_used = true`: the key cache and the output buffer are shared state
/// protected by the GIL.
#[pymodule(gil_used = true)]
mod hyperjson {
    use super::*;
    #[pymodule_export]
    use super::{dump, dumps, load, loads};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("JSONDecodeError", decode_error_type(m.py())?)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}

/// Rust entry points for embedders (the profiler) that hold the GIL: the same code paths
/// as the Python functions, without a Python-level call.
pub mod api {
    use super::*;

    /// `loads(s)` for a `str`.
    pub fn loads_str<'py>(s: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        pydecode::loads_str(s)
    }

    /// `loads(b)` for UTF-8 bytes.
    pub fn loads_bytes<'py>(b: &Bound<'py, PyBytes>) -> PyResult<Bound<'py, PyAny>> {
        pydecode::loads_bytes(b.as_any(), b.as_bytes())
    }

    /// `dumps(obj, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)`.
    pub fn dumps<'py>(
        obj: &Bound<'py, PyAny>,
        indent: Option<usize>,
        sort_keys: bool,
        ensure_ascii: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let indent = indent.map(|n| vec![b' '; n]);
        pyencode::dumps(
            obj.py(),
            obj,
            pyencode::Options {
                indent,
                sort_keys,
                ensure_ascii,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'py>(py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        PyString::new(py, text)
    }

    #[test]
    fn round_trip_through_python_objects() {
        Python::initialize();
        Python::attach(|py| {
            let text = r#"{"a": [1, 2.5, "\u00e9\u65e5\ud83d\ude00", null, true, 123456789012345678901234567890, -0.0, 1e+16], "b": {}}"#;
            let obj = api::loads_str(&doc(py, text)).unwrap();
            let again = api::dumps(&obj, None, false, true).unwrap();
            assert_eq!(again.extract::<String>().unwrap(), text);
            let pretty = api::dumps(&obj, Some(1), true, false)
                .unwrap()
                .extract::<String>()
                .unwrap();
            assert!(
                pretty.starts_with("{\n \"a\": [\n  1,\n  2.5,\n  \"é日😀\""),
                "{pretty}"
            );
            let from_bytes = api::loads_bytes(&PyBytes::new(py, text.as_bytes())).unwrap();
            assert!(from_bytes.eq(&obj).unwrap());
        });
    }

    #[test]
    fn syntax_errors_are_json_decode_errors_with_character_positions() {
        Python::initialize();
        Python::attach(|py| {
            let err = api::loads_str(&doc(py, "[\"日本\", 1 2]")).unwrap_err();
            let t = decode_error_type(py).unwrap();
            assert!(err.is_instance(py, t));
            assert!(err.is_instance_of::<pyo3::exceptions::PyValueError>(py));
            let value = err.value(py);
            // The position counts characters, not UTF-8 bytes.
            assert_eq!(value.getattr("pos").unwrap().extract::<usize>().unwrap(), 9);
            assert_eq!(
                value.getattr("msg").unwrap().extract::<String>().unwrap(),
                "Expecting ',' delimiter"
            );
        });
    }

    #[test]
    fn unsupported_types_and_cycles() {
        Python::initialize();
        // A cycle is reported once it reaches the recursion limit: give this unoptimized
        // build's deep native recursion more than a test thread's default 2 MiB of stack.
        let worker = std::thread::Builder::new().stack_size(64 << 20);
        worker
            .spawn(unsupported_types_and_cycles_body)
            .unwrap()
            .join()
            .unwrap();
    }

    fn unsupported_types_and_cycles_body() {
        Python::attach(|py| {
            let set = py.eval(c"{1, 2}", None, None).unwrap();
            let err = api::dumps(&set, None, false, true).unwrap_err();
            assert!(err.is_instance_of::<PyTypeError>(py));
            let cycle = py
                .eval(c"(lambda l: (l.append(l), l)[1])([])", None, None)
                .unwrap();
            let err = api::dumps(&cycle, None, false, true).unwrap_err();
            assert!(
                err.to_string().contains("Circular reference detected"),
                "{err}"
            );
        });
    }
}
