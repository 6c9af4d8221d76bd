-- Data quality across the three stores, as of the cutoff ${as_of}.
-- Produces data_quality_summary: one row per check (check_name, table_name, severity,
-- description, failing_rows, checked_rows, examples: up to five keys of failing rows). Checks:
-- nulls and formats, ranges, duplicates, referential integrity within and across the stores
-- (items -> orders -> customers; sessions, page views, events, interactions and searches ->
-- customers and sessions; sessions -> campaigns; performance -> campaign dates; results -> tests),
-- and orders whose line items do not add up. On clean data every failing_rows is 0.
-- Severity: error = broken integrity or arithmetic; warning = a value out of its plausible range.

CREATE TABLE ${analytics}.data_quality_summary AS
WITH
  customers AS (SELECT * FROM ${mysql}.customers),
  orders AS (SELECT * FROM ${mysql}.transactions),
  items AS (SELECT * FROM ${mysql}.transaction_items),
  sessions AS (SELECT * FROM ${mongodb}.sessions),
  item_sums AS (
    SELECT transaction_id, sum(line_total) AS items_total, count(*) AS lines
    FROM items GROUP BY transaction_id
  ),
  checks AS (
    -- customers: formats, ranges
    SELECT 'customers_email_format' AS check_name, 'mysql.customers' AS table_name,
      'warning' AS severity, 'e-mail address without the form name@domain.tld' AS description,
      count_if(NOT regexp_like(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$')) AS failing_rows,
      count(*) AS checked_rows,
      array_join(slice(array_agg(customer_id ORDER BY customer_id) FILTER (WHERE NOT regexp_like(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$')), 1, 5), ', ') AS examples
    FROM customers
    UNION ALL
    SELECT 'customers_country_format', 'mysql.customers', 'warning',
      'country that is not a two-letter ISO code',
      count_if(NOT regexp_like(CAST(country AS varchar), '^[A-Z]{2}$')), count(*),
      array_join(slice(array_agg(customer_id ORDER BY customer_id) FILTER (WHERE NOT regexp_like(CAST(country AS varchar), '^[A-Z]{2}$')), 1, 5), ', ')
    FROM customers
    UNION ALL
    SELECT 'customers_registered_after_cutoff', 'mysql.customers', 'warning',
      'registration after the cutoff',
      count_if(registration_date > ${as_of}), count(*),
      array_join(slice(array_agg(customer_id ORDER BY customer_id) FILTER (WHERE registration_date > ${as_of}), 1, 5), ', ')
    FROM customers
    UNION ALL
    SELECT 'customers_birth_date_range', 'mysql.customers', 'warning',
      'date of birth making the customer younger than 13 or older than 120 at the cutoff',
      count_if(date_of_birth > date_add('year', -13, CAST(${as_of} AS date)) OR date_of_birth < date_add('year', -120, CAST(${as_of} AS date))),
      count(*),
      array_join(slice(array_agg(customer_id ORDER BY customer_id) FILTER (WHERE date_of_birth > date_add('year', -13, CAST(${as_of} AS date)) OR date_of_birth < date_add('year', -120, CAST(${as_of} AS date))), 1, 5), ', ')
    FROM customers
    UNION ALL
    -- orders: integrity, arithmetic, ranges, duplicates
    SELECT 'transactions_orphan_customer', 'mysql.transactions', 'error',
      'order whose customer does not exist',
      count_if(c.customer_id IS NULL), count(*),
      array_join(slice(array_agg(o.transaction_id ORDER BY o.transaction_id) FILTER (WHERE c.customer_id IS NULL), 1, 5), ', ')
    FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id
    UNION ALL
    SELECT 'transactions_items_mismatch', 'mysql.transactions', 'error',
      'order whose line items do not add up to its total',
      count_if(s.transaction_id IS NOT NULL AND abs(s.items_total - o.total_amount) > 0.005), count(*),
      array_join(slice(array_agg(o.transaction_id ORDER BY o.transaction_id) FILTER (WHERE s.transaction_id IS NOT NULL AND abs(s.items_total - o.total_amount) > 0.005), 1, 5), ', ')
    FROM orders o LEFT JOIN item_sums s ON s.transaction_id = o.transaction_id
    UNION ALL
    SELECT 'transactions_without_items', 'mysql.transactions', 'error',
      'order with no line items',
      count_if(s.transaction_id IS NULL), count(*),
      array_join(slice(array_agg(o.transaction_id ORDER BY o.transaction_id) FILTER (WHERE s.transaction_id IS NULL), 1, 5), ', ')
    FROM orders o LEFT JOIN item_sums s ON s.transaction_id = o.transaction_id
    UNION ALL
    SELECT 'transactions_after_cutoff', 'mysql.transactions', 'warning',
      'order dated after the cutoff',
      count_if(transaction_date > ${as_of}), count(*),
      array_join(slice(array_agg(transaction_id ORDER BY transaction_id) FILTER (WHERE transaction_date > ${as_of}), 1, 5), ', ')
    FROM orders
    UNION ALL
    SELECT 'transactions_currency_format', 'mysql.transactions', 'warning',
      'currency that is not a three-letter ISO code',
      count_if(NOT regexp_like(CAST(currency AS varchar), '^[A-Z]{3}$')), count(*),
      array_join(slice(array_agg(transaction_id ORDER BY transaction_id) FILTER (WHERE NOT regexp_like(CAST(currency AS varchar), '^[A-Z]{3}$')), 1, 5), ', ')
    FROM orders
    UNION ALL
    SELECT 'transactions_duplicate', 'mysql.transactions', 'error',
      'order repeating another of the same customer, time and total under another id',
      coalesce(sum(copies - 1), 0), (SELECT count(*) FROM orders),
      array_join(slice(array_agg(first_id ORDER BY first_id), 1, 5), ', ')
    FROM (
      SELECT count(*) AS copies, min(transaction_id) AS first_id
      FROM orders GROUP BY customer_id, transaction_date, total_amount HAVING count(*) > 1
    )
    UNION ALL
    SELECT 'transactions_orphan_session', 'mysql.transactions', 'error',
      'web or app order whose session is not in the clickstream',
      count_if(o.session_id IS NOT NULL AND s.session_id IS NULL), count(*),
      array_join(slice(array_agg(o.transaction_id ORDER BY o.transaction_id) FILTER (WHERE o.session_id IS NOT NULL AND s.session_id IS NULL), 1, 5), ', ')
    FROM orders o LEFT JOIN (SELECT DISTINCT session_id FROM sessions) s ON s.session_id = o.session_id
    UNION ALL
    -- line items
    SELECT 'transaction_items_orphan', 'mysql.transaction_items', 'error',
      'line item whose order does not exist',
      count_if(o.transaction_id IS NULL), count(*),
      array_join(slice(array_agg(i.transaction_id ORDER BY i.transaction_id) FILTER (WHERE o.transaction_id IS NULL), 1, 5), ', ')
    FROM items i LEFT JOIN orders o ON o.transaction_id = i.transaction_id
    UNION ALL
    SELECT 'transaction_items_line_total', 'mysql.transaction_items', 'error',
      'line total other than quantity x unit price - discount',
      count_if(abs(quantity * unit_price - discount_amount - line_total) > 0.005), count(*),
      array_join(slice(array_agg(transaction_id || '#' || CAST(line_number AS varchar) ORDER BY transaction_id, line_number) FILTER (WHERE abs(quantity * unit_price - discount_amount - line_total) > 0.005), 1, 5), ', ')
    FROM items
    UNION ALL
    -- sessions
    SELECT 'sessions_orphan_customer', 'mongodb.sessions', 'error',
      'session of a customer that does not exist',
      count_if(s.customer_id IS NOT NULL AND c.customer_id IS NULL), count(*),
      array_join(slice(array_agg(s.session_id ORDER BY s.session_id) FILTER (WHERE s.customer_id IS NOT NULL AND c.customer_id IS NULL), 1, 5), ', ')
    FROM sessions s LEFT JOIN customers c ON c.customer_id = s.customer_id
    UNION ALL
    SELECT 'sessions_orphan_campaign', 'mongodb.sessions', 'error',
      'session attributed to a campaign that does not exist',
      count_if(s.campaign_id IS NOT NULL AND k.campaign_id IS NULL), count(*),
      array_join(slice(array_agg(s.session_id ORDER BY s.session_id) FILTER (WHERE s.campaign_id IS NOT NULL AND k.campaign_id IS NULL), 1, 5), ', ')
    FROM sessions s LEFT JOIN ${postgresql}.campaigns k ON k.campaign_id = s.campaign_id
    UNION ALL
    SELECT 'sessions_time_order', 'mongodb.sessions', 'error',
      'session that ends before it starts, or whose duration is negative',
      count_if(end_time < start_time OR duration_seconds < 0), count(*),
      array_join(slice(array_agg(session_id ORDER BY session_id) FILTER (WHERE end_time < start_time OR duration_seconds < 0), 1, 5), ', ')
    FROM sessions
    UNION ALL
    SELECT 'sessions_device_type', 'mongodb.sessions', 'warning',
      'device type other than desktop, mobile or tablet',
      count_if(device_type IS NULL OR device_type NOT IN ('desktop', 'mobile', 'tablet')), count(*),
      array_join(slice(array_agg(session_id ORDER BY session_id) FILTER (WHERE device_type IS NULL OR device_type NOT IN ('desktop', 'mobile', 'tablet')), 1, 5), ', ')
    FROM sessions
    UNION ALL
    SELECT 'sessions_duplicate', 'mongodb.sessions', 'error',
      'session id held by more than one document',
      count(*) - count(DISTINCT session_id), count(*), NULL
    FROM sessions
    UNION ALL
    -- page views, events, interactions, searches
    SELECT 'page_views_orphan_session', 'mongodb.page_views', 'error',
      'page view of a session that does not exist',
      count_if(s.session_id IS NULL), count(*),
      array_join(slice(array_agg(p.page_view_id ORDER BY p.page_view_id) FILTER (WHERE s.session_id IS NULL), 1, 5), ', ')
    FROM ${mongodb}.page_views p LEFT JOIN (SELECT DISTINCT session_id FROM sessions) s ON s.session_id = p.session_id
    UNION ALL
    SELECT 'page_views_orphan_customer', 'mongodb.page_views', 'error',
      'page view of a customer that does not exist',
      count_if(p.customer_id IS NOT NULL AND c.customer_id IS NULL), count(*),
      array_join(slice(array_agg(p.page_view_id ORDER BY p.page_view_id) FILTER (WHERE p.customer_id IS NOT NULL AND c.customer_id IS NULL), 1, 5), ', ')
    FROM ${mongodb}.page_views p LEFT JOIN customers c ON c.customer_id = p.customer_id
    UNION ALL
    SELECT 'page_views_scroll_depth', 'mongodb.page_views', 'warning',
      'scroll depth outside 0..1 or time on page negative',
      count_if(scroll_depth < 0 OR scroll_depth > 1 OR time_on_page_seconds < 0), count(*),
      array_join(slice(array_agg(page_view_id ORDER BY page_view_id) FILTER (WHERE scroll_depth < 0 OR scroll_depth > 1 OR time_on_page_seconds < 0), 1, 5), ', ')
    FROM ${mongodb}.page_views
    UNION ALL
    SELECT 'events_orphan_session', 'mongodb.events', 'error',
      'event of a session that does not exist',
      count_if(s.session_id IS NULL), count(*),
      array_join(slice(array_agg(e.event_id ORDER BY e.event_id) FILTER (WHERE s.session_id IS NULL), 1, 5), ', ')
    FROM ${mongodb}.events e LEFT JOIN (SELECT DISTINCT session_id FROM sessions) s ON s.session_id = e.session_id
    UNION ALL
    SELECT 'events_orphan_customer', 'mongodb.events', 'error',
      'event of a customer that does not exist',
      count_if(e.customer_id IS NOT NULL AND c.customer_id IS NULL), count(*),
      array_join(slice(array_agg(e.event_id ORDER BY e.event_id) FILTER (WHERE e.customer_id IS NOT NULL AND c.customer_id IS NULL), 1, 5), ', ')
    FROM ${mongodb}.events e LEFT JOIN customers c ON c.customer_id = e.customer_id
    UNION ALL
    SELECT 'product_interactions_orphan_session', 'mongodb.product_interactions', 'error',
      'product interaction of a session that does not exist',
      count_if(s.session_id IS NULL), count(*),
      array_join(slice(array_agg(i.interaction_id ORDER BY i.interaction_id) FILTER (WHERE s.session_id IS NULL), 1, 5), ', ')
    FROM ${mongodb}.product_interactions i LEFT JOIN (SELECT DISTINCT session_id FROM sessions) s ON s.session_id = i.session_id
    UNION ALL
    SELECT 'search_queries_orphan_session', 'mongodb.search_queries', 'error',
      'search of a session that does not exist',
      count_if(s.session_id IS NULL), count(*),
      array_join(slice(array_agg(q.search_id ORDER BY q.search_id) FILTER (WHERE s.session_id IS NULL), 1, 5), ', ')
    FROM ${mongodb}.search_queries q LEFT JOIN (SELECT DISTINCT session_id FROM sessions) s ON s.session_id = q.session_id
    UNION ALL
    -- campaigns and tests
    SELECT 'campaign_performance_outside_dates', 'postgresql.campaign_performance', 'warning',
      'performance recorded outside its campaign''s dates',
      count_if(p.performance_date < k.start_date OR p.performance_date > k.end_date), count(*),
      array_join(slice(array_agg(p.campaign_id || '@' || CAST(p.performance_date AS varchar) ORDER BY p.campaign_id, p.performance_date) FILTER (WHERE p.performance_date < k.start_date OR p.performance_date > k.end_date), 1, 5), ', ')
    FROM ${postgresql}.campaign_performance p JOIN ${postgresql}.campaigns k ON k.campaign_id = p.campaign_id
    UNION ALL
    SELECT 'ab_test_results_outside_dates', 'postgresql.ab_test_results', 'warning',
      'test result for a period outside its test''s dates',
      count_if(r.period_start < t.start_date OR r.period_end > t.end_date), count(*),
      array_join(slice(array_agg(r.test_id || ':' || r.variant ORDER BY r.test_id, r.variant) FILTER (WHERE r.period_start < t.start_date OR r.period_end > t.end_date), 1, 5), ', ')
    FROM ${postgresql}.ab_test_results r JOIN ${postgresql}.ab_tests t ON t.test_id = r.test_id
  )
SELECT check_name, table_name, severity, description, failing_rows, checked_rows, examples
FROM checks
ORDER BY severity, table_name, check_name;
