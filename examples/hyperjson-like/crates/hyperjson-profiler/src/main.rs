//! Times `hyperjson` on named JSON profiles, natively and through its Python module
//! embedded in this process, and prints timings.
//!
//! ```text
//! cargo run --profile profiling -p hyperjson-profiler -- --iterations 50
//! cargo run --profile profiling -p hyperjson-profiler -- --profile floats --only loads
//! perf record -g target/profiling/hyperjson-profiler --profile floats --iterations 200
//! valgrind --tool=callgrind target/profiling/hyperjson-profiler --profile unicode --iterations 3
//! ```
//!
//! Three timings per profile and operation:
//! - `parse`  (loads only): the pure-Rust parser with a sink that only counts values — the
//!   cost of scanning JSON, without building Python objects;
//! - `native`: the Rust entry points (`hyperjson::api`), building / reading Python objects,
//!   without a Python-level call;
//! - `python`: `hyperjson.loads(doc)` / `hyperjson.dumps(obj)` called from Python code
//!   running in the embedded interpreter.

mod profiles;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

const USAGE: &str =
    "usage: hyperjson-profiler [--iterations N] [--profile NAME]... [--only loads|dumps] [--list]

  --iterations N   times each operation runs per profile (default 20); the median is printed
  --profile NAME   run only this profile (repeatable; default: all)
  --only OP        time only `loads` or only `dumps`
  --list           print the profile names with their sizes and checksums, and exit";

// `#[pymodule]` always exports `PyInit_<name>`, public or not, so any PyO3 library can be
// embedded by registering that symbol as a built-in module before the interpreter starts.
unsafe extern "C" {
    fn PyInit_hyperjson() -> *mut pyo3::ffi::PyObject;
}

#[derive(Debug)]
struct Options {
    iterations: u32,
    profiles: Vec<String>,
    loads: bool,
    dumps: bool,
    list: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        iterations: 20,
        profiles: Vec::new(),
        loads: true,
        dumps: true,
        list: false,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--iterations" => {
                let text = value("--iterations")?;
                options.iterations = match text.parse() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(format!("bad --iterations {text:?}")),
                };
            }
            "--profile" => {
                let name = value("--profile")?;
                if !profiles::NAMES.contains(&name.as_str()) {
                    return Err(format!(
                        "unknown profile {name:?} (one of: {})",
                        profiles::NAMES.join(", ")
                    ));
                }
                options.profiles.push(name);
            }
            "--only" => match value("--only")?.as_str() {
                "loads" => options.dumps = false,
                "dumps" => options.loads = false,
                other => return Err(format!("--only takes loads or dumps, not {other:?}")),
            },
            "--list" => options.list = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.profiles.is_empty() {
        options.profiles = profiles::NAMES.iter().map(|s| s.to_string()).collect();
    }
    Ok(options)
}

/// Registers the module; must run before the first `Python::attach` starts the interpreter.
fn register_module() {
    // SAFETY: called once, before the interpreter is initialized; the name is 'static.
    unsafe {
        assert!(
            pyo3::ffi::Py_IsInitialized() == 0,
            "the interpreter is already running"
        );
        pyo3::ffi::PyImport_AppendInittab(c"hyperjson".as_ptr(), Some(PyInit_hyperjson));
    }
}

/// A sink that builds nothing: it counts values, so `parse` times the scanner alone.
struct CountingSink(u64);

