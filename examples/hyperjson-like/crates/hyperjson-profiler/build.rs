fn main() {
    // Link against libpython with an rpath, so the binary runs without LD_LIBRARY_PATH.
    pyo3_build_config::add_libpython_rpath_link_args();
}
