-- Lesson 8 · Join amplification, and RisingWave's unaligned join
--
-- "A single input record might match thousands of records on the other side of a
-- join, producing a burst of output that overwhelms downstream operators. This 'join
-- amplification' causes barrier latency to spike because checkpoint barriers get
-- stuck behind the massive output queue." The fix:
--     SET streaming_enable_unaligned_join = true;
-- "RisingWave inserts an intermediate buffer after the join operator. ... Checkpoint
-- barriers bypass the buffered data and pass through to the next operator
-- immediately." (In RisingWave's planner: a StreamSyncLogStore above every hash join.)
--
-- Every order matches 100 products (2000 products in 20 categories): 50 orders/s
-- become 5000 rows/s, into a sink that writes 1000 rows/s. RisingWave permits; small
-- channels (32 row permits) and small chunks (32 rows), so that the numbers stay small.
SET flow_control = permits;
SET exchange_batched_permits = 8;
SET exchange_initial_permits = 32;
SET chunk_rows = 32;
CREATE TABLE products (cat INT, name VARCHAR) WITH (rows = 2000, keys = 20);

-- 1. The ordinary (aligned) join.
CREATE SOURCE orders (cat INT, qty INT) WITH (rate = 50, keys = 20);
CREATE MATERIALIZED VIEW order_lines AS
  SELECT o.cat, o.qty, p.name FROM orders o JOIN products p ON o.cat = p.cat;
CREATE SINK lines_out FROM order_lines WITH (throughput = 1000);
RUN 3s;
RESET METRICS;
RUN 6s;
-- Barrier latency is seconds: a barrier must wait behind the queued orders, and each
-- queued order still has 100 output rows to push through the sink. The blocked source
-- holds the barriers injected meanwhile, so they leave together, right behind one
-- another, and complete together: the oldest waited longest (p99 near 6 s).
SHOW BARRIERS;
-- The join is backpressured; so are both its sources (the orders pile up in the log).
-- The sink's queue holds more rows than the permits they took (SHOW QUEUES: rows
-- against permits): RisingWave caps the permits one chunk takes at
-- exchange_initial_permits − exchange_batched_permits (max_chunk_permits), and an
-- amplified chunk is large.
SHOW ACTORS;
SHOW QUEUES;
-- DIAGNOSE names the sink by Flink's rule, shows the join's 100× amplification among
-- the evidence, and suggests the remedy tried next.
DIAGNOSE;

-- 2. The same view with the unaligned join. It only affects views created after the
-- SET, so we start over.
DROP SINK lines_out;
DROP MATERIALIZED VIEW order_lines;
DROP SOURCE orders;
SET streaming_enable_unaligned_join = true;
CREATE SOURCE orders (cat INT, qty INT) WITH (rate = 50, keys = 20);
-- The plan now has a StreamSyncLogStore between the join and the materialize.
EXPLAIN CREATE MATERIALIZED VIEW order_lines_unaligned AS
  SELECT o.cat, o.qty, p.name FROM orders o JOIN products p ON o.cat = p.cat;
CREATE MATERIALIZED VIEW order_lines_unaligned AS
  SELECT o.cat, o.qty, p.name FROM orders o JOIN products p ON o.cat = p.cat;
CREATE SINK lines_out_unaligned FROM order_lines_unaligned WITH (throughput = 1000);
RUN 3s;
RESET METRICS;
RUN 6s;
-- Barriers pass the log store at once ("overtaking" its rows) and are collected
-- within ~100 ms: the p99 falls by more than ten times.
SHOW BARRIERS;

-- The trade-off: the join no longer waits — it is idle, and the orders are read as
-- fast as they come — but its output piles up in the log store (an unbounded, in
-- RisingWave a persisted, buffer), and rows reach the sink later and later. The sink
-- is still the bottleneck: the unaligned join keeps checkpoints flowing, it does not
-- make the sink faster.
SHOW ACTORS;
SHOW QUEUES;
