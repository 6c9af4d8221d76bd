-- A/B tests as of the cutoff ${as_of}: per test and variant the sufficient statistics of the
-- experiment engine (libs/experiments), from who was exposed (ab_test_exposures) joined with
-- what they bought (transactions). The batch analyses them after the SQL steps and writes
-- experiment_results and experiment_comparisons beside these tables.
-- A test is observed from its start to the end of its window (end_date + 1 day) or to the
-- cutoff, whichever comes first; tests that start after the cutoff are left out. A user
-- converts with a sale (completed, shipped, delivered) after their exposure and within that
-- span; their revenue is the total of those sales; their covariate for CUPED is what they spent
-- in the 90 days before their exposure, fixed before any variant was shown.
-- Produces experiment_tests: per test its name, metric, the engine's primary metric
-- (conversion for conversion_rate and click_through_rate, revenue for revenue_per_visitor),
-- planned treatment share, planted lift, window, and the time observed until.
-- experiment_variant_stats: per test and variant users, converters, Σ revenue, Σ revenue², and
-- the covariate's Σx, Σx², Σx·revenue and Σx·converted.
-- experiment_daily_stats: per test, variant and day of the observed span, the same four totals
-- as they stood at the end of that day (users exposed and sales made by then), cumulative: one
-- look per day for the sequential analysis. The last day's totals are the variant's totals.

CREATE TABLE ${analytics}.experiment_tests AS
SELECT test_id, test_name, metric,
  CASE metric WHEN 'revenue_per_visitor' THEN 'revenue' ELSE 'conversion' END AS primary_metric,
  CAST(traffic_split AS double) AS traffic_split,
  CAST(true_lift AS double) AS true_lift,
  start_date, end_date, status,
  least(CAST(end_date + INTERVAL '1' DAY AS timestamp(3)), ${as_of} + INTERVAL '0.001' SECOND)
    AS observed_until
FROM ${postgresql}.ab_tests
WHERE CAST(start_date AS timestamp(3)) <= ${as_of};

CREATE TABLE ${analytics}.experiment_variant_stats AS
WITH
  exposed AS (
    SELECT e.test_id, e.variant, e.customer_id,
      CAST(e.exposed_at AT TIME ZONE 'UTC' AS timestamp(3)) AS exposed_at,
      t.observed_until
    FROM ${postgresql}.ab_test_exposures e
    JOIN ${analytics}.experiment_tests t ON t.test_id = e.test_id
    WHERE CAST(e.exposed_at AT TIME ZONE 'UTC' AS timestamp(3)) < t.observed_until
  ),
  sales AS (
    SELECT customer_id, transaction_date, CAST(total_amount AS double) AS amount
    FROM ${mysql}.transactions
    WHERE order_status IN ('completed', 'shipped', 'delivered') AND transaction_date <= ${as_of}
  ),
  per_user AS (
    SELECT x.test_id, x.variant, x.customer_id,
      count_if(s.transaction_date > x.exposed_at AND s.transaction_date < x.observed_until) > 0
        AS converted,
      coalesce(sum(IF(s.transaction_date > x.exposed_at
        AND s.transaction_date < x.observed_until, s.amount)), 0) AS revenue,
      coalesce(sum(IF(s.transaction_date < x.exposed_at
        AND s.transaction_date >= x.exposed_at - INTERVAL '90' DAY, s.amount)), 0) AS pre_spend
    FROM exposed x
    LEFT JOIN sales s
      ON s.customer_id = x.customer_id
     AND s.transaction_date >= x.exposed_at - INTERVAL '90' DAY
     AND s.transaction_date < x.observed_until
    GROUP BY x.test_id, x.variant, x.customer_id
  ),
  variants AS (
    SELECT DISTINCT test_id, variant FROM ${postgresql}.ab_test_results
    UNION
    SELECT DISTINCT test_id, variant FROM exposed
  )
