-- The unified customer dataset as of the cutoff ${as_of}, the batch side of the one feature
-- specification (libs/features): the stream keeps the same aggregates in Redis, and both sides
-- derive the features from them with the same code (deriveFeatures), so online and offline
-- agree by construction and the parity check proves it.
-- Produces customer_aggregates: per customer with any event up to the cutoff, the counts and
-- sums of libs/features/src/aggregates.ts (sales once per transaction, sessions, their seconds,
-- bounces and engagement in hundredths, devices, page views, cart and purchase actions,
-- searches, product interactions, distinct products, cart sessions and those converted, first
-- and last sale, registration and newest event time, as epoch milliseconds).
-- customer_day_buckets: per customer and day of the 90 before the cutoff, sales, revenue in
-- cents, sessions and page views (the rolling windows).
-- customer_context: what the dataset adds to the features: demographics, RFM segment, journey
-- and device preferences, campaign exposure, and the labels for training only: revenue in the
-- 90 days after the cutoff and churn (no sale in those 90 days).

CREATE TABLE ${analytics}.customer_aggregates AS
WITH
  customers AS (
    SELECT customer_id, registration_date, updated_at
    FROM ${mysql}.customers
    WHERE created_at <= ${as_of}
  ),
  orders AS (
    SELECT customer_id, transaction_id, transaction_date, total_amount, order_status
    FROM ${mysql}.transactions
    WHERE transaction_date <= ${as_of}
  ),
  sales AS (
    SELECT customer_id,
      count(*) AS orders,
      sum(CAST(round(total_amount * 100) AS bigint)) AS revenue_cents,
      min(transaction_date) AS first_order,
      max(transaction_date) AS last_order
    FROM orders
    WHERE order_status IN ('completed', 'shipped', 'delivered')
    GROUP BY customer_id
  ),
  sessions AS (
    SELECT customer_id,
      count(*) AS sessions,
      sum(duration_seconds) AS session_seconds,
      count_if(is_bounce) AS bounces,
      sum(least(page_views, 10) * 350
        + CAST(floor(least(duration_seconds, 900) * 3500 / 900.0) AS bigint)
        + IF(is_bounce, 0, 1000) + IF(converted, 2000, 0)) AS engagement_hundredths,
      count_if(device_type = 'desktop') AS desktop_sessions,
      count_if(device_type = 'mobile') AS mobile_sessions,
      count_if(device_type = 'tablet') AS tablet_sessions,
      max(end_time) AS last_session_end
    FROM ${mongodb}.sessions
    WHERE customer_id IS NOT NULL AND end_time <= ${as_of}
    GROUP BY customer_id
  ),
  views AS (
    SELECT customer_id, count(*) AS page_views, max(timestamp) AS last_view
    FROM ${mongodb}.page_views
    WHERE customer_id IS NOT NULL AND timestamp <= ${as_of}
    GROUP BY customer_id
  ),
  actions AS (
    SELECT customer_id,
      count_if(event_type = 'add_to_cart') AS add_to_carts,
      count_if(event_type = 'purchase') AS purchases,
      count(DISTINCT IF(event_type = 'add_to_cart', session_id)) AS cart_sessions,
      max(timestamp) AS last_action
    FROM ${mongodb}.events
    WHERE customer_id IS NOT NULL AND timestamp <= ${as_of}
    GROUP BY customer_id
  ),
  converted_carts AS (
    SELECT c.customer_id, count(*) AS cart_sessions_converted
    FROM (SELECT DISTINCT customer_id, session_id FROM ${mongodb}.events
          WHERE customer_id IS NOT NULL AND event_type = 'add_to_cart' AND timestamp <= ${as_of}) c
    JOIN (SELECT DISTINCT customer_id, session_id FROM ${mongodb}.events
          WHERE customer_id IS NOT NULL AND event_type = 'purchase' AND timestamp <= ${as_of}) b
      ON b.customer_id = c.customer_id AND b.session_id = c.session_id
    GROUP BY c.customer_id
  ),
  interactions AS (
    SELECT customer_id, count(*) AS product_interactions, max(timestamp) AS last_interaction
    FROM ${mongodb}.product_interactions
    WHERE customer_id IS NOT NULL AND timestamp <= ${as_of}
    GROUP BY customer_id
  ),
  searches AS (
    SELECT customer_id, count(*) AS searches, max(timestamp) AS last_search
    FROM ${mongodb}.search_queries
    WHERE customer_id IS NOT NULL AND timestamp <= ${as_of}
    GROUP BY customer_id
  ),
  products AS (
    SELECT customer_id, count(DISTINCT product_id) AS unique_products
    FROM (
      SELECT customer_id, product_id FROM ${mongodb}.page_views
      WHERE customer_id IS NOT NULL AND product_id IS NOT NULL AND timestamp <= ${as_of}
      UNION ALL
      SELECT customer_id, product_id FROM ${mongodb}.product_interactions
      WHERE customer_id IS NOT NULL AND timestamp <= ${as_of}
    )
    GROUP BY customer_id
  ),
  last_orders AS (
    SELECT customer_id, max(transaction_date) AS last_any_order FROM orders GROUP BY customer_id
  ),
  everyone AS (
    SELECT customer_id FROM customers
    UNION SELECT customer_id FROM orders
    UNION SELECT customer_id FROM sessions
    UNION SELECT customer_id FROM views
    UNION SELECT customer_id FROM actions
    UNION SELECT customer_id FROM interactions
    UNION SELECT customer_id FROM searches
  )
