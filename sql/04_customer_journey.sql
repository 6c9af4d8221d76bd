-- Customer journeys in the clickstream up to the cutoff ${as_of}.
-- Produces page_transitions: for every page type (and ENTRY, the start of a session) the page
-- types that follow it (and EXIT, the end of a session): transitions and the probability of
-- each next page given the current one (the rows of one from_page sum to 1).
-- top_paths: the 100 most common paths (the page types of a session's first five page views,
-- joined by ' > '), with sessions, conversion rate, mean duration and mean depth.
-- conversion_by_depth: sessions and conversion rate by the number of pages viewed (10+ pooled).
-- customer_engagement: per customer: sessions, mean pages and duration, bounce and conversion
-- rates, and the device, browser and landing page they use most (ties broken by name).

CREATE TABLE ${analytics}.page_transitions AS
WITH
  views AS (
    SELECT p.session_id, p.sequence_number, CAST(p.page_type AS varchar) AS page_type
    FROM ${mongodb}.page_views p
    WHERE p.timestamp <= ${as_of}
  ),
  steps AS (
    SELECT page_type AS to_page,
      coalesce(lag(page_type) OVER (PARTITION BY session_id ORDER BY sequence_number), 'ENTRY') AS from_page,
      lead(page_type) OVER (PARTITION BY session_id ORDER BY sequence_number) AS next_page
    FROM views
  ),
  transitions AS (
    SELECT from_page, to_page FROM steps
    UNION ALL
    SELECT to_page AS from_page, 'EXIT' AS to_page FROM steps WHERE next_page IS NULL
  ),
  counted AS (
    SELECT from_page, to_page, count(*) AS transitions FROM transitions GROUP BY from_page, to_page
  )
SELECT from_page, to_page, transitions,
  round(CAST(transitions AS double) / sum(transitions) OVER (PARTITION BY from_page), 6) AS probability
FROM counted;

CREATE TABLE ${analytics}.top_paths AS
WITH
  sessions AS (
    SELECT session_id, duration_seconds, page_views, converted
    FROM ${mongodb}.sessions
    WHERE start_time <= ${as_of}
  ),
  paths AS (
    SELECT session_id,
      array_join(slice(array_agg(CAST(page_type AS varchar) ORDER BY sequence_number), 1, 5), ' > ') AS path
    FROM ${mongodb}.page_views
    WHERE timestamp <= ${as_of}
    GROUP BY session_id
  )
SELECT p.path,
  count(*) AS sessions,
  round(CAST(count_if(s.converted) AS double) / count(*), 6) AS conversion_rate,
  round(avg(s.duration_seconds), 1) AS mean_duration_seconds,
  round(avg(s.page_views), 2) AS mean_depth
FROM paths p JOIN sessions s ON s.session_id = p.session_id
GROUP BY p.path
ORDER BY sessions DESC, p.path
LIMIT 100;

CREATE TABLE ${analytics}.conversion_by_depth AS
SELECT least(page_views, 10) AS depth,
  count(*) AS sessions,
  count_if(converted) AS converted_sessions,
  round(CAST(count_if(converted) AS double) / count(*), 6) AS conversion_rate
FROM ${mongodb}.sessions
WHERE start_time <= ${as_of}
GROUP BY least(page_views, 10)
ORDER BY depth;

CREATE TABLE ${analytics}.customer_engagement AS
WITH
  sessions AS (
    SELECT customer_id, session_id, duration_seconds, page_views, is_bounce, converted,
      CAST(device_type AS varchar) AS device_type, browser, landing_page
    FROM ${mongodb}.sessions
    WHERE customer_id IS NOT NULL AND start_time <= ${as_of}
  ),
  favourite_device AS (
    SELECT customer_id, device_type AS preferred_device FROM (
      SELECT customer_id, device_type,
        row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, device_type) AS k
      FROM sessions GROUP BY customer_id, device_type
    ) WHERE k = 1
  ),
  favourite_browser AS (
    SELECT customer_id, browser AS preferred_browser FROM (
      SELECT customer_id, browser,
        row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, browser) AS k
      FROM sessions GROUP BY customer_id, browser
    ) WHERE k = 1
  ),
  favourite_landing AS (
    SELECT customer_id, landing_page AS preferred_landing_page FROM (
      SELECT customer_id, landing_page,
        row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, landing_page) AS k
      FROM sessions GROUP BY customer_id, landing_page
    ) WHERE k = 1
  ),
  totals AS (
    SELECT customer_id,
      count(*) AS sessions,
      round(avg(page_views), 2) AS mean_pages,
      round(avg(duration_seconds), 1) AS mean_duration_seconds,
      round(CAST(count_if(is_bounce) AS double) / count(*), 4) AS bounce_rate,
      round(CAST(count_if(converted) AS double) / count(*), 4) AS conversion_rate
    FROM sessions GROUP BY customer_id
  )
SELECT t.*, d.preferred_device, b.preferred_browser, l.preferred_landing_page
FROM totals t
JOIN favourite_device d ON d.customer_id = t.customer_id
JOIN favourite_browser b ON b.customer_id = t.customer_id
JOIN favourite_landing l ON l.customer_id = t.customer_id;
