// Puts libpython's directory on this binary's rpath, so it starts without
// LD_LIBRARY_PATH. Build scripts of dependencies cannot do this for us.
fn main() {
    if let Some(lib_dir) = &pyo3_build_config::get().lib_dir {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib_dir}");
    }
}
