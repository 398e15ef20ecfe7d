-- Lesson 7 · RisingWave: barriers, sources that put barriers first, barrier latency
--
-- RisingWave's backpressure is "bounded channels + barriers". Channels between actors
-- are bounded by permits (flow_control = permits: exchange_initial_permits rows per
-- channel, default 2048; permits come back in batches of exchange_batched_permits,
-- default 256; exchange_concurrent_barriers = 1 barrier in flight per channel). The
-- meta node injects a barrier into every source every barrier_interval_ms (default
-- 1000); barriers flow with the data, and when every terminal actor has collected one,
-- its epoch is complete: a consistent checkpoint. "Barrier latency, the time it takes
-- for a barrier to travel from the Meta Node through all compute nodes and back,
-- serves as RisingWave's primary indicator of system health."
--
-- A source of 1000 trades/s feeds an aggregation that manages 500/s. Channels hold 256
-- rows. Barriers are manual for now (barrier_interval_ms = 0).
SET flow_control = permits;
SET exchange_batched_permits = 32;
SET exchange_initial_permits = 256;
SET barrier_interval_ms = 0;
CREATE SOURCE trades (sym INT, px DOUBLE) WITH (rate = 1000, keys = 50);
CREATE MATERIALIZED VIEW vwap AS
  SELECT sym, sum(px) AS notional, count(*) AS n FROM trades GROUP BY sym WITH (cost = '2ms');

-- 1. A barrier by hand, before any load: injected at the source, through the channel,
-- collected by the materialize actor, completed. Latency 0: nothing was in its way.
TRACE barriers;
BARRIER;

-- 2. Two seconds of overload later, the channel is full and the source is blocked.
RUN 2s;
BARRIER;
-- The new barrier waits at the source, behind the source's blocked output.
SHOW BARRIERS;

-- Watch the order when permits come back: the data already in the source's output
-- goes first, then — before the source takes any new row from its log — the barrier.
-- "Source actors prioritize barrier consumption. They only ingest external data when
-- the barrier channel is empty." Then the barrier waits in the channel behind ~500
-- rows, which the aggregation needs about a second to work through.
TRACE barriers, permits, blocking;
STEP BARRIER;
TRACE OFF;

-- 3. Periodic barriers, as in production. Under steady overload each barrier needs
-- about a second: high barrier latency means the pipeline is backpressured, and it
-- shows without looking at any single actor. The Grafana "Barrier Latency" panel
-- plots meta_barrier_duration_seconds; SHOW METRICS reads it the same way.
SET barrier_interval_ms = 1000;
RUN 3s;
SHOW BARRIERS;
SHOW METRICS;

-- 4. The meta node stops injecting while in_flight_barrier_nums barriers are in flight
-- (default 10000, a safety valve), and a source that has seen no barrier for 5 ×
-- barrier_interval_ms pauses its data until the next one arrives: a pipeline whose
-- barriers are stuck stops pulling more data in. With a 100 ms interval and at most
-- one barrier in flight, barriers taking a second are enough to trigger both. (A
-- shorter barrier_interval_ms also reacts faster; a longer one costs less overhead
-- and makes coarser checkpoints.)
SET barrier_interval_ms = 100;
SET in_flight_barrier_nums = 1;
TRACE barriers;
RUN 1500ms;
TRACE OFF;

-- In the trace: ten periodic barriers skipped while barrier 5 was in flight, and at
-- 6.585s the source, 500 ms without a barrier, paused its data; it resumed when
-- barrier 6 reached it at 7.100s. Here the aggregation is the limit anyway, so the
-- lag grows as it would have; what the pause shows is the mechanism: with barriers
-- stuck, the source stops pulling — "a drop in source ingestion rate while upstream
-- systems (Kafka, etc.) have data available indicates backpressure throttling at the
-- source". SHOW BARRIERS counts the skipped barriers.
SHOW BARRIERS;
SHOW LAG;
