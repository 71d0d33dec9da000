CREATE SCHEMA IF NOT EXISTS raw;

-- Raw layer (schema raw): the tables the loader writes, every one through warehouse/writer.py
-- (bulk replace, never row by row); how each is replaced is declared in tables.toml.
-- Internal: the public views in main (marts/, rollups/) are the interface.
-- Plain scalar types only. Money in 万元 as DECIMAL(18,4); shares in percent (68.38) as DECIMAL(9,4).
-- Keys (kept by the writer, not by constraints, so a content can be deleted and re-appended
-- inside one transaction): sha256 = a file's content; a form = (sha256, form_index);
-- submission_id = sha256[:16] || '-' || form_index.

-- runs — grain: one ingestion run; key: run_id. Only completed runs are ever published
-- (a run writes a private copy of the database; see warehouse/publish.py).
CREATE TABLE IF NOT EXISTS raw.runs (
    run_id          VARCHAR   NOT NULL,
    started_at      TIMESTAMP NOT NULL,  -- UTC
    finished_at     TIMESTAMP,           -- UTC
    status          VARCHAR   NOT NULL,  -- running | completed
    inbox           VARCHAR,
    year_default    INTEGER,
    files_seen      INTEGER,
    files_processed INTEGER,
    forms_loaded    INTEGER,
    findings        INTEGER
);

-- inbox_files — grain: one path of the latest scan; key: path. Replaced as a whole by every scan.
CREATE TABLE IF NOT EXISTS raw.inbox_files (
    path           VARCHAR NOT NULL,    -- relative to the inbox
    sha256         VARCHAR,             -- NULL when not hashed (ignored files)
    size_bytes     BIGINT,
    modified_at    TIMESTAMP,
    first_seen_run VARCHAR,
    last_seen_run  VARCHAR,
    kind           VARCHAR,             -- docx | ignored | other
    ignore_reason  VARCHAR
);

-- contents — grain: one distinct content processed; key: sha256.
CREATE TABLE IF NOT EXISTS raw.contents (
    sha256        VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,     -- ok | rejected
    reason        VARCHAR,              -- stable code when rejected
    message       VARCHAR,              -- sentence for a clerk
    forms         INTEGER,
    processed_run VARCHAR,
    source_path   VARCHAR,
    first_run     VARCHAR               -- the run that first processed this content (kept on re-processing)
);
ALTER TABLE raw.contents ADD COLUMN IF NOT EXISTS first_run VARCHAR;  -- warehouses made before it

-- raw_submissions — grain: one form of one content; key: submission_id (= (sha256, form_index)).
CREATE TABLE IF NOT EXISTS raw.raw_submissions (
    sha256                 VARCHAR NOT NULL,
    form_index             INTEGER NOT NULL,
    submission_id          VARCHAR NOT NULL,
    form_type              VARCHAR NOT NULL,  -- department | project
    layout                 VARCHAR,
    budget_year            INTEGER,
    year_source            VARCHAR,
    department             VARCHAR,
    province               VARCHAR,
    city                   VARCHAR,
    county                 VARCHAR,
    admin_level            VARCHAR,           -- province | city | county
    region_code            VARCHAR,           -- GB/T 2260, 6 digits
    filer                  VARCHAR,
    phone                  VARCHAR,
    project_name           VARCHAR,
    project_code           VARCHAR,
    supervising_department VARCHAR,
    executing_unit         VARCHAR,
    implementation_period  VARCHAR,           -- 实施期限/项目期限 as written (2024年1月-2026年12月, 3年)
    source_format          VARCHAR,           -- docx, doc, wps, rtf, odt, xlsx, xls, et, pdf
    long_term_until        INTEGER,           -- 长期目标（截止2025年）: the long-term horizon
    logical_key            VARCHAR,           -- versions of one logical submission share it
    run_id                 VARCHAR
);
ALTER TABLE raw.raw_submissions ADD COLUMN IF NOT EXISTS implementation_period VARCHAR;  -- warehouses made before it
ALTER TABLE raw.raw_submissions ADD COLUMN IF NOT EXISTS source_format VARCHAR;

-- raw_funding — grain: one funding value; key: (submission_id, source_table, source_row, source_col).
CREATE TABLE IF NOT EXISTS raw.raw_funding (
    submission_id VARCHAR NOT NULL,
    fiscal_year   INTEGER,
    direction     VARCHAR,                -- income | expenditure
    category      VARCHAR,
    is_total      BOOLEAN,
    amount_wan    DECIMAL(18,4),
    share_pct     DECIMAL(9,4),
    source_table  INTEGER,
    source_row    INTEGER,
    source_col    INTEGER
);

