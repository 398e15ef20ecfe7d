-- Lesson 9 · Flink: aligned vs unaligned checkpoints under backpressure
--
-- Flink checkpoints with barriers too. Aligned (the default): "on the first barrier,
-- the operator stops consuming from channels that have delivered a barrier until
-- barriers from all inputs arrive"; barriers never overtake records. Under
-- backpressure every channel is full, so a barrier waits behind all of it, and
-- checkpoints slow down — "increasing checkpoint times can indicate that barriers are
-- stuck behind backpressured operators". The article's fix: "Enable unaligned
-- checkpoints: when backpressure causes checkpoint timeouts, unaligned checkpoints
-- allow barriers to overtake buffered data" (execution.checkpointing.unaligned,
-- checkpoint_mode here). The price: the overtaken buffers are stored in the
-- checkpoint as in-flight data.
--
-- Payments over 2 partitions feed an aggregation with 2 parallel actors; every
-- aggregation actor reads from both source actors, so it has 2 input channels to
-- align. The aggregation manages 1000 rows/s, the payments come at 1500/s. One buffer
-- holds 10 rows and actors move a buffer at a time, as a Flink task does.
SET buffer_rows = 10;
SET chunk_rows = 10;
CREATE SOURCE payments (account INT, amount DOUBLE) WITH (rate = 1500, keys = 200, partitions = 2);
CREATE MATERIALIZED VIEW balances AS
  SELECT account, sum(amount) AS balance FROM payments GROUP BY account WITH (parallelism = 2, cost = '2ms');

-- 1. Aligned checkpoints.
SET checkpoint_mode = aligned;
RUN 2s;
RESET METRICS;
RUN 4s;
-- Each checkpoint (one per barrier, every second) takes over 100 ms: the barrier waits
-- behind full input buffers (agg.0's; agg.1 idles now and then), and the first input to
-- deliver it is held until the others do (stream_barrier_align_duration_ns in SHOW
-- METRICS: 48 ms over these 4 s for balances.agg.1; none for agg.0, whose two barriers
-- happened to come together). No in-flight data is stored.
SHOW CHECKPOINTS;
SHOW METRICS balances.agg.1;

-- 2. Unaligned checkpoints, on the same running pipeline.
SET checkpoint_mode = unaligned;
RUN 1s;
RESET METRICS;
RUN 4s;
-- The barrier jumps the queues: from epoch 7 on checkpoints take 1 to 3 ms, the time
-- for the aggregation to finish the buffer in hand (20 ms at most). In exchange each
-- checkpoint stores the rows it overtook (in_flight_rows, in_flight_buffers): on
-- recovery they are replayed.
SHOW CHECKPOINTS;

-- Flink's limits, not modelled here: unaligned checkpoints need exactly-once mode and
-- one checkpoint at a time, pointwise connections stay aligned, and a task blocked in
-- the middle of a record (hard backpressure) cannot start one until it gets a buffer.
