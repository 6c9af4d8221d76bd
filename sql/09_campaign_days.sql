-- Every reported day of every campaign up to the cutoff ${as_of}, with the campaign's parameters,
-- for the campaign response curves and the campaign outcome model (./amato train).
-- Produces campaign_days: one row per campaign and performance day before the cutoff's day (a
-- day's figures are reported after it ends): the campaign's channel, campaign type, audience
-- (target_segment, 'everyone' when it has none), start date, planned duration in days, total and
-- daily budget (the budget spread evenly over the duration), then the day's date, its index in
-- the campaign (0 for the first day), and its impressions, clicks, conversions, spend and revenue.
-- A day reported outside its campaign's dates (01_data_cleanup.sql flags it as
-- campaign_performance_outside_dates) is left out: its spend belongs to no planned campaign.

CREATE TABLE ${analytics}.campaign_days AS
SELECT k.campaign_id,
  CAST(k.channel AS varchar) AS channel,
  CAST(k.campaign_type AS varchar) AS campaign_type,
  CAST(coalesce(k.target_segment, 'everyone') AS varchar) AS audience,
  k.start_date,
  date_diff('day', k.start_date, k.end_date) + 1 AS duration_days,
  CAST(k.budget AS double) AS budget,
  CAST(k.budget AS double) / (date_diff('day', k.start_date, k.end_date) + 1) AS daily_budget,
  p.performance_date AS day,
  date_diff('day', k.start_date, p.performance_date) AS day_index,
  p.impressions,
  p.clicks,
  p.conversions,
  CAST(p.spend AS double) AS spend,
  CAST(p.revenue AS double) AS revenue
FROM ${postgresql}.campaign_performance p
JOIN ${postgresql}.campaigns k ON k.campaign_id = p.campaign_id
WHERE p.performance_date < CAST(${as_of} AS date)
  AND p.performance_date BETWEEN k.start_date AND k.end_date
