-- Recency, frequency and monetary value of every customer registered by the cutoff ${as_of},
-- from their sales (orders completed, shipped or delivered, dated up to the cutoff).
-- Produces customer_rfm: one row per customer: recency_days, frequency, monetary, the R, F and M
-- quintile scores (1-5, 5 best; ties share a score: the score is the quintile of the value's
-- percent rank among the customers who bought), the named RFM segment, average order value,
-- lifetime value to date, purchase velocity (sales per 30 days since the first) and projected
-- annual value. Customers without a sale have no scores and the segment 'No Purchase Yet'.
-- And rfm_segments: per segment its customers, share, mean recency, frequency and monetary.

CREATE TABLE ${analytics}.customer_rfm AS
WITH
  customers AS (
    SELECT customer_id, registration_date
    FROM ${mysql}.customers
    WHERE registration_date <= ${as_of}
  ),
  sales AS (
    SELECT customer_id,
      count(*) AS frequency,
      sum(total_amount) AS monetary,
      min(transaction_date) AS first_order,
      max(transaction_date) AS last_order
    FROM ${mysql}.transactions
    WHERE order_status IN ('completed', 'shipped', 'delivered') AND transaction_date <= ${as_of}
    GROUP BY customer_id
  ),
  measured AS (
    SELECT c.customer_id, c.registration_date,
      s.frequency, s.monetary, s.first_order, s.last_order,
      date_diff('day', s.last_order, ${as_of}) AS recency_days
    FROM customers c LEFT JOIN sales s ON s.customer_id = c.customer_id
  ),
  scored AS (
    SELECT *,
      least(5, 1 + CAST(floor(5 * percent_rank() OVER (ORDER BY recency_days DESC)) AS integer)) AS r_score,
      least(5, 1 + CAST(floor(5 * percent_rank() OVER (ORDER BY frequency)) AS integer)) AS f_score,
      least(5, 1 + CAST(floor(5 * percent_rank() OVER (ORDER BY monetary)) AS integer)) AS m_score
    FROM measured
    WHERE frequency IS NOT NULL
  )
SELECT m.customer_id,
  m.recency_days,
  coalesce(m.frequency, 0) AS frequency,
  CAST(coalesce(m.monetary, 0) AS decimal(14, 2)) AS monetary,
  s.r_score, s.f_score, s.m_score,
  CASE
    WHEN s.customer_id IS NULL THEN 'No Purchase Yet'
    WHEN s.r_score >= 4 AND s.f_score >= 4 AND s.m_score >= 4 THEN 'Champions'
    WHEN s.r_score <= 2 AND s.f_score >= 4 AND s.m_score >= 4 THEN 'Can''t Lose Them'
    WHEN s.r_score <= 2 AND s.f_score >= 3 THEN 'At Risk'
    WHEN s.r_score >= 3 AND s.f_score >= 3 THEN 'Loyal'
    WHEN s.r_score >= 4 AND s.f_score = 2 THEN 'Potential Loyalist'
    WHEN s.r_score = 5 AND s.f_score = 1 THEN 'New'
    WHEN s.r_score = 4 AND s.f_score = 1 THEN 'Promising'
    WHEN s.r_score = 3 AND s.f_score = 2 THEN 'Need Attention'
    WHEN s.r_score = 3 AND s.f_score = 1 THEN 'About to Sleep'
    WHEN s.r_score = 2 THEN 'Hibernating'
    ELSE 'Lost'
  END AS rfm_segment,
  CAST(m.monetary / m.frequency AS decimal(14, 2)) AS avg_order_value,
  CAST(coalesce(m.monetary, 0) AS decimal(14, 2)) AS lifetime_value,
  CASE WHEN m.frequency IS NOT NULL
    THEN round(m.frequency * 30.0 / greatest(1, date_diff('day', m.first_order, ${as_of})), 4)
  END AS purchase_velocity,
  CASE WHEN m.frequency IS NOT NULL
    THEN CAST(m.monetary * 365.0 / greatest(30, date_diff('day', m.registration_date, ${as_of})) AS decimal(14, 2))
  END AS projected_annual_value,
  date_diff('day', m.registration_date, ${as_of}) AS tenure_days,
  m.first_order, m.last_order
FROM measured m LEFT JOIN scored s ON s.customer_id = m.customer_id;

CREATE TABLE ${analytics}.rfm_segments AS
SELECT rfm_segment,
  count(*) AS customers,
  round(CAST(count(*) AS double) / sum(count(*)) OVER (), 4) AS share,
  round(avg(recency_days), 1) AS mean_recency_days,
  round(avg(frequency), 2) AS mean_frequency,
  CAST(avg(monetary) AS decimal(14, 2)) AS mean_monetary,
  CAST(sum(monetary) AS decimal(16, 2)) AS total_monetary
FROM ${analytics}.customer_rfm
GROUP BY rfm_segment
ORDER BY customers DESC;
