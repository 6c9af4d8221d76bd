-- AMATO — PostgreSQL (13+) schema: campaigns, their daily performance, A/B tests, their exposures
-- and results.
-- Applied into one schema (the caller sets search_path); every statement is idempotent.
-- Ratios are generated columns, so they can never disagree with the counts they come from.

CREATE TABLE IF NOT EXISTS campaigns (
  campaign_id    VARCHAR(20)   PRIMARY KEY,
  campaign_name  VARCHAR(200)  NOT NULL,
  channel        VARCHAR(20)   NOT NULL CHECK (channel IN ('email', 'social', 'search', 'display', 'affiliate', 'video')),
  campaign_type  VARCHAR(20)   NOT NULL CHECK (campaign_type IN ('acquisition', 'retention', 'reactivation', 'seasonal', 'brand')),
  start_date     DATE          NOT NULL,
  end_date       DATE          NOT NULL,
  budget         NUMERIC(12,2) NOT NULL CHECK (budget >= 0),
  target_segment VARCHAR(100),
  status         VARCHAR(20)   NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'completed')),
  created_at     TIMESTAMPTZ   NOT NULL,
  updated_at     TIMESTAMPTZ   NOT NULL,
  CONSTRAINT ck_campaigns_dates CHECK (end_date >= start_date)
);
CREATE INDEX IF NOT EXISTS idx_campaigns_channel ON campaigns (channel);
CREATE INDEX IF NOT EXISTS idx_campaigns_dates ON campaigns (start_date, end_date);

CREATE TABLE IF NOT EXISTS campaign_performance (
  campaign_id      VARCHAR(20)   NOT NULL REFERENCES campaigns (campaign_id) ON DELETE CASCADE,
  performance_date DATE          NOT NULL,
  impressions      BIGINT        NOT NULL CHECK (impressions >= 0),
  clicks           BIGINT        NOT NULL CHECK (clicks >= 0),
  conversions      BIGINT        NOT NULL CHECK (conversions >= 0),
  spend            NUMERIC(12,2) NOT NULL CHECK (spend >= 0),
  revenue          NUMERIC(12,2) NOT NULL CHECK (revenue >= 0),
  ctr              NUMERIC(9,6)  GENERATED ALWAYS AS (CASE WHEN impressions > 0 THEN clicks::numeric / impressions END) STORED,
  conversion_rate  NUMERIC(9,6)  GENERATED ALWAYS AS (CASE WHEN clicks > 0 THEN conversions::numeric / clicks END) STORED,
  roas             NUMERIC(12,4) GENERATED ALWAYS AS (CASE WHEN spend > 0 THEN revenue / spend END) STORED,
  updated_at       TIMESTAMPTZ   NOT NULL,
  PRIMARY KEY (campaign_id, performance_date),
  CONSTRAINT ck_performance_funnel CHECK (clicks <= impressions AND conversions <= clicks)
);
CREATE INDEX IF NOT EXISTS idx_performance_date ON campaign_performance (performance_date);

CREATE TABLE IF NOT EXISTS ab_tests (
  test_id       VARCHAR(20)  PRIMARY KEY,
  test_name     VARCHAR(200) NOT NULL,
  campaign_id   VARCHAR(20)  REFERENCES campaigns (campaign_id) ON DELETE SET NULL,
  hypothesis    TEXT         NOT NULL,
  metric        VARCHAR(30)  NOT NULL CHECK (metric IN ('conversion_rate', 'revenue_per_visitor', 'click_through_rate')),
  start_date    DATE         NOT NULL,
  end_date      DATE         NOT NULL,
  status        VARCHAR(20)  NOT NULL CHECK (status IN ('running', 'completed', 'stopped')),
  traffic_split NUMERIC(4,3) NOT NULL CHECK (traffic_split > 0 AND traffic_split < 1),
  -- The lift a simulation planted (NULL for real tests), so significance testing can be checked.
  true_lift     NUMERIC(8,5),
  updated_at    TIMESTAMPTZ  NOT NULL,
  CONSTRAINT ck_ab_tests_dates CHECK (end_date >= start_date)
);
CREATE INDEX IF NOT EXISTS idx_ab_tests_campaign ON ab_tests (campaign_id);