impl hyperjson::parser::Sink for CountingSink {
    type Value = ();
    type Error = ();
    fn null(&mut self) -> Result<(), ()> {
        self.0 += 1;
        Ok(())
    }
    fn boolean(&mut self, _: bool) -> Result<(), ()> {
        self.0 += 1;
        Ok(())
    }
    fn int(&mut self, v: i64) -> Result<(), ()> {
        self.0 = self.0.wrapping_add(v as u64);
        Ok(())
    }
    fn big_int(&mut self, t: &str) -> Result<(), ()> {
        self.0 += t.len() as u64;
        Ok(())
    }
    fn float(&mut self, v: f64) -> Result<(), ()> {
        self.0 = self.0.wrapping_add(v.to_bits());
        Ok(())
    }
    fn string(&mut self, b: &[u8], _: hyperjson::parser::StrKind) -> Result<(), ()> {
        self.0 += b.len() as u64;
        Ok(())
    }
    fn enter(&mut self, _: bool) -> Result<(), ()> {
        Ok(())
    }
    fn leave(&mut self) {}
    fn array(&mut self, items: std::vec::Drain<'_, ()>) -> Result<(), ()> {
        self.0 += items.len() as u64;
        Ok(())
    }
    fn object(&mut self, items: std::vec::Drain<'_, ()>) -> Result<(), ()> {
        self.0 += items.len() as u64;
        Ok(())
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time_each(iterations: u32, mut f: impl FnMut() -> PyResult<()>) -> PyResult<Duration> {
    let mut times = Vec::with_capacity(iterations as usize);
    for _ in 0..iterations {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    Ok(median(times))
}

const PYTHON_TIMER: &std::ffi::CStr = c"
import time
def timings(f, arg, n):
    out = []
    for _ in range(n):
        t = time.perf_counter_ns()
        f(arg)
        out.append(time.perf_counter_ns() - t)
    return out
";

/// Every `str` in `obj` (keys and values), in the order `dumps` writes them.
fn strings<'py>(obj: &Bound<'py, PyAny>, out: &mut Vec<Bound<'py, PyString>>) {
    if let Ok(s) = obj.cast::<PyString>() {
        out.push(s.clone());
    } else if let Ok(list) = obj.cast::<PyList>() {
        list.iter().for_each(|item| strings(&item, out));
    } else if let Ok(dict) = obj.cast::<PyDict>() {
        for (key, value) in dict.iter() {
            strings(&key, out);
            strings(&value, out);
        }
    }
}

/// Writes `"s"` as `dumps` does with `ensure_ascii=True` (escaped: the `json.dumps` output).
fn write_escaped(out: &mut Vec<u8>, s: &Bound<'_, PyString>) {
    let p = s.as_ptr();
    unsafe {
        let len = ffi::PyUnicode_GET_LENGTH(p) as usize;
        let data = ffi::PyUnicode_DATA(p);
        if ffi::PyUnicode_IS_ASCII(p) != 0 {
            let bytes = std::slice::from_raw_parts(data as *const u8, len);
            hyperjson::escape::write_ascii_str(out, bytes, true);
            return;
        }
        match ffi::PyUnicode_KIND(p) {
            1 => hyperjson::escape::write_str(
                out,
                std::slice::from_raw_parts(data as *const u8, len),
                true,
            ),
            2 => hyperjson::escape::write_str(
                out,
                std::slice::from_raw_parts(data as *const u16, len),
                true,
            ),
            _ => hyperjson::escape::write_str(
                out,
                std::slice::from_raw_parts(data as *const u32, len),
                true,
            ),
        };
    }
}

/// Writes `"s"` as orjson does: the string's UTF-8, cached by CPython on the `str` after
/// the first request, copied as is (no escaping needed in this document's strings).
fn write_utf8(out: &mut Vec<u8>, s: &Bound<'_, PyString>) {
    let mut size = 0;
    let p = unsafe { ffi::PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut size) };
    assert!(!p.is_null(), "str without UTF-8");
    out.push(b'"');
    out.extend_from_slice(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), size as usize) });
    out.push(b'"');
}

struct Row {
    profile: String,
    op: &'static str,
    timer: &'static str,
    median: Duration,
    bytes: usize,
}

