fn main() {
    // PyO3's `Py_3_*` cfgs: the decoder uses a private dict constructor where it exists.
    pyo3_build_config::use_pyo3_cfgs();
    // Without `extension-module` (`cargo test --no-default-features`, or as the profiler's
    // dependency) test binaries link libpython: give them an rpath so they run without
    // LD_LIBRARY_PATH. The extension module itself never links libpython.
    println!("cargo:rerun-if-env-changed=PYO3_BUILD_EXTENSION_MODULE");
    if std::env::var_os("CARGO_FEATURE_EXTENSION_MODULE").is_none()
        && std::env::var_os("PYO3_BUILD_EXTENSION_MODULE").is_none()
    {
        pyo3_build_config::add_libpython_rpath_link_args();
    }
}