-- Who was shown which variant of a test, and when first: experiments are analysed from these
-- joined with what the customers did (transactions in MySQL), before and after exposure.
-- customer_id has no foreign key: customers live in MySQL.
CREATE TABLE IF NOT EXISTS ab_test_exposures (
  test_id     VARCHAR(20) NOT NULL REFERENCES ab_tests (test_id) ON DELETE CASCADE,
  customer_id VARCHAR(20) NOT NULL,
  variant     VARCHAR(20) NOT NULL CHECK (variant IN ('control', 'treatment')),
  exposed_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (test_id, customer_id)
);
CREATE INDEX IF NOT EXISTS idx_ab_exposures_customer ON ab_test_exposures (customer_id);

CREATE TABLE IF NOT EXISTS ab_test_results (
  result_id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  test_id         VARCHAR(20)   NOT NULL REFERENCES ab_tests (test_id) ON DELETE CASCADE,
  variant         VARCHAR(20)   NOT NULL CHECK (variant IN ('control', 'treatment')),
  participants    BIGINT        NOT NULL CHECK (participants >= 0),
  conversions     BIGINT        NOT NULL CHECK (conversions >= 0),
  conversion_rate NUMERIC(9,6)  GENERATED ALWAYS AS (CASE WHEN participants > 0 THEN conversions::numeric / participants END) STORED,
  revenue         NUMERIC(14,2) NOT NULL CHECK (revenue >= 0),
  period_start    DATE          NOT NULL,
  period_end      DATE          NOT NULL,
  updated_at      TIMESTAMPTZ   NOT NULL,
  -- The natural key: a redelivered result upserts onto its row.
  CONSTRAINT uq_ab_results_variant_period UNIQUE (test_id, variant, period_start, period_end),
  CONSTRAINT ck_ab_results_counts CHECK (conversions <= participants),
  CONSTRAINT ck_ab_results_period CHECK (period_end >= period_start)
);

-- Every run of the batch (apps/batch): its cutoff, timing, outcome and each step's duration and
-- row counts, so the last run's figures can be served.
CREATE TABLE IF NOT EXISTS batch_runs (
  run_id      VARCHAR(40)  PRIMARY KEY,
  as_of       TIMESTAMPTZ  NOT NULL,
  started_at  TIMESTAMPTZ  NOT NULL,
  finished_at TIMESTAMPTZ  NOT NULL,
  status      VARCHAR(10)  NOT NULL CHECK (status IN ('succeeded', 'failed')),
  steps       JSONB        NOT NULL,
  error       TEXT
);
CREATE INDEX IF NOT EXISTS idx_batch_runs_started ON batch_runs (started_at DESC);

-- Every trained model version (./amato train): its artifact (JSON or ONNX bytes) with a
-- checksum, what it reads and how it was trained and scored (metadata: features in order,
-- metrics, training range and cutoff, code version), its report, and which version serves.
-- One version per model is active; activating one notifies the serving processes.
CREATE TABLE IF NOT EXISTS model_versions (
  model_name      VARCHAR(40)  NOT NULL CHECK (model_name ~ '^[a-z][a-z0-9_]*$'),
  version         INTEGER      NOT NULL CHECK (version > 0),
  format          VARCHAR(40)  NOT NULL,
  artifact        BYTEA        NOT NULL,
  artifact_sha256 CHAR(64)     NOT NULL,
  metadata        JSONB        NOT NULL,
  report          TEXT,
  created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
  active          BOOLEAN      NOT NULL DEFAULT false,
  activated_at    TIMESTAMPTZ,
  PRIMARY KEY (model_name, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_model_versions_active ON model_versions (model_name) WHERE active;
