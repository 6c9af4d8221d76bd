-- Campaign performance up to the cutoff ${as_of}: what each campaign cost and returned, how its
-- channel compares, and what the traffic it brought to the site did.
-- Produces campaign_performance_summary: one row per campaign: its attributes, totals of its
-- daily performance (impressions, clicks, conversions, spend, revenue), CTR, conversion rate,
-- CPC, CPA, ROAS, ROI, budget used, a performance tier (Loss: ROAS below 1; otherwise by the
-- campaign's ROAS among the campaigns that spent: Top quarter, Above Average, Below Average,
-- Bottom quarter; No Spend), and from the clickstream the sessions its traffic
-- brought, their conversion rate, the customers reached, and the orders of those sessions and
-- their revenue.
-- And channel_efficiency: the same totals and ratios per channel, with the channel's rank by
-- ROAS and its share of spend and revenue.

CREATE TABLE ${analytics}.campaign_performance_summary AS
WITH
  daily AS (
    SELECT campaign_id,
      sum(impressions) AS impressions,
      sum(clicks) AS clicks,
      sum(conversions) AS conversions,
      sum(spend) AS spend,
      sum(revenue) AS revenue,
      count(*) AS days_reported
    FROM ${postgresql}.campaign_performance
    WHERE performance_date <= CAST(${as_of} AS date)
    GROUP BY campaign_id
  ),
  traffic AS (
    SELECT campaign_id,
      count(*) AS sessions,
      count_if(converted) AS converted_sessions,
      count(DISTINCT customer_id) AS customers_reached
    FROM ${mongodb}.sessions
    WHERE campaign_id IS NOT NULL AND start_time <= ${as_of}
    GROUP BY campaign_id
  ),
  session_orders AS (
    SELECT s.campaign_id, count(*) AS orders, sum(t.total_amount) AS order_revenue
    FROM ${mongodb}.sessions s
    JOIN ${mysql}.transactions t ON t.session_id = s.session_id
    WHERE s.campaign_id IS NOT NULL
      AND t.transaction_date <= ${as_of}
      AND t.order_status IN ('completed', 'shipped', 'delivered')
    GROUP BY s.campaign_id
  ),
  joined AS (
    SELECT k.campaign_id, k.campaign_name, k.channel, k.campaign_type, k.start_date, k.end_date,
      k.budget, k.target_segment, k.status,
      coalesce(d.impressions, 0) AS impressions,
      coalesce(d.clicks, 0) AS clicks,
      coalesce(d.conversions, 0) AS conversions,
      CAST(coalesce(d.spend, 0) AS decimal(14, 2)) AS spend,
      CAST(coalesce(d.revenue, 0) AS decimal(14, 2)) AS revenue,
      coalesce(d.days_reported, 0) AS days_reported,
      coalesce(tr.sessions, 0) AS sessions,
      coalesce(tr.converted_sessions, 0) AS converted_sessions,
      coalesce(tr.customers_reached, 0) AS customers_reached,
      coalesce(o.orders, 0) AS session_orders,
      CAST(coalesce(o.order_revenue, 0) AS decimal(14, 2)) AS session_order_revenue
    FROM ${postgresql}.campaigns k
    LEFT JOIN daily d ON d.campaign_id = k.campaign_id
    LEFT JOIN traffic tr ON tr.campaign_id = k.campaign_id
    LEFT JOIN session_orders o ON o.campaign_id = k.campaign_id
    WHERE k.start_date <= CAST(${as_of} AS date)
  ),
  ratios AS (
    SELECT *,
      round(CAST(clicks AS double) / nullif(impressions, 0), 6) AS ctr,
      round(CAST(conversions AS double) / nullif(clicks, 0), 6) AS conversion_rate,
      round(CAST(spend AS double) / nullif(clicks, 0), 4) AS cpc,
      round(CAST(spend AS double) / nullif(conversions, 0), 4) AS cpa,
      round(CAST(revenue AS double) / nullif(CAST(spend AS double), 0), 4) AS roas,
      round((CAST(revenue AS double) - CAST(spend AS double)) / nullif(CAST(spend AS double), 0), 4) AS roi,
      round(CAST(spend AS double) / nullif(CAST(budget AS double), 0), 4) AS budget_used,
      round(CAST(converted_sessions AS double) / nullif(sessions, 0), 6) AS session_conversion_rate
    FROM joined
  ),
  ranked AS (
    SELECT campaign_id, percent_rank() OVER (ORDER BY roas) AS roas_rank
    FROM ratios WHERE spend > 0
  )
SELECT r.*,
  CASE
    WHEN r.spend = 0 THEN 'No Spend'
    WHEN r.roas < 1 THEN 'Loss'
    WHEN k.roas_rank >= 0.75 THEN 'Top'
    WHEN k.roas_rank >= 0.5 THEN 'Above Average'
    WHEN k.roas_rank >= 0.25 THEN 'Below Average'
    ELSE 'Bottom'
  END AS performance_tier
FROM ratios r LEFT JOIN ranked k ON k.campaign_id = r.campaign_id;

CREATE TABLE ${analytics}.channel_efficiency AS
WITH per_channel AS (
  SELECT channel,
    count(*) AS campaigns,
    sum(impressions) AS impressions,
    sum(clicks) AS clicks,
    sum(conversions) AS conversions,
    CAST(sum(spend) AS decimal(16, 2)) AS spend,
    CAST(sum(revenue) AS decimal(16, 2)) AS revenue,
    sum(sessions) AS sessions,
    sum(session_orders) AS session_orders,
    CAST(sum(session_order_revenue) AS decimal(16, 2)) AS session_order_revenue
  FROM ${analytics}.campaign_performance_summary
  GROUP BY channel
)
SELECT *,
  round(CAST(clicks AS double) / nullif(impressions, 0), 6) AS ctr,
  round(CAST(conversions AS double) / nullif(clicks, 0), 6) AS conversion_rate,
  round(CAST(spend AS double) / nullif(clicks, 0), 4) AS cpc,
  round(CAST(spend AS double) / nullif(conversions, 0), 4) AS cpa,
  round(CAST(revenue AS double) / nullif(CAST(spend AS double), 0), 4) AS roas,
  round((CAST(revenue AS double) - CAST(spend AS double)) / nullif(CAST(spend AS double), 0), 4) AS roi,
  round(CAST(spend AS double) / nullif(sum(CAST(spend AS double)) OVER (), 0), 4) AS spend_share,
  round(CAST(revenue AS double) / nullif(sum(CAST(revenue AS double)) OVER (), 0), 4) AS revenue_share,
  rank() OVER (ORDER BY CAST(revenue AS double) / nullif(CAST(spend AS double), 0) DESC) AS roas_rank
FROM per_channel;
