-- Lesson 3 · Flink's credit-based flow control, one message at a time
--
-- The article's sequence diagram (Flink ≥ 1.5, FLINK-7282):
--     Upstream → Downstream: backlog size = 5 buffers
--     Downstream → Upstream: grant 3 credits
--     Upstream → Downstream: send buffer 1 (credits: 2), 2 (credits: 1), 3 (credits: 0)
--     Upstream is blocked — no credits
--     Downstream → Upstream: grant 2 more credits
--     Upstream → Downstream: send buffer 4 (credits: 1), 5 (credits: 0)
-- We rebuild it with TRACE, which prints every flow-control event as it happens.
--
-- The knobs, with Flink's names:
--   buffers_per_channel       taskmanager.network.memory.buffers-per-channel (default 2):
--                             exclusive buffers, the channel's initial credit. 0 here, so
--                             that every credit must be asked for.
--   floating_buffers_per_gate taskmanager.network.memory.floating-buffers-per-gate
--                             (default 8): a pool shared by the gate's channels. 3 here:
--                             the receiver can hold at most 3 buffers.
--   buffer_rows               one network buffer (32 KB by default, buffer_bytes) holds
--                             one row here, so rows and buffers are the same count.
--   chunk_rows                the upstream task emits 5 rows at once: a backlog of 5.
SET barrier_interval_ms = 0;
SET buffers_per_channel = 0;
SET floating_buffers_per_gate = 3;
SET buffer_rows = 1;
SET chunk_rows = 5;

-- The upstream task is the source actor job.source.0; the downstream task is the sink
-- actor job.sink.0, which takes 2 buffers per write and needs 100 ms for each write.
CREATE SOURCE events (id INT) WITH (rate = 0, cost = '1ms');
CREATE SINK job FROM events WITH (batch = 2, latency = '100ms');

-- Part 1: the diagram. A burst of 5 rows: the upstream task announces a backlog of
-- 5; the receiver tries to hold backlog + initial credit = 5 buffers, finds 3 in the
-- floating pool and grants 3 credits; buffers 1, 2 and 3 go out and the sender blocks
-- at 0 credits. The idle sink takes 2 buffers (its batch) as soon as they land. Freed,
-- floating buffers go back to the gate's pool, which hands them to the channels waiting
-- for one, longest first (here the only one): 2 more credits, and buffers 4 and 5
-- follow. Each STEP processes one scheduler event; the trace lines it caused print above
-- it.
TRACE credit, blocking;
INJECT 5 INTO events;
STEP;

-- The sink is writing 2 rows; buffers 3, 4 and 5 wait in its input queue, holding all
-- 3 floating buffers. Credit is 0 again.
SHOW QUEUES;

-- Part 2: the same burst while the receiver is busy, so the blocking lasts. The sender
-- announces a backlog of 5, but the floating pool is empty: no credit, and it blocks.
INJECT 5 INTO events;
STEP;
SHOW QUEUES;
SHOW ACTORS;

-- 100 ms later the sink finishes its write and takes the next 2 buffers. Each freed
-- buffer goes back to the pool and on to the waiting channel: one credit for the sender
-- (it still announces a backlog), so buffers 6 and 7 go out, and the sender blocks
-- again with 3 to go.
STEP;

-- Write by write, the receiver frees buffers and the sender spends each credit at
-- once, until its backlog is 0 and the floating buffers go back to the pool.
STEP 6;
SHOW QUEUES;
SHOW ACTORS;