SELECT v.test_id, v.variant,
  count(u.customer_id) AS users,
  count_if(u.converted) AS converters,
  coalesce(sum(u.revenue), 0) AS revenue_sum,
  coalesce(sum(u.revenue * u.revenue), 0) AS revenue_sum_of_squares,
  coalesce(sum(u.pre_spend), 0) AS covariate_sum,
  coalesce(sum(u.pre_spend * u.pre_spend), 0) AS covariate_sum_of_squares,
  coalesce(sum(u.pre_spend * u.revenue), 0) AS covariate_revenue_cross_sum,
  coalesce(sum(IF(u.converted, u.pre_spend, 0)), 0) AS covariate_converter_cross_sum
FROM variants v
JOIN ${analytics}.experiment_tests t ON t.test_id = v.test_id
LEFT JOIN per_user u ON u.test_id = v.test_id AND u.variant = v.variant
GROUP BY v.test_id, v.variant;

CREATE TABLE ${analytics}.experiment_daily_stats AS
WITH
  exposed AS (
    SELECT e.test_id, e.variant, e.customer_id,
      CAST(e.exposed_at AT TIME ZONE 'UTC' AS timestamp(3)) AS exposed_at,
      t.observed_until
    FROM ${postgresql}.ab_test_exposures e
    JOIN ${analytics}.experiment_tests t ON t.test_id = e.test_id
    WHERE CAST(e.exposed_at AT TIME ZONE 'UTC' AS timestamp(3)) < t.observed_until
  ),
  -- Each exposed user's sales in the observed span, summed per day.
  user_days AS (
    SELECT x.test_id, x.variant, x.customer_id, CAST(s.transaction_date AS date) AS day,
      sum(CAST(s.total_amount AS double)) AS amount
    FROM exposed x
    JOIN ${mysql}.transactions s
      ON s.customer_id = x.customer_id
     AND s.order_status IN ('completed', 'shipped', 'delivered')
     AND s.transaction_date > x.exposed_at
     AND s.transaction_date < x.observed_until
     AND s.transaction_date <= ${as_of}
    GROUP BY x.test_id, x.variant, x.customer_id, CAST(s.transaction_date AS date)
  ),
  -- A user's revenue so far grows on each day they buy: Σy² moves by cum² − (cum − amount)².
  user_growth AS (
    SELECT test_id, variant, customer_id, day, amount,
      row_number() OVER (PARTITION BY test_id, customer_id ORDER BY day) AS nth,
      sum(amount) OVER (PARTITION BY test_id, customer_id ORDER BY day) AS cum
    FROM user_days
  ),
  daily_sales AS (
    SELECT test_id, variant, day,
      count_if(nth = 1) AS new_converters,
      sum(amount) AS revenue,
      sum(cum * cum - (cum - amount) * (cum - amount)) AS revenue_squares
    FROM user_growth
    GROUP BY test_id, variant, day
  ),
  daily_exposures AS (
    SELECT test_id, variant, CAST(exposed_at AS date) AS day, count(*) AS new_users
    FROM exposed
    GROUP BY test_id, variant, CAST(exposed_at AS date)
  ),
  calendar AS (
    SELECT s.test_id, s.variant, day
    FROM ${analytics}.experiment_variant_stats s
    JOIN ${analytics}.experiment_tests t ON t.test_id = s.test_id
    CROSS JOIN UNNEST(sequence(t.start_date,
      CAST(t.observed_until - INTERVAL '0.001' SECOND AS date), INTERVAL '1' DAY)) AS d (day)
  )
SELECT c.test_id, c.variant, c.day,
  sum(coalesce(e.new_users, 0)) OVER w AS users,
  sum(coalesce(d.new_converters, 0)) OVER w AS converters,
  sum(coalesce(d.revenue, 0)) OVER w AS revenue_sum,
  sum(coalesce(d.revenue_squares, 0)) OVER w AS revenue_sum_of_squares
FROM calendar c
LEFT JOIN daily_exposures e ON e.test_id = c.test_id AND e.variant = c.variant AND e.day = c.day
LEFT JOIN daily_sales d ON d.test_id = c.test_id AND d.variant = c.variant AND d.day = c.day
WINDOW w AS (PARTITION BY c.test_id, c.variant ORDER BY c.day
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);
