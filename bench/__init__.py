"""Scale benchmarks. Timings live here, never in the timed test suite."""
