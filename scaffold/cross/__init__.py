"""Cross compilation's files: the target's Python lib dir as PyO3 reads it, and the per-target
`.cargo/cross/<triple>.env` settings file."""
