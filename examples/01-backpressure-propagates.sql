-- Lesson 1 · Backpressure propagates from a slow sink back to the source
--
-- The article's first picture is a pipeline Source → Aggregation → Join → Sink in
-- which only the sink is slow. "When any operator in this chain slows down, records
-- accumulate in the buffers between operators", and the signal travels backwards:
-- sink → join → aggregation → source. Here we build exactly that pipeline and watch
-- the signal arrive at every actor, then let DIAGNOSE find the culprit with Flink's
-- rule: the bottleneck is busy, and the operator upstream of it is backpressured.
--
-- Flow control is Flink's credit-based scheme (the default, flow_control = credit).
-- A network buffer is normally 32 KB (buffer_bytes), which holds hundreds of these
-- small rows; we make each buffer hold 100 rows so that the queues fill in seconds.
SET buffer_rows = 100;

-- Clicks arrive at 1000 rows/s into a Kafka-like log; users is a small lookup table.
CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 1000, keys = 100, seed = 7);
CREATE TABLE users (user_id INT PRIMARY KEY, region VARCHAR) WITH (rows = 100);

-- The aggregation: spend per user.
CREATE MATERIALIZED VIEW spend AS
  SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks GROUP BY user_id;

-- The join: each user's spend with the user's region.
CREATE MATERIALIZED VIEW enriched AS
  SELECT s.user_id, u.region, s.total FROM spend s JOIN users u ON s.user_id = u.user_id;

-- The slow sink: an external system that accepts 300 rows per second.
CREATE SINK warehouse FROM enriched WITH (throughput = 300);

RUN 3s;

-- The dataflow graph, marked the way Flink's web UI marks backpressure: OK ≤ 10%,
-- LOW ≤ 50%, HIGH > 50% of the time blocked on output. Everything on the way from
-- the clicks source to the sink is HIGH; the sink itself is OK: it is not blocked, it
-- is slow. (The users table was read once at the start: OK.)
SHOW GRAPH;

-- Flink's three task metrics, in ms per second, add up to 1000:
--   busyTimeMsPerSecond          processing,
--   idleTimeMsPerSecond          waiting for input,
--   backPressuredTimeMsPerSecond waiting for an output buffer (a credit).
-- Read the table bottom up: the sink is busy ~1000 ms/s; the join, the aggregation and
-- the source are backpressured most of the time; every input on the clicks' path is
-- full (the join's 10/20 counts the users table's channel too, read once and empty):
-- all its buffers hold data, even where they are only partly filled.
SHOW ACTORS;

-- DIAGNOSE uses Flink's rule. backPressuredTimeMsPerSecond is time spent waiting for an
-- output buffer, so a backpressured task is held up by the task downstream of it, and
-- the bottleneck is the busy task whose *upstream* is backpressured. DIAGNOSE applies
-- it and names warehouse.sink.0. The article gets the direction backwards. Its first
-- sentence is right ("A task with high backPressuredTimeMsPerSecond is being slowed by
-- its downstream operator"), but the next one says the bottleneck is busy "and whose
-- downstream task shows high backPressuredTimeMsPerSecond". Read that way, no actor here
-- qualifies: the one busy actor, the sink, has nothing downstream of it.
DIAGNOSE;

-- Backpressure ends at the source, which stops reading its log: the rows it cannot
-- take wait in the log as consumer lag (Kafka's records-lag-max). Nothing is lost.
SHOW LAG;
