"""The pandera models are the one list of columns: every row class agrees with its model."""
from __future__ import annotations

import pytest

from transforms.normalize.rows import COLUMNS, TABLES, empty_frames, frame, model_columns, row_fields
from transforms.schemas import MODELS


def test_the_tables_are_the_models_tables():
    assert set(TABLES) == set(MODELS)
    assert all(TABLES[t][1] is MODELS[t] for t in MODELS)


@pytest.mark.parametrize("table", sorted(MODELS))
def test_row_fields_are_the_model_columns_in_order(table):
    row_class, model = TABLES[table]
    assert row_fields(row_class) == model_columns(model) == COLUMNS[table]


def test_frames_have_exactly_the_model_columns():
    for table, df in empty_frames().items():
        assert list(df.columns) == model_columns(MODELS[table])


def test_a_frame_is_built_from_typed_rows():
    from transforms.normalize.rows import GoalRow

    df = frame("raw_goals", [GoalRow("s-0", "annual", None, 0, "完成年度任务。")])
    assert df.to_dict("records") == [{"submission_id": "s-0", "horizon": "annual", "code": None, "seq": 0,
                                      "text": "完成年度任务。"}]
