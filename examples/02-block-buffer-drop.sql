-- Lesson 2 · Blocking, buffering, dropping: three answers to the same overload
--
-- The article names three strategies for a producer that is faster than its consumer:
--   blocking  — "the upstream operator pauses until the downstream operator catches up";
--   buffering — "an intermediate buffer absorbs temporary bursts ... but can exhaust
--               memory during sustained overload";
--   dropping  — "discards records when buffers are full ... rarely acceptable for
--               database workloads".
-- We run the same overload three times: a log receiving 3000 rows/s feeding a sink
-- that writes 1000 rows/s, for 3 seconds. Only the flow-control scheme changes.
-- Each bounded scheme gets room for at most 1000 rows per channel: for credit, 10
-- buffers of 100 rows (2 exclusive + 8 floating); for drop_tail, 1000 rows
-- (exchange_initial_permits). Credit counts buffers, not rows, and Sluice never puts
-- two chunks in one buffer. A chunk is sent in as many buffers as it needs, so the last
-- buffer of a chunk is usually only partly full. Here each poll of 500 records becomes
-- two chunks (chunk_rows = 256): 256 rows take buffers of 100 + 100 + 56, and 244 rows
-- take 100 + 100 + 44. So ten full buffers hold about 800 rows, not 1000. (Flink packs
-- records into a buffer until it is full or the 100 ms buffer timeout flushes it, so
-- under backpressure its buffers are full.)
SET buffer_rows = 100;
SET exchange_batched_permits = 100;
SET exchange_initial_permits = 1000;

-- 1. Blocking (Flink's credit-based flow control, RisingWave's permits).
SET flow_control = credit;
CREATE SOURCE events (id INT, v DOUBLE) WITH (rate = 3000, keys = 1000);
CREATE SINK blocking FROM events WITH (throughput = 1000);
RUN 3s;
-- All 10 buffers of the channel are taken (credit 0), holding 800 rows, and the source
-- is blocked: the 2000 rows/s it cannot pass on stay in the log, as lag. The queue is
-- bounded and nothing is dropped: the overload went back to where the data came from.
SHOW QUEUES;
SHOW LAG;

-- 2. Buffering without a bound.
DROP SINK blocking;
DROP SOURCE events;
SET flow_control = unbounded;
CREATE SOURCE events (id INT, v DOUBLE) WITH (rate = 3000, keys = 1000);
CREATE SINK buffering FROM events WITH (throughput = 1000);
RESET METRICS;
RUN 3s;
-- The source never blocks, so the log has no lag — the whole backlog moved into the
-- channel, i.e. into the engine's memory: 2000 more rows every second, for ever.
-- This is the "infinite queue" the article's tuning advice says to avoid.
SHOW QUEUES;
SHOW LAG;
PLOT queue(buffering.sink.0) LAST 3s;
-- Nothing is backpressured, so Flink's rule (busy, while an upstream waits on it) has
-- nothing to go on. DIAGNOSE finds the sink by the sign buffering leaves instead: its
-- input queue grows.
DIAGNOSE;

-- 3. Dropping when the buffer is full.
DROP SINK buffering;
DROP SOURCE events;
SET flow_control = drop_tail;
CREATE SOURCE events (id INT, v DOUBLE) WITH (rate = 3000, keys = 1000);
CREATE SINK dropping FROM events WITH (throughput = 1000);
RESET METRICS;
RUN 3s;
-- The queue is capped at 1000 rows and the source never waits — and 5000 of the 9000
-- rows are gone (in the long run two of every three). Sluice counts them: the
-- channel's "dropped" column, and the ledger's "dropped" line. (The ledger covers the
-- whole session: its "(retired: …)" rows add up the first two sinks' channels and
-- actors, "delivered by sinks" includes what they wrote, and the rows they left queued
-- when we dropped them are under "discarded by DROP".)
SHOW QUEUES;
SHOW LEDGER;
-- Here the sign is the rows its input drops.
DIAGNOSE;
