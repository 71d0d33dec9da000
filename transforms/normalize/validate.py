"""Validation of a whole batch with the pandera models, once per batch (never per form).

Rows that fail take their form (or, for file-level rows, their file) out of the batch, named
in a schema_invalid error finding; the contents are recounted and a content left without
forms is rejected. The other forms load.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pandera.errors

from transforms.normalize.findings import catalog_sentence
from transforms.normalize.model import NormalizedBatch, SourceFile
from transforms.normalize.rows import COLUMNS, TABLES


def validate(batch: NormalizedBatch) -> NormalizedBatch:
    """The batch with every frame validated (coerced to the models' types)."""
    frames = batch.frames
    bad_forms: dict[str, str] = {}
    bad_files: dict[str, str] = {}
    valid: dict[str, pd.DataFrame] = {}
    for name, (_, model) in TABLES.items():
        try:
            valid[name] = model.validate(frames[name], lazy=True)
        except pandera.errors.SchemaErrors as err:
            df = frames[name]
            for case in err.failure_cases.to_dict("records"):
                idx = case.get("index")
                if idx is None or pd.isna(idx):
                    raise  # a whole-column failure is a bug in the normalize stage, not bad input
                row = df.iloc[int(idx)]
                what = f"{case.get('column') or name}：{case.get('check')}（{case.get('failure_case')}）"
                sid = row.get("submission_id")
                if isinstance(sid, str):
                    bad_forms.setdefault(sid, what)
                else:
                    bad_files.setdefault(row["sha256"], what)
    if not (bad_forms or bad_files):
        return replace(batch, frames=valid)  # the common case: every frame passed, validated once
    frames = _drop(frames, bad_forms, bad_files)
    return replace(batch, frames={name: model.validate(frames[name], lazy=True) for name, (_, model) in TABLES.items()})


def _drop(frames: dict[str, pd.DataFrame], bad_forms: dict[str, str],
          bad_files: dict[str, str]) -> dict[str, pd.DataFrame]:
    subs = frames["raw_submissions"]
    paths = dict(zip(frames["contents"]["sha256"], frames["contents"]["source_path"]))
    # a file whose rows fail loses all its forms
    bad = set(bad_forms) | set(subs.loc[subs["sha256"].isin(bad_files), "submission_id"])
    new_findings = []
    for s in subs[subs["submission_id"].isin(bad)].to_dict("records"):
        why = bad_forms.get(s["submission_id"]) or bad_files.get(s["sha256"], "")
        where = f"第{int(s['form_index']) + 1}张表"
        f = SourceFile(paths.get(s["sha256"], ""), "", s["sha256"])
        new_findings.append((s["sha256"], None, "error", "schema_invalid", where,
                             catalog_sentence(f, "schema_invalid", where=where, department=s["department"], why=why)))
    out = {}
    for name, df in frames.items():
        keep = pd.Series(True, index=df.index)
        if "submission_id" in df.columns:
            keep &= ~df["submission_id"].isin(bad)
        if name == "raw_findings":
            keep &= ~df["sha256"].isin(bad_files) | df["submission_id"].isna()
        out[name] = df[keep].reset_index(drop=True)
    out["raw_findings"] = pd.concat(
        [out["raw_findings"], pd.DataFrame(new_findings, columns=COLUMNS["raw_findings"])], ignore_index=True)
    # contents: recount forms; a content left without forms is rejected
    contents = out["contents"].copy()
    counts = out["raw_submissions"].groupby("sha256").size()
    ok = contents["outcome"].eq("ok")
    contents.loc[ok, "forms"] = contents.loc[ok, "sha256"].map(counts).fillna(0).astype(int).to_numpy()
    lost = ok & contents["forms"].eq(0)
    contents.loc[lost, "outcome"] = "rejected"
    contents.loc[lost, "reason"] = "schema_invalid"
    contents.loc[lost, "message"] = [
        catalog_sentence(SourceFile(p, "", s), "schema_invalid", "content")
        for s, p in zip(contents.loc[lost, "sha256"], contents.loc[lost, "source_path"])]
    out["contents"] = contents
    return out
