-- Data quality across the three stores, as of the cutoff ${as_of}.
-- Produces data_quality_summary: one row per check of the catalog below (check_name,
-- table_name, severity, description, failing_rows, checked_rows, examples: up to five keys of
-- failing rows, in key order). Checks: missing required fields (MongoDB does not enforce its
-- validators everywhere), formats and ranges, duplicates, referential integrity within and
-- across the stores (items -> orders -> customers; sessions, page views, events, interactions
-- and searches -> customers and sessions; sessions -> campaigns; performance -> campaign dates;
-- exposures -> customers and test windows; results -> tests and exposures), and orders whose
-- line items do not add up. On clean data every failing_rows is 0.
-- Severity: error = broken integrity or arithmetic; warning = a value out of its plausible range.
-- Each table is read once: one row per checked row and check (check_name, row_key, failed),
-- counted per check. A check that names no catalog entry fails the statement.

CREATE TABLE ${analytics}.data_quality_summary AS
WITH
  catalog (check_name, table_name, severity, description) AS (
    VALUES
      ('customers_email_format', 'mysql.customers', 'warning',
        'e-mail address without the form name@domain.tld'),
      ('customers_country_format', 'mysql.customers', 'warning',
        'country that is not a two-letter ISO code'),
      ('customers_registered_after_cutoff', 'mysql.customers', 'warning',
        'registration after the cutoff'),
      ('customers_birth_date_range', 'mysql.customers', 'warning',
        'date of birth making the customer younger than 13 or older than 120 at the cutoff'),
      ('transactions_orphan_customer', 'mysql.transactions', 'error',
        'order whose customer does not exist'),
      ('transactions_items_mismatch', 'mysql.transactions', 'error',
        'order whose line items do not add up to its total'),
      ('transactions_without_items', 'mysql.transactions', 'error', 'order with no line items'),
      ('transactions_after_cutoff', 'mysql.transactions', 'warning', 'order dated after the cutoff'),
      ('transactions_currency_format', 'mysql.transactions', 'warning',
        'currency that is not a three-letter ISO code'),
      ('transactions_duplicate', 'mysql.transactions', 'error',
        'order repeating an earlier one of the same customer, time and total under another id'),
      ('transactions_orphan_session', 'mysql.transactions', 'error',
        'web or app order whose session is not in the clickstream'),
      ('transaction_items_orphan', 'mysql.transaction_items', 'error',
        'line item whose order does not exist'),
      ('transaction_items_line_total', 'mysql.transaction_items', 'error',
        'line total other than quantity x unit price - discount'),
      ('sessions_missing_fields', 'mongodb.sessions', 'error',
        'session without its id, start or end time, duration, browser, source or flags'),
      ('sessions_orphan_customer', 'mongodb.sessions', 'error',
        'session of a customer that does not exist'),
      ('sessions_orphan_campaign', 'mongodb.sessions', 'error',
        'session attributed to a campaign that does not exist'),
      ('sessions_time_order', 'mongodb.sessions', 'error',
        'session that ends before it starts, or whose duration is negative'),
      ('sessions_device_type', 'mongodb.sessions', 'warning',
        'device type other than desktop, mobile or tablet'),
      ('sessions_duplicate', 'mongodb.sessions', 'error',
        'session id held by more than one document (the later copies)'),
      ('page_views_missing_fields', 'mongodb.page_views', 'error',
        'page view without its id, session, time, page type or sequence number'),
      ('page_views_orphan_session', 'mongodb.page_views', 'error',
        'page view of a session that does not exist'),
      ('page_views_orphan_customer', 'mongodb.page_views', 'error',
        'page view of a customer that does not exist'),
      ('page_views_scroll_depth', 'mongodb.page_views', 'warning',
        'scroll depth outside 0..1 or time on page negative'),
      ('events_missing_fields', 'mongodb.events', 'error',
        'event without its id, session, time or type'),
      ('events_orphan_session', 'mongodb.events', 'error', 'event of a session that does not exist'),
      ('events_orphan_customer', 'mongodb.events', 'error',
        'event of a customer that does not exist'),
      ('product_interactions_orphan_session', 'mongodb.product_interactions', 'error',
        'product interaction of a session that does not exist'),
      ('search_queries_orphan_session', 'mongodb.search_queries', 'error',
        'search of a session that does not exist'),
      ('campaign_performance_outside_dates', 'postgresql.campaign_performance', 'warning',
        'performance recorded outside its campaign''s dates'),
      ('ab_test_exposures_orphan_customer', 'postgresql.ab_test_exposures', 'error',
        'exposure of a customer that does not exist'),
      ('ab_test_exposures_outside_window', 'postgresql.ab_test_exposures', 'warning',
        'exposure before its test started or after its window ended'),
      ('ab_test_results_outside_dates', 'postgresql.ab_test_results', 'warning',
        'test result for a period outside its test''s dates'),
      ('ab_test_results_participants', 'postgresql.ab_test_results', 'error',
        'test result whose participants differ from the exposures of its variant')
  ),
  customers AS (SELECT * FROM ${mysql}.customers),
  orders AS (SELECT * FROM ${mysql}.transactions),
  items AS (SELECT * FROM ${mysql}.transaction_items),
  sessions AS (SELECT * FROM ${mongodb}.sessions),
  session_ids AS (SELECT DISTINCT session_id FROM sessions),
  item_sums AS (
    SELECT transaction_id, sum(line_total) AS items_total, count(*) AS lines
    FROM items GROUP BY transaction_id
  ),
  exposures AS (
    SELECT test_id, customer_id, variant,
      CAST(exposed_at AT TIME ZONE 'UTC' AS timestamp(3)) AS exposed_at
    FROM ${postgresql}.ab_test_exposures
  ),
  row_checks (check_name, row_key, failed) AS (
    SELECT u.check_name, c.customer_id, u.failed
    FROM customers c
    CROSS JOIN UNNEST(
      ARRAY['customers_email_format', 'customers_country_format',
        'customers_registered_after_cutoff', 'customers_birth_date_range'],
      ARRAY[
        NOT regexp_like(c.email, '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
        NOT regexp_like(CAST(c.country AS varchar), '^[A-Z]{2}$'),
        c.registration_date > ${as_of},
        c.date_of_birth > date_add('year', -13, CAST(${as_of} AS date))
          OR c.date_of_birth < date_add('year', -120, CAST(${as_of} AS date))]
    ) AS u (check_name, failed)
    UNION ALL
    SELECT u.check_name, o.transaction_id, u.failed
    FROM (
      SELECT *, row_number() OVER (
          PARTITION BY customer_id, transaction_date, total_amount ORDER BY transaction_id) AS copy
      FROM orders
    ) o
    LEFT JOIN customers c ON c.customer_id = o.customer_id
    LEFT JOIN item_sums s ON s.transaction_id = o.transaction_id
    LEFT JOIN session_ids w ON w.session_id = o.session_id
    CROSS JOIN UNNEST(
      ARRAY['transactions_orphan_customer', 'transactions_items_mismatch',
        'transactions_without_items', 'transactions_after_cutoff', 'transactions_currency_format',
        'transactions_duplicate', 'transactions_orphan_session'],
      ARRAY[
        c.customer_id IS NULL,
        s.transaction_id IS NOT NULL AND abs(s.items_total - o.total_amount) > 0.005,
        s.transaction_id IS NULL,
        o.transaction_date > ${as_of},
        NOT regexp_like(CAST(o.currency AS varchar), '^[A-Z]{3}$'),
        o.copy > 1,
        o.session_id IS NOT NULL AND w.session_id IS NULL]
    ) AS u (check_name, failed)
    UNION ALL
    SELECT u.check_name, i.transaction_id || '#' || CAST(i.line_number AS varchar), u.failed
    FROM items i
    LEFT JOIN (SELECT transaction_id FROM orders) o ON o.transaction_id = i.transaction_id
    CROSS JOIN UNNEST(
      ARRAY['transaction_items_orphan', 'transaction_items_line_total'],
      ARRAY[
        o.transaction_id IS NULL,
        abs(i.quantity * i.unit_price - i.discount_amount - i.line_total) > 0.005]
    ) AS u (check_name, failed)
    UNION ALL
    SELECT u.check_name, coalesce(s.session_id, '(no id)'), u.failed
    FROM (
      SELECT *, row_number() OVER (PARTITION BY session_id ORDER BY start_time) AS copy
      FROM sessions
    ) s
    LEFT JOIN (SELECT customer_id FROM customers) c ON c.customer_id = s.customer_id
    LEFT JOIN (SELECT campaign_id FROM ${postgresql}.campaigns) k ON k.campaign_id = s.campaign_id
    CROSS JOIN UNNEST(
      ARRAY['sessions_missing_fields', 'sessions_orphan_customer', 'sessions_orphan_campaign',
        'sessions_time_order', 'sessions_device_type', 'sessions_duplicate'],
      ARRAY[
        s.session_id IS NULL OR s.start_time IS NULL OR s.end_time IS NULL
          OR s.duration_seconds IS NULL OR s.browser IS NULL OR s.traffic_source IS NULL
          OR s.is_bounce IS NULL OR s.converted IS NULL,
        s.customer_id IS NOT NULL AND c.customer_id IS NULL,
        s.campaign_id IS NOT NULL AND k.campaign_id IS NULL,
        s.end_time < s.start_time OR s.duration_seconds < 0,
        s.device_type IS NULL OR s.device_type NOT IN ('desktop', 'mobile', 'tablet'),
        s.session_id IS NOT NULL AND s.copy > 1]
    ) AS u (check_name, failed)
    UNION ALL
    SELECT u.check_name, coalesce(p.page_view_id, '(no id)'), u.failed
    FROM ${mongodb}.page_views p
    LEFT JOIN session_ids s ON s.session_id = p.session_id
    LEFT JOIN (SELECT customer_id FROM customers) c ON c.customer_id = p.customer_id
    CROSS JOIN UNNEST(
      ARRAY['page_views_missing_fields', 'page_views_orphan_session', 'page_views_orphan_customer',
        'page_views_scroll_depth'],
      ARRAY[
        p.page_view_id IS NULL OR p.session_id IS NULL OR p.timestamp IS NULL
          OR p.page_type IS NULL OR p.sequence_number IS NULL,
        s.session_id IS NULL,
        p.customer_id IS NOT NULL AND c.customer_id IS NULL,
        p.scroll_depth < 0 OR p.scroll_depth > 1 OR p.time_on_page_seconds < 0]
    ) AS u (check_name, failed)
    UNION ALL
    SELECT u.check_name, coalesce(e.event_id, '(no id)'), u.failed
    FROM ${mongodb}.events e
    LEFT JOIN session_ids s ON s.session_id = e.session_id
    LEFT JOIN (SELECT customer_id FROM customers) c ON c.customer_id = e.customer_id
    CROSS JOIN UNNEST(
      ARRAY['events_missing_fields', 'events_orphan_session', 'events_orphan_customer'],
      ARRAY[
        e.event_id IS NULL OR e.session_id IS NULL OR e.timestamp IS NULL
          OR e.event_type IS NULL,
        s.session_id IS NULL,
        e.customer_id IS NOT NULL AND c.customer_id IS NULL]
    ) AS u (check_name, failed)
    UNION ALL
    SELECT 'product_interactions_orphan_session', i.interaction_id, s.session_id IS NULL
    FROM ${mongodb}.product_interactions i
    LEFT JOIN session_ids s ON s.session_id = i.session_id
    UNION ALL
    SELECT 'search_queries_orphan_session', q.search_id, s.session_id IS NULL
    FROM ${mongodb}.search_queries q
    LEFT JOIN session_ids s ON s.session_id = q.session_id
    UNION ALL
    SELECT 'campaign_performance_outside_dates',
      p.campaign_id || '@' || CAST(p.performance_date AS varchar),
      p.performance_date < k.start_date OR p.performance_date > k.end_date
    FROM ${postgresql}.campaign_performance p
    JOIN ${postgresql}.campaigns k ON k.campaign_id = p.campaign_id
    UNION ALL
    SELECT u.check_name, x.test_id || ':' || x.customer_id, u.failed
    FROM exposures x
    JOIN ${postgresql}.ab_tests t ON t.test_id = x.test_id
    LEFT JOIN (SELECT customer_id FROM customers) c ON c.customer_id = x.customer_id
    CROSS JOIN UNNEST(
      ARRAY['ab_test_exposures_orphan_customer', 'ab_test_exposures_outside_window'],
      ARRAY[
        c.customer_id IS NULL,
        x.exposed_at < CAST(t.start_date AS timestamp(3))
          OR x.exposed_at >= CAST(t.end_date + INTERVAL '1' DAY AS timestamp(3))]
    ) AS u (check_name, failed)
    UNION ALL
    SELECT u.check_name, r.test_id || ':' || r.variant, u.failed
    FROM ${postgresql}.ab_test_results r
    JOIN ${postgresql}.ab_tests t ON t.test_id = r.test_id
    LEFT JOIN (
      SELECT test_id, variant, count(*) AS exposed FROM exposures GROUP BY test_id, variant
    ) x ON x.test_id = r.test_id AND x.variant = r.variant
    CROSS JOIN UNNEST(
      ARRAY['ab_test_results_outside_dates', 'ab_test_results_participants'],
      ARRAY[
        r.period_start < t.start_date OR r.period_end > t.end_date,
        r.participants <> coalesce(x.exposed, 0)]
    ) AS u (check_name, failed)
  ),
  outcomes AS (
    SELECT check_name,
      count_if(failed) AS failing_rows,
      count(*) AS checked_rows,
      array_join(slice(array_agg(row_key ORDER BY row_key) FILTER (WHERE failed), 1, 5), ', ')
        AS examples
    FROM row_checks
    GROUP BY check_name
  )
SELECT k.check_name,
  coalesce(k.table_name, fail('check ' || o.check_name || ' is not in the catalog')) AS table_name,
  k.severity, k.description,
  coalesce(o.failing_rows, 0) AS failing_rows,
  coalesce(o.checked_rows, 0) AS checked_rows,
  o.examples
FROM catalog k
FULL JOIN outcomes o ON o.check_name = k.check_name
ORDER BY k.severity, k.table_name, k.check_name;
