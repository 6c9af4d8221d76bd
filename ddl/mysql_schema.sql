-- AMATO — MySQL (MariaDB 10.11+ / MySQL 8) schema: customers, orders and segments.
-- Applied into one database (the caller selects it); every statement is idempotent.
-- Columns come from the contracts in libs/contracts; created_at/updated_at are event times,
-- so the sink keeps the latest state by event time however late an event arrives.

CREATE TABLE IF NOT EXISTS customers (
  customer_id         VARCHAR(20)  NOT NULL,
  email               VARCHAR(255) NOT NULL,
  first_name          VARCHAR(100) NOT NULL,
  last_name           VARCHAR(100) NOT NULL,
  phone               VARCHAR(40)  NULL,
  date_of_birth       DATE         NULL,
  gender              ENUM('female', 'male', 'non_binary', 'undisclosed') NOT NULL,
  country             CHAR(2)      NOT NULL,
  city                VARCHAR(100) NOT NULL,
  postal_code         VARCHAR(20)  NULL,
  registration_date   DATETIME(3)  NOT NULL,
  acquisition_channel ENUM('organic', 'paid_search', 'social', 'email', 'referral', 'affiliate', 'display') NOT NULL,
  customer_status     ENUM('active', 'inactive', 'churned') NOT NULL,
  is_email_subscribed BOOLEAN      NOT NULL,
  created_at          DATETIME(3)  NOT NULL,
  updated_at          DATETIME(3)  NOT NULL,
  PRIMARY KEY (customer_id),
  UNIQUE KEY uq_customers_email (email),
  KEY idx_customers_registration (registration_date),
  KEY idx_customers_country_city (country, city),
  KEY idx_customers_status (customer_status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customer_demographics (
  customer_id     VARCHAR(20)  NOT NULL,
  age_group       ENUM('18-24', '25-34', '35-44', '45-54', '55-64', '65+') NOT NULL,
  income_bracket  ENUM('<25k', '25k-50k', '50k-75k', '75k-100k', '100k-150k', '150k+') NOT NULL,
  education_level ENUM('secondary', 'vocational', 'bachelor', 'master', 'doctorate') NOT NULL,
  occupation      VARCHAR(100) NOT NULL,
  marital_status  ENUM('single', 'married', 'divorced', 'widowed', 'partnered') NOT NULL,
  household_size  TINYINT UNSIGNED NOT NULL,
  updated_at      DATETIME(3)  NOT NULL,
  PRIMARY KEY (customer_id),
  KEY idx_demographics_age_income (age_group, income_bracket),
  CONSTRAINT fk_demographics_customer FOREIGN KEY (customer_id) REFERENCES customers (customer_id) ON DELETE CASCADE,
  CONSTRAINT ck_demographics_household CHECK (household_size BETWEEN 1 AND 20)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS transactions (
  transaction_id   VARCHAR(20)   NOT NULL,
  customer_id      VARCHAR(20)   NOT NULL,
  transaction_date DATETIME(3)   NOT NULL,
  total_amount     DECIMAL(12,2) NOT NULL,
  currency         CHAR(3)       NOT NULL,
  payment_method   ENUM('card', 'paypal', 'bank_transfer', 'apple_pay', 'google_pay', 'gift_card') NOT NULL,
  order_status     ENUM('completed', 'shipped', 'delivered', 'returned', 'cancelled') NOT NULL,
  channel          ENUM('web', 'mobile_app', 'store') NOT NULL,
  session_id       VARCHAR(40)   NULL,
  PRIMARY KEY (transaction_id),
  -- RFM reads a customer's orders by date; revenue by day scans the date.
  KEY idx_transactions_customer_date (customer_id, transaction_date),
  KEY idx_transactions_date (transaction_date),
  KEY idx_transactions_session (session_id),
  CONSTRAINT fk_transactions_customer FOREIGN KEY (customer_id) REFERENCES customers (customer_id),
  CONSTRAINT ck_transactions_total CHECK (total_amount >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS transaction_items (
  item_id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  transaction_id  VARCHAR(20)   NOT NULL,
  line_number     SMALLINT UNSIGNED NOT NULL,
  product_id      VARCHAR(20)   NOT NULL,
  product_name    VARCHAR(200)  NOT NULL,
  category        ENUM('electronics', 'fashion', 'home', 'beauty', 'sports', 'books', 'toys', 'grocery') NOT NULL,
  quantity        INT UNSIGNED  NOT NULL,
  unit_price      DECIMAL(12,2) NOT NULL,
  discount_amount DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  line_total      DECIMAL(12,2) NOT NULL,
  PRIMARY KEY (item_id),
  -- The natural key: redelivered orders upsert onto their lines instead of adding rows.
  UNIQUE KEY uq_items_transaction_line (transaction_id, line_number),
  KEY idx_items_product (product_id),
  KEY idx_items_category (category),
  CONSTRAINT fk_items_transaction FOREIGN KEY (transaction_id) REFERENCES transactions (transaction_id) ON DELETE CASCADE,
  CONSTRAINT ck_items_amounts CHECK (quantity > 0 AND unit_price >= 0 AND discount_amount >= 0 AND line_total >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customer_segments (
  segment_id   SMALLINT UNSIGNED NOT NULL,
  segment_name VARCHAR(100) NOT NULL,
  description  TEXT         NULL,
  criteria     JSON         NULL,
  created_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (segment_id),
  UNIQUE KEY uq_segments_name (segment_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customer_segment_mapping (
  mapping_id       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id      VARCHAR(20)  NOT NULL,
  segment_id       SMALLINT UNSIGNED NOT NULL,
  assigned_at      DATETIME(3)  NOT NULL,
  confidence_score DECIMAL(5,4) NOT NULL,
  model_version    VARCHAR(50)  NOT NULL,
  PRIMARY KEY (mapping_id),
  -- One segment per customer per model version: re-scoring upserts.
  UNIQUE KEY uq_mapping_customer_model (customer_id, model_version),
  KEY idx_mapping_segment (segment_id, model_version),
  CONSTRAINT fk_mapping_customer FOREIGN KEY (customer_id) REFERENCES customers (customer_id) ON DELETE CASCADE,
  CONSTRAINT fk_mapping_segment FOREIGN KEY (segment_id) REFERENCES customer_segments (segment_id),
  CONSTRAINT ck_mapping_confidence CHECK (confidence_score BETWEEN 0 AND 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
