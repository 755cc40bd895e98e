fn main() {
    println!("profiling");
}