SELECT e.customer_id,
  CAST(round(to_unixtime(c.registration_date) * 1000) AS bigint) AS registered_ms,
  coalesce(s.orders, 0) AS orders,
  coalesce(s.revenue_cents, 0) AS revenue_cents,
  CAST(round(to_unixtime(s.first_order) * 1000) AS bigint) AS first_order_ms,
  CAST(round(to_unixtime(s.last_order) * 1000) AS bigint) AS last_order_ms,
  coalesce(x.sessions, 0) AS sessions,
  coalesce(x.session_seconds, 0) AS session_seconds,
  coalesce(x.bounces, 0) AS bounces,
  coalesce(x.engagement_hundredths, 0) AS engagement_hundredths,
  coalesce(x.desktop_sessions, 0) AS desktop_sessions,
  coalesce(x.mobile_sessions, 0) AS mobile_sessions,
  coalesce(x.tablet_sessions, 0) AS tablet_sessions,
  coalesce(v.page_views, 0) AS page_views,
  coalesce(a.add_to_carts, 0) AS add_to_carts,
  coalesce(a.purchases, 0) AS purchases,
  coalesce(q.searches, 0) AS searches,
  coalesce(i.product_interactions, 0) AS product_interactions,
  coalesce(p.unique_products, 0) AS unique_products,
  coalesce(a.cart_sessions, 0) AS cart_sessions,
  coalesce(cc.cart_sessions_converted, 0) AS cart_sessions_converted,
  CAST(round(to_unixtime(greatest(
    coalesce(c.updated_at, TIMESTAMP '1970-01-01 00:00:00'),
    coalesce(lo.last_any_order, TIMESTAMP '1970-01-01 00:00:00'),
    coalesce(x.last_session_end, TIMESTAMP '1970-01-01 00:00:00'),
    coalesce(v.last_view, TIMESTAMP '1970-01-01 00:00:00'),
    coalesce(a.last_action, TIMESTAMP '1970-01-01 00:00:00'),
    coalesce(i.last_interaction, TIMESTAMP '1970-01-01 00:00:00'),
    coalesce(q.last_search, TIMESTAMP '1970-01-01 00:00:00'))) * 1000) AS bigint) AS last_event_ms
FROM everyone e
LEFT JOIN customers c ON c.customer_id = e.customer_id
LEFT JOIN sales s ON s.customer_id = e.customer_id
LEFT JOIN sessions x ON x.customer_id = e.customer_id
LEFT JOIN views v ON v.customer_id = e.customer_id
LEFT JOIN actions a ON a.customer_id = e.customer_id
LEFT JOIN converted_carts cc ON cc.customer_id = e.customer_id
LEFT JOIN interactions i ON i.customer_id = e.customer_id
LEFT JOIN searches q ON q.customer_id = e.customer_id
LEFT JOIN products p ON p.customer_id = e.customer_id
LEFT JOIN last_orders lo ON lo.customer_id = e.customer_id;

