"""Imported by the worker pool's forkserver (transforms/pool.py): pays pandera's and the
normalize stage's first-call costs (~0.7 s) once, before the workers are forked from it.

It also sets the workers' garbage-collector thresholds (inherited through the fork): a batch
builds and drops millions of small objects (lxml proxies, cells, typed rows), nearly all freed
by reference counting, and a generation-0 collection every 700 allocations cost the extract
and normalize stages 5-15 % (measured on the benchmark corpus, one process)."""
import gc

from transforms.normalize import NormalizeOptions, normalize_batch

gc.set_threshold(50_000, 20, 20)
normalize_batch([], NormalizeOptions())
