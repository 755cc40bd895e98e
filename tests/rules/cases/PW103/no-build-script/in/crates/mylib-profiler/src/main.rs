fn main() {
    // embeds Python: the interpreter runs the workload
    pyo3::Python::attach(|_py| println!("profiling"));
}
