// Puts libpython's directory on this binary's rpath, so it starts without
// LD_LIBRARY_PATH. Build scripts of dependencies cannot do this for us.
fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
}
