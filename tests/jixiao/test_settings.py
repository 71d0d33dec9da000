"""The one settings object: defaults → TOML → environment → CLI flags; bad values are one line."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.settings import ReviewConfig, Settings, SettingsError, as_parameters, load_settings, settings_fields

JIXIAO = Path(sys.executable).with_name("jixiao")


def _toml(tmp_path, text: str, name: str = "jixiao.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_documented_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no jixiao.toml here
    s = load_settings(env={})
    assert s == Settings()
    assert (s.batch_size, s.workers, s.runner, s.wait_for_lock, s.office_name, s.convert_timeout_s) == \
        (100, None, "processes", True, "财政局", 120.0)
    assert s.review == ReviewConfig() and s.direct_readers is True
    assert load_settings(env={"JIXIAO_DIRECT_READERS": "false"}).direct_readers is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.batch_size = 5


def test_each_layer_overrides_only_what_it_sets(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _toml(tmp_path, 'db = "w.duckdb"\nbatch_size = 50\nyear = 2023\nprovince = "湖南省"\n'
                    '[review]\nquantitative_share_min = 60\nrate_max_pct = 120\n')
    toml_only = load_settings(env={})
    assert (toml_only.db, toml_only.batch_size, toml_only.year, toml_only.province) == \
        (str(tmp_path / "w.duckdb"), 50, 2023, "湖南省")  # a TOML path is relative to its file
    assert (toml_only.review.quantitative_share_min, toml_only.review.rate_max_pct) == (60, 120)

    env = {"JIXIAO_BATCH_SIZE": "20", "JIXIAO_QUANTITATIVE_SHARE_MIN": "55", "JIXIAO_WAIT_FOR_LOCK": "false",
           "JIXIAO_YEAR": ""}  # an empty variable is not set
    with_env = load_settings(env=env)
    assert (with_env.batch_size, with_env.year, with_env.wait_for_lock) == (20, 2023, False)
    assert (with_env.review.quantitative_share_min, with_env.review.rate_max_pct) == (55, 120)

    flags = load_settings({"batch_size": 7, "year": None, "quantitative_share_min": 70, "workers": 3}, env=env)
    assert (flags.batch_size, flags.year, flags.workers, flags.db) == (7, 2023, 3, str(tmp_path / "w.duckdb"))
    assert (flags.review.quantitative_share_min, flags.review.rate_max_pct) == (70, 120)


def test_config_file_is_chosen_by_flag_then_environment_then_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _toml(tmp_path, "batch_size = 1\n")
    other = _toml(tmp_path, "batch_size = 2\n", "other.toml")
    third = _toml(tmp_path, "batch_size = 3\n", "third.toml")
    assert load_settings(env={}).batch_size == 1
    assert load_settings(env={"JIXIAO_CONFIG": str(other)}).batch_size == 2
    assert load_settings({"config": str(third)}, env={"JIXIAO_CONFIG": str(other)}).batch_size == 3
    assert load_settings(env={}, toml=other).batch_size == 2


def test_review_file_sits_over_the_toml_table_under_environment_and_flags(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    review = _toml(tmp_path, "[review]\nquantitative_share_min = 65\ndisabled = [\"template_text\"]\n", "review.toml")
    _toml(tmp_path, 'review_config = "review.toml"\n[review]\nquantitative_share_min = 40\nrate_max_pct = 110\n')
    s = load_settings(env={})
    assert s.review_config == str(review)
    assert (s.review.quantitative_share_min, s.review.rate_max_pct, s.review.disabled) == (65, 110, ("template_text",))
    assert load_settings(env={"JIXIAO_QUANTITATIVE_SHARE_MIN": "30"}).review.quantitative_share_min == 30


@pytest.mark.parametrize("toml, env, cli, says", [
    ("bath_size = 5\n", {}, {}, "unknown setting 'bath_size'"),
    ('batch_size = "many"\n', {}, {}, "batch_size = 'many' is not an integer"),
    ("[review]\nquantitative_share_minimum = 60\n", {}, {}, "unknown review setting"),
    ("batch_size = \n", {}, {}, "is not valid TOML"),
    ("", {"JIXIAO_WORKERS": "two"}, {}, "workers = 'two' is not an integer"),
    ("", {"JIXIAO_WAIT_FOR_LOCK": "maybe"}, {}, "is not a boolean"),
    ("", {"JIXIAO_QUANTITATIVE_SHARE_MIN": "half"}, {}, "is not a number"),
    ("", {"JIXIAO_RUNNER": "threads"}, {}, "runner must be one of"),
    ("", {}, {"colour": "red"}, "unknown setting 'colour'"),
    ("", {}, {"config": "missing.toml"}, "no settings file"),
])
def test_bad_values_raise_one_settings_error(tmp_path, monkeypatch, toml, env, cli, says):
    monkeypatch.chdir(tmp_path)
    _toml(tmp_path, toml)
    with pytest.raises(SettingsError) as e:
        load_settings(cli, env=env)
    assert says in e.value.en and e.value.zh and "\n" not in str(e.value)


def test_parameters_round_trip_as_json():
    s = Settings(inbox="/in", db="/w.duckdb", year=2024, review=ReviewConfig(disabled=("template_text",)))
    params = as_parameters(s)
    assert params["review"]["disabled"] == ["template_text"] and params["year"] == 2024
    assert Settings(**{**params, "review": ReviewConfig(**{k: tuple(v) if isinstance(v, list) else v
                                                          for k, v in params["review"].items()})}) == s


def test_readme_table_lists_every_setting():
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [key for key, env, _ in settings_fields() if f"`{key}`" not in readme or (env and f"`{env}`" not in readme)]
    assert not missing


@pytest.mark.parametrize("argv, env, says", [
    (["ingest", "{inbox}", "--db", "{db}", "--config", "{tmp}/nope.toml"], {}, "no settings file"),
    (["ingest", "{inbox}", "--db", "{db}"], {"JIXIAO_BATCH_SIZE": "lots"}, "is not an integer"),
    (["ingest", "{inbox}"], {}, "no warehouse file"),
    (["serve", "{inbox}", "--db", "{db}"], {"JIXIAO_TIMEZONE": "Mars/Olympus"}, "is not a time zone"),
    (["serve", "{inbox}", "--db", "{db}"], {"JIXIAO_RUNNER": "dask"}, "serve does not support --runner dask"),
])
def test_cli_bad_setting_is_one_line_and_exit_2(tmp_path, argv, env, says):
    import os

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fill = {"inbox": str(inbox), "db": str(tmp_path / "w.duckdb"), "tmp": str(tmp_path)}
    proc = subprocess.run([str(JIXIAO), *(a.format(**fill) for a in argv)], capture_output=True, text=True,
                          cwd=tmp_path, env={**{k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")},
                                             "PREFECT_HOME": str(tmp_path / "prefect"), **env}, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and says in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
