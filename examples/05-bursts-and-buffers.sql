-- Lesson 5 · Bursts: what more network buffers buy, and what they cost
--
-- Flink tuning advice from the article: "Increase buffers-per-channel: more buffers per
-- channel allow larger bursts before backpressure triggers. Default is 2; increasing
-- to 4-8 can help with bursty workloads." and "Tune floating-buffers-per-gate: floating
-- buffers are shared across channels. Increasing this pool helps when only some
-- channels are bursty."
--
-- The load: once a second, 300 rows arrive at once (a 1 ms burst at 300000 rows/s).
-- The aggregation needs 1 ms per row, so each burst takes 300 ms to work off: on
-- average the pipeline is only 30% busy. The question is where a burst waits.
-- One buffer holds 20 rows here (buffer_rows), and the actors move one buffer at a
-- time (chunk_rows = 20), as a Flink task does; the source polls the log 20 rows at a
-- time (max_poll_records = 20), so what it cannot send stays in the log.
SET buffer_rows = 20;
SET chunk_rows = 20;
SET max_poll_records = 20;

-- 1. Two exclusive buffers per channel and no floating buffers: 40 rows of room.
SET buffers_per_channel = 2;
SET floating_buffers_per_gate = 0;
CREATE SOURCE ticks (id INT, v DOUBLE) WITH (rate = 300000, pattern = 'burst(on=1ms, off=999ms)', keys = 100);
CREATE MATERIALIZED VIEW two_exclusive AS SELECT id, sum(v) AS s FROM ticks GROUP BY id WITH (cost = '1ms');
RESET METRICS;
-- 100 ms into the third burst, 100 of its 300 rows are done. Of the other 200, 40 fill
-- the channel's 2 buffers, 20 wait in the blocked source's output (waiting_to_send),
-- and 140 are still in the log, as lag: the source cannot take them. (records-lag-max
-- reads 280 in all three runs: it is the lag right after the first 20-row poll of a
-- burst, before any flow control has had a say.)
RUN 2100ms;
SHOW QUEUES;
SHOW LAG;
RUN 900ms;
-- Over the 3 bursts the source was backpressured about a quarter of the time.
SHOW ACTORS;

-- 2. Eight exclusive buffers per channel: 160 rows of room.
DROP MATERIALIZED VIEW two_exclusive;
DROP SOURCE ticks;
SET buffers_per_channel = 8;
CREATE SOURCE ticks (id INT, v DOUBLE) WITH (rate = 300000, pattern = 'burst(on=1ms, off=999ms)', keys = 100);
CREATE MATERIALIZED VIEW eight_exclusive AS SELECT id, sum(v) AS s FROM ticks GROUP BY id WITH (cost = '1ms');
RESET METRICS;
RUN 2100ms;
-- Now 160 rows wait in the channel's 8 buffers, 20 in the source's output, and only
-- 20 in the log.
SHOW QUEUES;
SHOW LAG;
RUN 900ms;
-- The source is backpressured half as long as with 2 buffers.
SHOW ACTORS;

-- 3. Flink's defaults: 2 exclusive buffers plus a pool of 8 floating buffers per input
-- gate, which go to whichever channel announces a backlog (see lesson 3). For this one
-- bursty channel that is 10 buffers, 200 rows of room.
DROP MATERIALIZED VIEW eight_exclusive;
DROP SOURCE ticks;
SET buffers_per_channel = 2;
SET floating_buffers_per_gate = 8;
CREATE SOURCE ticks (id INT, v DOUBLE) WITH (rate = 300000, pattern = 'burst(on=1ms, off=999ms)', keys = 100);
CREATE MATERIALIZED VIEW two_plus_floating AS SELECT id, sum(v) AS s FROM ticks GROUP BY id WITH (cost = '1ms');
RESET METRICS;
RUN 2100ms;
-- All 200 rows fit: the channel holds its 2 exclusive buffers plus all 8 floating
-- ones (floating 8), and the log has no lag. The source is backpressured least.
SHOW QUEUES;
SHOW LAG;
RUN 900ms;
SHOW ACTORS;

-- What the buffers cost. They buy burst absorption, not throughput: in every case the
-- aggregation did the same 300 rows per burst in the same 300 ms (busy 300 ms/s). In
-- exchange:
--   memory — Flink sizes each input gate's pool as #channels × buffers-per-channel +
--            floating-buffers-per-gate, 32 KB each. Exclusive buffers are reserved on
--            every channel, bursty or not: with 16 channels per gate, 8 exclusive
--            buffers cost 128 buffers (4 MB) where 2 + 8 floating cost 40 (1.25 MB).
--   in-flight data — every row waiting in a buffer is a row a checkpoint barrier must
--            wait behind (aligned, lesson 9) or store (unaligned); more buffers, more
--            of it under sustained backpressure.
-- And more buffers do nothing for sustained overload: they fill, and then the
-- pipeline blocks exactly as before (lesson 1). Bursts, not load, are what they fix.
