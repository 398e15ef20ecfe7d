-- Lesson 4 · Why Flink replaced TCP-based backpressure with credits
--
-- Before Flink 1.5, "Flink multiplexes multiple logical channels over a single TCP
-- connection. When one logical channel experienced backpressure, the TCP window would
-- shrink, blocking all logical channels on that connection. A single slow task could
-- block unrelated tasks sharing the same physical connection." Credit-based flow
-- control "operates at the logical channel level ... without cross-contamination".
--
-- Two unrelated pipelines run on two compute nodes. Sluice places actor i of a
-- fragment at depth d on node (d + i) % nodes, so both sources run on node 0 and both
-- aggregations on node 1: both channels cross from node 0 to node 1.
--   orders → slow_totals   1000 rows/s into an aggregation that manages 500 rows/s
--   clicks → click_counts  2000 rows/s into an aggregation that costs nothing
SET nodes = 2;
SET buffer_rows = 50;

-- 1. The old scheme: flow_control = tcp. One connection per pair of nodes, carrying
-- both channels; when the buffer at the head of the connection has nowhere to go, the
-- receiver stops reading the connection, and everything behind it waits.
SET flow_control = tcp;
CREATE SOURCE orders (id INT, amount DOUBLE) WITH (rate = 1000, keys = 100);
CREATE SOURCE clicks (id INT, url VARCHAR) WITH (rate = 2000, keys = 100);
CREATE MATERIALIZED VIEW slow_totals AS
  SELECT id, sum(amount) AS total FROM orders GROUP BY id WITH (cost = '2ms');
CREATE MATERIALIZED VIEW click_counts AS
  SELECT id, count(*) AS n FROM clicks GROUP BY id;
RUN 5s;
RESET METRICS;
RUN 2s;

-- click_counts.agg.0 is idle ~1000 ms/s, yet its source is backpressured ~1000 ms/s and
-- takes only ~500 of its 2000 rows/s: it is throttled to the slow pipeline's pace.
SHOW ACTORS;
-- SHOW QUEUES' flow-control column shows why: the shared connection 0→1 is STALLED.
-- click_counts' channel has all 10 buffers free at its receiver (gate free 10), yet its
-- sender holds 500 rows it cannot send (unsent: 10 buffers of 50 rows, as many as a
-- Flink sender keeps per remote channel, max_buffers_per_channel): the connection they
-- must travel on is full and stalled behind slow_totals' data.
SHOW QUEUES;
SHOW LAG;
-- DIAGNOSE names slow_totals' aggregation by Flink's rule, and the bystander as well:
-- click_counts' source, held back by the shared connection, not by its idle receiver.
DIAGNOSE;

-- 2. The same two pipelines, rebuilt from scratch under credit-based flow control:
-- each logical channel has its own credits, and the connection is only transport.
DROP MATERIALIZED VIEW slow_totals;
DROP MATERIALIZED VIEW click_counts;
DROP SOURCE orders;
DROP SOURCE clicks;
SET flow_control = credit;
CREATE SOURCE orders (id INT, amount DOUBLE) WITH (rate = 1000, keys = 100);
CREATE SOURCE clicks (id INT, url VARCHAR) WITH (rate = 2000, keys = 100);
CREATE MATERIALIZED VIEW slow_totals AS
  SELECT id, sum(amount) AS total FROM orders GROUP BY id WITH (cost = '2ms');
CREATE MATERIALIZED VIEW click_counts AS
  SELECT id, count(*) AS n FROM clicks GROUP BY id;
RUN 5s;
RESET METRICS;
RUN 2s;

-- slow_totals is exactly as slow as before — its channel has 0 credits — but
-- click_counts now takes all 2000 rows/s and its source is never backpressured.
SHOW ACTORS;

-- Only the slow pipeline lags; the unrelated one keeps up.
SHOW LAG;
