"""The jixiao dashboard: `jixiao dashboard --db warehouse.duckdb` runs this with Streamlit."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).with_name("pages")

st.set_page_config(page_title="绩效目标 jixiao", layout="wide")
nav = st.navigation([
    st.Page(PAGES / "status.py", title="报送情况", url_path="status", default=True),
    st.Page(PAGES / "findings.py", title="审核问题", url_path="findings"),
    st.Page(PAGES / "rollups.py", title="汇总", url_path="rollups"),
    st.Page(PAGES / "indicators.py", title="指标", url_path="indicators"),
])
nav.run()
