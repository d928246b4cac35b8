"""Benchmark suite (``make bench``): seeded CX-shaped instances and timing runs."""
