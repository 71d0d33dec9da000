"""Imported by the worker pool's forkserver (transforms/pool.py): pays pandera's and the
normalize stage's first-call costs (~0.7 s) once, before the workers are forked from it."""
from transforms.normalize import NormalizeOptions, normalize_batch

normalize_batch([], NormalizeOptions())