fn run_profile(
    py: Python<'_>,
    name: &str,
    doc: &str,
    options: &Options,
    rows: &mut Vec<Row>,
) -> PyResult<()> {
    let module = py.import("hyperjson")?;
    let globals = PyDict::new(py);
    py.run(PYTHON_TIMER, Some(&globals), None)?;
    let timings = globals.get_item("timings")?.expect("defined above");
    let python_median = |f: Bound<'_, PyAny>, arg: &Bound<'_, PyAny>| -> PyResult<Duration> {
        let ns: Vec<u64> = timings.call1((f, arg, options.iterations))?.extract()?;
        Ok(median(ns.into_iter().map(Duration::from_nanos).collect()))
    };
    let n = options.iterations;
    let mut row = |op, timer, median| {
        rows.push(Row {
            profile: name.to_string(),
            op,
            timer,
            median,
            bytes: doc.len(),
        })
    };

    let text = PyString::new(py, doc);
    let obj = hyperjson::api::loads_str(&text)?;
    // Sanity: the document is exactly what json.dumps(obj, ensure_ascii=False) writes.
    let again = hyperjson::api::dumps(&obj, None, false, false)?;
    if again.extract::<String>()? != doc {
        return Err(pyo3::exceptions::PyAssertionError::new_err(format!(
            "{name}: dumps(loads(doc)) != doc"
        )));
    }
    if options.loads {
        let parse = time_each(n, || {
            let mut sink = CountingSink(0);
            hyperjson::parser::parse(&mut sink, black_box(doc.as_bytes()), false)
                .map_err(|_| pyo3::exceptions::PyValueError::new_err("parse failed"))?;
            black_box(sink.0);
            Ok(())
        })?;
        row("loads", "parse", parse);
        let native = time_each(n, || {
            black_box(hyperjson::api::loads_str(&text)?);
            Ok(())
        })?;
        row("loads", "native", native);
        row(
            "loads",
            "python",
            python_median(module.getattr("loads")?, text.as_any())?,
        );
    }
    if options.dumps {
        let native = time_each(n, || {
            black_box(hyperjson::api::dumps(&obj, None, false, true)?);
            Ok(())
        })?;
        row("dumps", "native", native);
        row(
            "dumps",
            "python",
            python_median(module.getattr("dumps")?, &obj)?,
        );
        // The document's strings alone, written the two ways: escaped as `json.dumps`
        // (and `dumps`) writes them, and as orjson writes them. The difference is the cost
        // of `json.dumps`'s output format.
        let mut all = Vec::new();
        strings(&obj, &mut all);
        let mut out = Vec::new();
        for (timer, write) in [
            (
                "escape",
                write_escaped as fn(&mut Vec<u8>, &Bound<'_, PyString>),
            ),
            ("utf8", write_utf8),
        ] {
            let median = time_each(n, || {
                out.clear();
                all.iter().for_each(|s| write(&mut out, s));
                black_box(&out);
                Ok(())
            })?;
            row("dumps", timer, median);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let docs: Vec<(String, String)> = options
        .profiles
        .iter()
        .map(|n| (n.clone(), profiles::generate(n).expect("checked name")))
        .collect();
    if options.list {
        for (name, doc) in &docs {
            println!(
                "{name} {} bytes fnv1a {:016x}",
                doc.len(),
                profiles::checksum(doc)
            );
        }
        return ExitCode::SUCCESS;
    }
    println!(
        "generated {} profiles in {:.1?}; {} iterations each, median times",
        docs.len(),
        started.elapsed(),
        options.iterations
    );
    register_module();
    let mut rows = Vec::new();
    let result = Python::attach(|py| -> PyResult<()> {
        for (name, doc) in &docs {
            run_profile(py, name, doc, &options, &mut rows)?;
        }
        Ok(())
    });
    if let Err(error) = result {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    println!(
        "{:<14} {:<6} {:<7} {:>12} {:>10}",
        "profile", "op", "timer", "median", "MB/s"
    );
    for r in &rows {
        let mbps = r.bytes as f64 / r.median.as_secs_f64().max(1e-12) / 1e6;
        println!(
            "{:<14} {:<6} {:<7} {:>12} {:>10.1}",
            r.profile,
            r.op,
            r.timer,
            format!("{:.3?}", r.median),
            mbps
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_module_runs_every_profile() {
        register_module();
        let options = parse_args(["--iterations", "1"].map(String::from).into_iter()).unwrap();
        let mut rows = Vec::new();
        Python::attach(|py| {
            for name in profiles::NAMES {
                let doc = profiles::generate(name).unwrap();
                run_profile(py, name, &doc, &options, &mut rows)?;
            }
            // The embedded module is the full one: JSONDecodeError included.
            let m = py.import("hyperjson")?;
            let err = m.getattr("loads")?.call1(("[1,",)).unwrap_err();
            assert!(err.is_instance(py, &m.getattr("JSONDecodeError")?.cast_into()?));
            PyResult::Ok(())
        })
        .unwrap();
        assert_eq!(rows.len(), profiles::NAMES.len() * 7);
    }

    #[test]
    fn parses_arguments() {
        let args = [
            "--iterations",
            "3",
            "--profile",
            "floats",
            "--only",
            "dumps",
        ]
        .map(String::from);
        let options = parse_args(args.into_iter()).unwrap();
        assert_eq!(options.iterations, 3);
        assert_eq!(options.profiles, ["floats"]);
        assert!(!options.loads && options.dumps);
        assert!(parse_args(["--iterations", "x"].map(String::from).into_iter()).is_err());
        assert!(parse_args(["--profile", "nope"].map(String::from).into_iter()).is_err());
        assert_eq!(parse_args(std::iter::empty()).unwrap().profiles.len(), 5);
    }
}
