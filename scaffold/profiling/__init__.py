"""`scaffold profile`: build the profiler crate, record it, fold the stacks, render a flamegraph.

target    finds the profiler crate and builds it with the `profiling` Cargo profile
recorders perf, py-spy and callgrind: how each is run, and what its failures mean
inferno   the maintained flamegraph renderer (found, or installed with consent)
folded    reads folded stacks: the hottest frames by self and by total time
"""
