-- Lesson 15 · What a barrier costs: barrier_interval_ms, the article's trade-off
--
-- "Adjust barrier_interval_ms: The default is 1000ms. Increasing this reduces barrier
-- overhead but increases checkpoint granularity. Decreasing it provides more responsive
-- backpressure detection at the cost of higher overhead."
--
-- Every actor that passes a barrier does its part of the checkpoint: Flink snapshots
-- the operator's state (the synchronous part, right after sending the barrier on),
-- RisingWave flushes the epoch's state changes to its state store. barrier_cost prices
-- that work; it is free unless set. The work follows the barrier, so barrier latency
-- barely shows it. Throughput does.
--
-- A source of 2000 clicks/s, an aggregation that manages 1000/s (1 ms a click), and a
-- checkpoint that costs each actor 2 ms. Checkpoints are unaligned, so that barriers
-- overtake the queue instead of waiting behind it (lesson 9): this lesson is about
-- their cost, not their latency.
SET barrier_cost = '2ms';
SET checkpoint_mode = unaligned;
CREATE SOURCE clicks (user_id INT, amount DOUBLE) WITH (rate = 2000, keys = 100);
CREATE MATERIALIZED VIEW spend AS
  SELECT user_id, count(*) AS n, sum(amount) AS total FROM clicks GROUP BY user_id
  WITH (cost = '1ms');

-- 1. One barrier a second, the default: 2 ms of every second go to checkpoints. The
-- aggregation takes 998 clicks a second.
RUN 5s;
RESET METRICS;
RUN 10s;
SHOW ACTORS;

-- 2. One every 10 ms: checkpoints take a fifth of every actor's time. The aggregation
-- takes some 800 clicks a second, and the source, which pays 2 ms per barrier too, is
-- busy 200 ms a second without reading more. Barrier latency moves only a little: a
-- barrier waits for the chunk in hand (256 clicks, up to 256 ms; p50 127 ms with free
-- barriers), plus 2 ms for each barrier queued ahead of it (p50 157 ms, max 317 ms
-- here); its own work comes after it. The cost is not waiting, it is work.
SET barrier_interval_ms = 10;
RUN 5s;
RESET METRICS;
RUN 10s;
SHOW ACTORS;
SHOW BARRIERS;

-- DIAGNOSE names the bottleneck, shows the share of its time its barriers take, and
-- puts the cheapest fix first: fewer barriers.
DIAGNOSE;

-- 3. Every 100 ms: 2 % of the time, some 980 clicks a second (counted as chunks start,
-- give or take a chunk), and checkpoints ten times finer than the default. Where the interval sits is a trade between how fresh a
-- checkpoint is (and how soon a stuck barrier shows backpressure) and what it costs.
SET barrier_interval_ms = 100;
RUN 5s;
RESET METRICS;
RUN 10s;
SHOW ACTORS;
