"""Peerwell's benchmark runner: `python -m bench.run` (or `make bench`)."""
