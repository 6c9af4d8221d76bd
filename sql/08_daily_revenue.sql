-- The business's daily revenue, for the revenue forecast, as of the cutoff ${as_of}: one row per
-- day from the first sale to the cutoff's day, then the 90 days after it.
-- Produces daily_revenue: day, revenue (sales: completed, shipped or delivered orders, by the
-- day they were placed; 0 on a day without any), orders (their number), spend (what the
-- campaigns' daily performance says was spent), and planned_spend (each campaign's budget
-- spread evenly over its dates, which is known ahead: the forecast's regressor). revenue,
-- orders and spend are NULL after the cutoff; the cutoff's own day is left out, being partial
-- (the last full day is the day before it).

CREATE TABLE ${analytics}.daily_revenue AS
WITH
  sales AS (
    SELECT CAST(transaction_date AS date) AS day, sum(total_amount) AS revenue,
      count(*) AS orders
    FROM ${mysql}.transactions
    WHERE order_status IN ('completed', 'shipped', 'delivered') AND transaction_date < ${as_of}
    GROUP BY 1
  ),
  bounds AS (
    SELECT min(day) AS first_day, CAST(${as_of} AS date) - INTERVAL '1' DAY AS last_day
    FROM sales
  ),
  days AS (
    SELECT d.day, d.day <= b.last_day AS known
    FROM bounds b
    CROSS JOIN UNNEST(sequence(b.first_day, b.last_day + INTERVAL '90' DAY, INTERVAL '1' DAY))
      AS d (day)
  ),
  spent AS (
    SELECT performance_date AS day, sum(spend) AS spend
    FROM ${postgresql}.campaign_performance
    WHERE performance_date < CAST(${as_of} AS date)
    GROUP BY 1
  ),
  planned AS (
    SELECT d.day,
      sum(CAST(c.budget AS double) / (date_diff('day', c.start_date, c.end_date) + 1)) AS planned_spend
    FROM ${postgresql}.campaigns c
    CROSS JOIN UNNEST(sequence(c.start_date, c.end_date, INTERVAL '1' DAY)) AS d (day)
    WHERE c.status <> 'draft' AND c.created_at <= ${as_of}
    GROUP BY 1
  )
SELECT
  days.day,
  CASE WHEN days.known THEN coalesce(CAST(sales.revenue AS double), 0) END AS revenue,
  CASE WHEN days.known THEN coalesce(sales.orders, 0) END AS orders,
  CASE WHEN days.known THEN coalesce(CAST(spent.spend AS double), 0) END AS spend,
  coalesce(planned.planned_spend, 0) AS planned_spend
FROM days
LEFT JOIN sales ON sales.day = days.day
LEFT JOIN spent ON spent.day = days.day
LEFT JOIN planned ON planned.day = days.day;