-- raw_goals — grain: one goal text; key: (submission_id, horizon, seq).
CREATE TABLE IF NOT EXISTS raw.raw_goals (
    submission_id VARCHAR NOT NULL,
    horizon       VARCHAR,                -- long_term | annual
    code          VARCHAR,
    seq           INTEGER,
    text          VARCHAR
);

-- raw_indicators — grain: one indicator value (long format); key: (submission_id, source_table, source_row, source_col).
CREATE TABLE IF NOT EXISTS raw.raw_indicators (
    submission_id VARCHAR NOT NULL,
    horizon       VARCHAR,
    goal          VARCHAR,
    level1        VARCHAR,
    level2        VARCHAR,
    name          VARCHAR,
    basis         VARCHAR,
    category      VARCHAR,
    fiscal_year   INTEGER,
    is_target     BOOLEAN,
    value_raw     VARCHAR,
    value_num     DOUBLE,
    value_num_max DOUBLE,                 -- upper bound of a range (90%-95%), else NULL
    value_unit    VARCHAR,
    comparator    VARCHAR,
    value_kind    VARCHAR,
    source_table  INTEGER,
    source_row    INTEGER,
    source_col    INTEGER
);

-- raw_tasks — grain: one 年度主要任务 row of a national department form; key: (submission_id, seq).
CREATE TABLE IF NOT EXISTS raw.raw_tasks (
    submission_id     VARCHAR NOT NULL,
    seq               INTEGER,
    task              VARCHAR,
    content           VARCHAR,
    amount_total_wan  DECIMAL(18,4),      -- 预算金额 总额
    amount_fiscal_wan DECIMAL(18,4),      -- 财政拨款
    amount_other_wan  DECIMAL(18,4),      -- 其他资金
    source_table      INTEGER,
    source_row        INTEGER
);

-- raw_findings — grain: one finding; no natural key (a content's findings are replaced as a whole).
CREATE TABLE IF NOT EXISTS raw.raw_findings (
    sha256        VARCHAR NOT NULL,
    submission_id VARCHAR,                -- NULL for file-level findings
    severity      VARCHAR NOT NULL,       -- error | warning
    "check"       VARCHAR NOT NULL,
    location      VARCHAR,
    message       VARCHAR
);

-- registry — grain: one expected submitter (and budget year, when the row names one); key:
-- (budget_year, department_key). Replaced as a whole by `jixiao registry load FILE` (see
-- transforms/registry.py for the CSV columns). budget_year NULL = expected every budget year.
CREATE TABLE IF NOT EXISTS raw.registry (
    budget_year      INTEGER,
    department       VARCHAR NOT NULL,
    department_key   VARCHAR NOT NULL,   -- the name without spaces (matches submissions.department)
    region_code      VARCHAR,
    province         VARCHAR,
    city             VARCHAR,
    county           VARCHAR,
    level            VARCHAR,            -- province | city | county
    department_form  BOOLEAN NOT NULL,   -- a department-wide form (部门整体绩效目标表) is expected
    project_forms    INTEGER NOT NULL,   -- project forms expected (at least)
    contact          VARCHAR,
    source_file      VARCHAR,
    source_line      INTEGER,
    loaded_at        TIMESTAMP
);

-- run_stats — grain: one measure of one ingestion run; key: (run_id, key). Written by the flow
-- just before it publishes: seconds per stage (open, scan, extract, normalize, validate, load,
-- before_publish; extract/normalize/validate are summed over worker processes) and the run's
-- settings (workers, runner, batch_size) and counts. Read by bench/run.py.
CREATE TABLE IF NOT EXISTS raw.run_stats (
    run_id VARCHAR NOT NULL,
    key    VARCHAR NOT NULL,
    value  DOUBLE,
    text   VARCHAR
);

-- catalog — grain: one reason or finding code; key: code. Replaced as a whole at every publish
-- from jixiao.catalog.catalog_rows(); SQL joins it for names and clerk sentences.
CREATE TABLE IF NOT EXISTS raw.catalog (
    code     VARCHAR NOT NULL,
    stage    VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    name_zh  VARCHAR NOT NULL,
    template VARCHAR NOT NULL,
    -- true: a read/consistency warning (a loaded file becomes loaded_with_warnings);
    -- false: a review finding about the content (counted in files.findings, submissions.findings)
    affects_status BOOLEAN
);
ALTER TABLE raw.catalog ADD COLUMN IF NOT EXISTS affects_status BOOLEAN;  -- warehouses made before it
