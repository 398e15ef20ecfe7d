-- Lesson 12 · Batch the sink's writes
--
-- "Batch downstream writes: instead of inserting one record at a time into your
-- database, batch 100-1000 records per write. This dramatically reduces per-record I/O
-- overhead." And: "Optimize first when the bottleneck is I/O-bound (slow database
-- writes, network calls)."
--
-- A database sink pays a 10 ms round trip per write (latency) plus 0.2 ms per row
-- (throughput = 5000 rows/s). One row per write: 10.2 ms a row, about 98 rows/s. A
-- hundred rows per write: 10 ms + 20 ms for 100 rows, over 3000 rows/s.
-- Two consumers of the same 2000 orders/s, side by side; each sink reads the source as
-- its own consumer group. A channel holds 10 buffers of 100 rows.
SET buffer_rows = 100;
CREATE SOURCE orders (id INT, total DOUBLE) WITH (rate = 2000, keys = 1000);
CREATE SINK row_at_a_time FROM orders WITH (batch = 1, latency = '10ms', throughput = 5000);
CREATE SINK batched FROM orders WITH (batch = 100, latency = '10ms', throughput = 5000);
RUN 1s;
RESET METRICS;
RUN 2s;

-- row_at_a_time: ~98 rows/s, one write per row. batched: all 2000 rows/s. A sink
-- writes what is queued, up to its batch size, so the batches find their own size:
-- here about 33 rows (10 ms + 33 × 0.2 ms = 16.6 ms, in which 33 more rows arrive),
-- some 60 writes a second. Were the load to grow, the batches would grow with it, up
-- to 100 rows and over 3000 rows/s. SHOW METRICS gives rates over the last 2 s, but
-- "rows written (total)" and "writes (total)" count from the sink's start, 3 s ago:
-- 5916 rows in 180 writes is 33 rows a write, 60 writes a second.
SHOW SINKS;
SHOW METRICS row_at_a_time.sink.0;
SHOW METRICS batched.sink.0;

-- The row-at-a-time sink is the bottleneck of its pipeline and its consumer lag grows
-- by ~1900 rows/s; the batched one keeps up.
SHOW LAG;
DIAGNOSE;

-- Scaling out is the other answer, and here the weaker one. This sink reads the log
-- without a shuffle, at most one actor per partition (DIAGNOSE says so above), so the
-- log gets a second partition first. Two writers at one row per write manage about 196
-- rows/s: it would take twenty of them to write what the one batched sink writes.
ALTER SOURCE orders SET (partitions = 2);
ALTER SINK row_at_a_time SET PARALLELISM = 2;
RUN 1s;
RESET METRICS;
RUN 2s;
SHOW SINKS;