CREATE TABLE ${analytics}.customer_day_buckets AS
WITH
  first_day AS (SELECT CAST(to_unixtime(${as_of}) / 86400 AS bigint) - 89 AS d),
  dated AS (
    SELECT customer_id, CAST(floor(to_unixtime(transaction_date) / 86400) AS bigint) AS day,
      1 AS orders, CAST(round(total_amount * 100) AS bigint) AS revenue_cents, 0 AS sessions, 0 AS page_views
    FROM ${mysql}.transactions
    WHERE order_status IN ('completed', 'shipped', 'delivered') AND transaction_date <= ${as_of}
    UNION ALL
    SELECT customer_id, CAST(floor(to_unixtime(end_time) / 86400) AS bigint), 0, 0, 1, 0
    FROM ${mongodb}.sessions
    WHERE customer_id IS NOT NULL AND end_time <= ${as_of}
    UNION ALL
    SELECT customer_id, CAST(floor(to_unixtime(timestamp) / 86400) AS bigint), 0, 0, 0, 1
    FROM ${mongodb}.page_views
    WHERE customer_id IS NOT NULL AND timestamp <= ${as_of}
  )
SELECT customer_id, day,
  sum(orders) AS orders, sum(revenue_cents) AS revenue_cents,
  sum(sessions) AS sessions, sum(page_views) AS page_views
FROM dated, first_day
WHERE day >= first_day.d
GROUP BY customer_id, day;

CREATE TABLE ${analytics}.customer_context AS
WITH
  future AS (
    SELECT customer_id, sum(total_amount) AS revenue_next_90d, count(*) AS orders_next_90d
    FROM ${mysql}.transactions
    WHERE order_status IN ('completed', 'shipped', 'delivered')
      AND transaction_date > ${as_of} AND transaction_date <= ${as_of} + INTERVAL '90' DAY
    GROUP BY customer_id
  ),
  exposure AS (
    SELECT customer_id,
      count(*) AS campaign_sessions,
      count(DISTINCT campaign_id) AS campaigns_reached
    FROM ${mongodb}.sessions
    WHERE customer_id IS NOT NULL AND campaign_id IS NOT NULL AND start_time <= ${as_of}
    GROUP BY customer_id
  )
SELECT c.customer_id,
  CAST(c.gender AS varchar) AS gender,
  CAST(c.country AS varchar) AS country,
  CAST(c.acquisition_channel AS varchar) AS acquisition_channel,
  CAST(c.customer_status AS varchar) AS customer_status,
  c.is_email_subscribed,
  date_diff('year', c.date_of_birth, CAST(${as_of} AS date)) AS age,
  CAST(d.age_group AS varchar) AS age_group,
  CAST(d.income_bracket AS varchar) AS income_bracket,
  CAST(d.education_level AS varchar) AS education_level,
  CAST(d.marital_status AS varchar) AS marital_status,
  d.household_size,
  r.rfm_segment,
  g.mean_pages, g.mean_duration_seconds, g.bounce_rate AS session_bounce_rate,
  g.conversion_rate AS session_conversion_rate,
  g.preferred_device, g.preferred_browser, g.preferred_landing_page,
  coalesce(x.campaign_sessions, 0) AS campaign_sessions,
  coalesce(x.campaigns_reached, 0) AS campaigns_reached,
  CAST(coalesce(f.revenue_next_90d, 0) AS decimal(14, 2)) AS label_revenue_next_90d,
  coalesce(f.orders_next_90d, 0) = 0 AS label_churned_next_90d
FROM ${mysql}.customers c
LEFT JOIN ${mysql}.customer_demographics d ON d.customer_id = c.customer_id
LEFT JOIN ${analytics}.customer_rfm r ON r.customer_id = c.customer_id
LEFT JOIN ${analytics}.customer_engagement g ON g.customer_id = c.customer_id
LEFT JOIN exposure x ON x.customer_id = c.customer_id
LEFT JOIN future f ON f.customer_id = c.customer_id
WHERE c.created_at <= ${as_of};
