"""Tests of generator/files/."""
