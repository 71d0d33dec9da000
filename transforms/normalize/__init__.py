"""The normalize stage: typed form records → typed rows, one module per output table
(submissions, funding, goals, indicators, tasks, findings, contents) → NormalizedBatch.

    normalize_batch(files, options, run_id) -> NormalizedBatch
"""
from transforms.normalize.model import CORRECTION_COLUMNS, NormalizedBatch, NormalizeOptions, SourceFile
from transforms.normalize.stage import normalize_batch
from transforms.normalize.validate import validate

__all__ = ["CORRECTION_COLUMNS", "NormalizeOptions", "NormalizedBatch", "SourceFile", "normalize_batch", "validate"]
