-- Session prefixes for the conversion model, as of the cutoff ${as_of}: for every finished
-- session (ended by the cutoff, so its outcome is known), the journey state the stream
-- processor keeps for it (libs/features: JourneyState) as it stood at each of its page views
-- before its first purchase, and whether the session converted.
-- Produces journey_prefixes: session_id, customer_id (null: anonymous), session_start (epoch
-- ms, for the time-based split), prefix_time (epoch ms, the page view's time), and the state:
-- pages (page views so far), depth (highest sequence number so far), time_on_site_seconds
-- (first event of the session to this page view, rounded), cart_adds, searches,
-- last_page_type (page type of the deepest page so far); converted (the session's outcome).
-- A session's events are ordered by time, a page view before an interaction of the same
-- millisecond, as the processor's state counts them once both have arrived.

CREATE TABLE ${analytics}.journey_prefixes AS
WITH
  finished AS (
    SELECT session_id, customer_id, start_time, converted
    FROM ${mongodb}.sessions
    WHERE end_time <= ${as_of}
  ),
  session_events AS (
    SELECT session_id, timestamp AS ts, 0 AS tie, 'page' AS kind, sequence_number, page_type,
      CAST(NULL AS varchar) AS interaction
    FROM ${mongodb}.page_views
    WHERE timestamp <= ${as_of}
    UNION ALL
    SELECT session_id, timestamp, 1, 'interaction', NULL, NULL, event_type
    FROM ${mongodb}.events
    WHERE timestamp <= ${as_of}
    UNION ALL
    SELECT session_id, timestamp, 1, 'search', NULL, NULL, NULL
    FROM ${mongodb}.search_queries
    WHERE timestamp <= ${as_of}
  ),
  running AS (
    SELECT session_id, ts, kind,
      count_if(kind = 'page') OVER w AS pages,
      max(sequence_number) OVER w AS depth,
      max_by(page_type, sequence_number) OVER w AS last_page_type,
      count_if(interaction = 'add_to_cart') OVER w AS cart_adds,
      count_if(interaction = 'purchase') OVER w AS purchases,
      count_if(kind = 'search') OVER w AS searches,
      min(ts) OVER w AS first_ts
    FROM session_events
    WHERE session_id IN (SELECT session_id FROM finished)
    WINDOW w AS (PARTITION BY session_id ORDER BY ts, tie
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  )
SELECT r.session_id, f.customer_id,
  CAST(to_unixtime(f.start_time) * 1000 AS bigint) AS session_start,
  CAST(to_unixtime(r.ts) * 1000 AS bigint) AS prefix_time,
  CAST(r.pages AS integer) AS pages,
  CAST(r.depth AS integer) AS depth,
  CAST(round(date_diff('millisecond', r.first_ts, r.ts) / 1000.0) AS integer)
    AS time_on_site_seconds,
  CAST(r.cart_adds AS integer) AS cart_adds,
  CAST(r.searches AS integer) AS searches,
  r.last_page_type,
  f.converted
FROM running r
JOIN finished f ON f.session_id = r.session_id
WHERE r.kind = 'page' AND r.purchases = 0;
