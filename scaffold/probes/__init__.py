"""What this machine has, asked the way PyO3's build script asks: the interpreter it picks and
that interpreter's answers, libpython and the loader path, ELF dynamic sections, the toolchain
and backends, the interpreter the last build recorded. Facts only; doctor judges them."""
