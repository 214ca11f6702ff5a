"""Benchmarks of the engine against baselines measured in the same run; not collected by pytest.

Run one with `python -m bench.order_latency --help`.
"""
