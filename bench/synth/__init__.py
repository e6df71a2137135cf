"""Helpers of the synthetic repository generator (`bench/generate.py`)."""
