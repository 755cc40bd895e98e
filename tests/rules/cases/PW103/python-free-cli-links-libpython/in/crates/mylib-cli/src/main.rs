fn main() {
    // the library's Rust API only: no Python here
    mylib::answer();
}
