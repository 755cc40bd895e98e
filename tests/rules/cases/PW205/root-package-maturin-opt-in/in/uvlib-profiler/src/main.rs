use pyo3::prelude::*;

fn main() {
    let version = Python::attach(|py| py.version().to_string());
    println!("uvlib on Python {version}");
}
