//! Runs a workload of `uvlib` in a loop, natively and through its Python module
//! embedded in this process, and prints timings.
//!
//! ```text
//! cargo run --profile release -p uvlib-profiler -- --iterations 50
//! scaffold profile --iterations 50 --output flamegraph.svg
//! perf record -g target/release/uvlib-profiler --iterations 50
//! valgrind --tool=callgrind target/release/uvlib-profiler --iterations 5
//! ```

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::PyDict;

const USAGE: &str = "usage: uvlib-profiler [--iterations N] [--python CODE]

  --iterations N   times each workload runs (default 20)
  --python CODE    Python statement run per iteration, with the module bound to `m`";

/// The Python side of the workload: `m` is the module `_core`. Replace it, or pass
/// `--python CODE`, with a call that does real work.
const DEFAULT_PYTHON: &str = "[getattr(m, name) for name in dir(m)]";

/// EDIT ME: the native side of the workload. Call the Rust functions of `_core`
/// that you want to profile and return something derived from their results, so the optimizer
/// cannot drop the work. Kept out of line so that profilers show it as a frame of its own.
#[inline(never)]
fn native_workload() -> u64 {
    // For example: _core::my_function(black_box(input)) as u64
    black_box(0)
}

// Links the library even when no Rust item of it is used, so its `PyInit_` symbol is there.
extern crate _core as _;

// `#[pymodule]` always exports `PyInit_<name>`, public or not, so any PyO3 library can be
// embedded by registering that symbol as a built-in module before the interpreter starts.
unsafe extern "C" {
    fn PyInit__core() -> *mut pyo3::ffi::PyObject;
}

struct Options {
    iterations: u32,
    python: String,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        iterations: 20,
        python: DEFAULT_PYTHON.to_string(),
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--iterations" => {
                let text = value("--iterations")?;
                options.iterations = text
                    .parse()
                    .map_err(|_| format!("bad --iterations {text:?}"))?;
            }
            "--python" => options.python = value("--python")?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
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
        pyo3::ffi::PyImport_AppendInittab(c"_core".as_ptr(), Some(PyInit__core));
    }
}

/// Runs `code` once per iteration with the module bound to `m`; returns the total time.
fn time_python(py: Python<'_>, code: &str, iterations: u32) -> PyResult<Duration> {
    let globals = PyDict::new(py);
    globals.set_item("m", py.import("_core")?)?;
    // Compiled once, so the loop times the workload and not the compiler.
    let builtins = py.import("builtins")?;
    let compiled = builtins
        .getattr("compile")?
        .call1((code, "<workload>", "exec"))?;
    let exec = builtins.getattr("exec")?;
    let start = Instant::now();
    for _ in 0..iterations {
        // Owned clones (a reference count each): PyO3 before 0.21 takes no `&&PyAny` here.
        exec.call1((compiled.clone(), globals.clone()))?;
    }
    Ok(start.elapsed())
}

fn time_native(iterations: u32) -> (Duration, u64) {
    let start = Instant::now();
    let mut checksum = 0u64;
    for _ in 0..iterations {
        checksum = checksum.wrapping_add(native_workload());
    }
    (start.elapsed(), checksum)
}

fn report(label: &str, total: Duration, iterations: u32) {
    let per = total / iterations.max(1);
    println!("{label:<7} {iterations} iterations in {total:.3?} ({per:.3?} per iteration)");
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
    // The Python workload runs first: a sampler that reads Python frames (py-spy, as run by
    // `scaffold profile --recorder py-spy`) finds the interpreter only once it has started, and
    // gives up after about half a second.
    register_module();
    let python = match Python::attach(|py| time_python(py, &options.python, options.iterations)) {
        Ok(python) => python,
        Err(error) => {
            eprintln!("error: the Python workload failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (native, checksum) = time_native(options.iterations);
    black_box(checksum);
    report("native", native, options.iterations);
    report("python", python, options.iterations);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_module_runs_the_workload() {
        register_module();
        Python::attach(|py| time_python(py, DEFAULT_PYTHON, 1)).unwrap();
    }

    #[test]
    fn parses_arguments() {
        let args = ["--iterations", "3", "--python", "pass"].map(String::from);
        let options = parse_args(args.into_iter()).unwrap();
        assert_eq!((options.iterations, options.python.as_str()), (3, "pass"));
        assert!(parse_args(["--iterations", "x"].map(String::from).into_iter()).is_err());
    }
}
