"""Shared pieces of the dashboard pages: the warehouse path, cached queries keyed on the
published file's stamp, tables with Chinese headers (English names on hover or by a switch)."""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from office import data
from office.data import DB_ENV
from warehouse.labels import CODE_ZH, column_zh



def db_path() -> str:
    path = os.environ.get(DB_ENV)
    if not path:
        st.error(f"未指定仓库 / no warehouse: start with `jixiao dashboard --db warehouse.duckdb` (or set {DB_ENV})")
        st.stop()
    return path


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(path: str, stamp: tuple, sql: str, params: tuple) -> pd.DataFrame:
    return data.query(path, sql, params)


def frame(sql: str, params: tuple = ()) -> pd.DataFrame:
    """The query's result on the file published now (a new publish changes the stamp)."""
    path = db_path()
    try:
        stamp = data.stamp(path)
    except FileNotFoundError:
        st.error(f"仓库文件不存在 / no warehouse at {path}")
        st.stop()
    return _cached(path, stamp, sql, tuple(params))


def header(title: str, english: str) -> bool:
    """Page title; returns whether column names are shown in English."""
    st.title(title)
    st.caption(english)
    return st.sidebar.toggle("English column names 英文列名", key="english_columns")


def with_zh(df: pd.DataFrame) -> pd.DataFrame:
    """Each coded column followed by its Chinese ``<col>_zh`` (the one mapping in warehouse/labels.py)."""
    out = df.copy()
    for c in list(df.columns):
        if c in CODE_ZH and f"{c}_zh" not in out.columns:
            out.insert(out.columns.get_loc(c) + 1, f"{c}_zh", df[c].map(lambda v, t=CODE_ZH[c]: t.get(v, v)))
    return out


def table(df: pd.DataFrame, english: bool, key: str | None = None) -> None:
    shown = df.copy()
    for c in shown.columns:  # DECIMAL arrives as object; money reads better as numbers
        if shown[c].dtype == object and len(shown[c].dropna()) and \
                type(shown[c].dropna().iloc[0]).__name__ == "Decimal":
            shown[c] = shown[c].astype(float)
    config = {c: st.column_config.Column(c if english else column_zh(c), help=c) for c in shown.columns}
    for c in shown.columns:
        if c.endswith("_wan"):
            config[c] = st.column_config.NumberColumn(c if english else column_zh(c), help=c, format="%,.2f")
        elif c == "quantitative_share":
            config[c] = st.column_config.NumberColumn(c if english else column_zh(c), help=c, format="percent")
    st.dataframe(shown, column_config=config, hide_index=True, key=key)


def years(view: str) -> list[int]:
    df = frame(f"SELECT DISTINCT budget_year FROM {view} WHERE budget_year IS NOT NULL ORDER BY 1 DESC")
    return [int(y) for y in df["budget_year"]]
