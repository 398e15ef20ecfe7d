-- Lesson 16 · Flink: checkpoint timeouts under backpressure
--
-- A Flink checkpoint that has not completed execution.checkpointing.timeout after it
-- was triggered (10 minutes by default) expires: "Checkpoint 7 expired before
-- completing". The coordinator aborts it on every task: a task aligning it stops and
-- releases the inputs it held, and its barriers still on their way are ignored where
-- they arrive. Aligned barriers wait behind every full buffer, so under sustained
-- backpressure checkpoints stop completing at all. The article: "Enable unaligned
-- checkpoints: when backpressure causes checkpoint timeouts, unaligned checkpoints
-- allow barriers to overtake buffered data."
--
-- Here the timeout is 5 s (checkpoint_timeout_ms) so that it happens in seconds of
-- virtual time; with Flink's 10 minutes it takes deeper queues or a slower sink. Flink
-- runs one checkpoint at a time by default (execution.checkpointing.max-concurrent-
-- checkpoints = 1): in_flight_barrier_nums = 1 skips a periodic barrier while one is
-- in flight, as RisingWave's limit of the same name does.
--
-- Orders come at 2000 rows/s over 2 partitions into an aggregation of 2 actors (each
-- reads both source actors: 2 inputs to align), and the ledger sink writes 500 rows/s.
-- Deep buffers (8 exclusive per channel, 100 rows each) hold seconds of rows.
SET buffer_rows = 100;
SET buffers_per_channel = 8;
SET checkpoint_timeout_ms = 5000;
SET in_flight_barrier_nums = 1;
CREATE SOURCE orders (customer INT, amount DOUBLE) WITH (rate = 2000, keys = 500, partitions = 2);
CREATE MATERIALIZED VIEW revenue AS
  SELECT customer, count(*) AS orders, sum(amount) AS total FROM orders GROUP BY customer
  WITH (parallelism = 2);
CREATE SINK ledger FROM revenue WITH (throughput = 500);

-- 1. Aligned checkpoints (Flink's default). A barrier every second, one at a time.
RUN 20s;
-- Only the first checkpoint completes, in 3.4 s, while the queues were still filling.
-- The next ones (epochs 2, 3 and 4) expire 5 s after their injection with 2 of their 5
-- actors collected (the source actors): the barriers wait in the aggregation actors'
-- input queues, behind rows the actors cannot take while they wait for the rows queued
-- at the sink (24 full buffers, some 1900 rows: nearly 4 s of writes).
-- numberOfFailedCheckpoints (SHOW METRICS) counts them. With Flink's default execution.checkpointing.tolerable-failed-checkpoints = 0
-- the first expiry would also fail the job over to its last checkpoint; Sluice counts
-- it and goes on.
SHOW CHECKPOINTS;
-- Where the barriers of the expired checkpoints were, and where the one in flight is.
SHOW BARRIERS;
-- Barrier latency over time: the one checkpoint that completed (•), and each expiry (×)
-- at the age it reached, the 5 s timeout.
PLOT barrier_latency;
-- DIAGNOSE names the sink, counts the expired checkpoints and suggests unaligned ones.
DIAGNOSE;

-- 2. Unaligned checkpoints on the same running pipeline (Flink needs a restart for it).
SET checkpoint_mode = unaligned;
-- Epoch 5, injected at 20 s as epoch 4 expired, still waits at the blocked sources: they
-- now send it at once, unaligned, ahead of their queued output. Then a new window for the
-- metrics.
RUN 15s;
RESET METRICS;
RUN 10s;
-- From epoch 5 on the barrier jumps the queues: every checkpoint completes in 1 ms (the
-- sink's write in hand), under the same backpressure. The price is the rows it overtook,
-- stored with the checkpoint: in_flight_rows, 4300 to 5100 rows (67 to 79 buffers) each.
-- DIAGNOSE no longer mentions checkpoints: only the sink's fixes are left.
SHOW CHECKPOINTS;
DIAGNOSE;

-- 3. Flink's middle way: execution.checkpointing.aligned-checkpoint-timeout
-- (aligned_checkpoint_timeout_ms; 0 by default, every checkpoint unaligned from the
-- start). With 1 s, each checkpoint starts aligned and turns unaligned once it is 1 s
-- old: its barriers jump the rows still ahead of them and it completes at once. A
-- checkpoint that completes within the second stores no in-flight data; here the
-- backpressure never lets up, so every one turns.
SET aligned_checkpoint_timeout_ms = 1000;
RUN 5s;
RESET METRICS;
RUN 5s;
-- From epoch 31 on every checkpoint takes 1.001 s: 1 s aligned, then the jump, then the
-- sink's write in hand; as one is in flight at each tick, every other tick is skipped.
-- The in-flight rows are those the barriers jumped at the 1 s mark, 3800 to 4300: fewer
-- than unaligned from the start, as the queues moved on meanwhile.
SHOW CHECKPOINTS;
