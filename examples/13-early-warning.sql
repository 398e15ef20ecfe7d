-- Lesson 13 · Monitoring and early warning
--
-- "Detecting backpressure early is critical. By the time users notice increased query
-- latency, the system may already be severely constrained." The article's advice:
-- monitor leading indicators (buffer utilization, blocking ratios), "set alerts at
-- 50-70% of your capacity limits so you have time to react before the system
-- saturates", and alert on records-lag-max *trends*: "a steadily increasing lag is
-- more dangerous than a temporarily high but stable lag."
--
-- Part 1: which metrics move first. Signups ramp from 100 to 700 rows/s over 12 s
-- into an aggregation that manages 500 rows/s (2 ms a row).
CREATE SOURCE signups (id INT, plan VARCHAR) WITH (rate = 100, pattern = 'ramp(to=700, over=12s)', keys = 100);
CREATE MATERIALIZED VIEW plans AS SELECT plan, count(*) AS n FROM signups GROUP BY plan WITH (cost = '2ms');
RUN 12s;

-- Read the charts against the clock:
--   busy(plans.agg.0) rises with the load from the start: the aggregation's
--     utilization. It crosses 500-700 ms/s (50-70% of capacity) between 3 s and 5 s:
--     the moment to alert, with several seconds of headroom left.
--   backpressure(plans.source.0) stays at 0 until the aggregation is saturated, at
--     8 to 9 s, and then jumps: Flink's backPressuredTimeMsPerSecond — values above 500 ms/s
--     "indicate significant backpressure" — is a late, binary signal.
--   lag(signups) and barrier_latency only start climbing after that: by then users
--     already see stale results.
PLOT busy(plans.agg.0), backpressure(plans.source.0), lag(signups) LAST 12s;
PLOT barrier_latency LAST 12s;

-- The same story on a dashboard, one second later: the aggregation busy 1000 ms/s,
-- the source backpressured over 970 ms/s (output blocking over 97%), barrier latency at
-- 0.7 s and climbing. Every alarm is ringing now; the busy-time alert at 60% rang at
-- about 4 s, five seconds before backpressure did. records-lag-max reads 0, while the
-- lag is about 200 (SHOW LAG): Kafka samples it as each poll collects its records, when
-- the lag is at its lowest (here every poll takes all the rows ready), and a blocked
-- consumer polls only when it can send. Its level says little; its trend says more
-- (part 2).
RESET METRICS;
RUN 1s;
SHOW METRICS;
SHOW LAG;

-- Part 2: a rising lag versus a high but stable lag. Two consumers, each of its own
-- topic (part 1's pipeline is dropped first; channels hold 10 buffers of 10 rows, and
-- a poll returns at most 50 rows, so that the lag is all in the log):
--   backfill — fell 3000 rows behind during an outage and now consumes exactly as fast
--              as its topic grows (400 rows/s): a high lag that stays put;
--   creeping — starts with no lag at all, but its sink writes 400 rows/s of a 500
--              rows/s topic, so its lag rises by 100 rows every second.
DROP MATERIALIZED VIEW plans;
DROP SOURCE signups;
SET buffer_rows = 10;
SET max_poll_records = 50;
CREATE SOURCE payments (id INT, amount DOUBLE) WITH (rate = 400, keys = 100);
CREATE SINK backfill FROM payments WITH (throughput = 400);
INJECT 3000 INTO payments;
CREATE SOURCE refunds (id INT, amount DOUBLE) WITH (rate = 500, keys = 100);
CREATE SINK creeping FROM refunds WITH (throughput = 400);
RUN 1s;

-- records-lag-max is the largest lag seen in the window, so compare consecutive
-- windows. Three windows of 2 s each:
RESET METRICS;
RUN 2s;
SHOW LAG;
RESET METRICS;
RUN 2s;
SHOW LAG;
RESET METRICS;
RUN 2s;
SHOW LAG;
-- backfill's records-lag-max is large and flat: nothing is getting worse. creeping's
-- starts small and grows by ~200 every window: it is the one heading for trouble
-- (retention, lesson 6), and an alert on the absolute value would fire on the wrong
-- consumer. Alert on the trend.
PLOT lag(payments), lag(refunds) LAST 6s;
