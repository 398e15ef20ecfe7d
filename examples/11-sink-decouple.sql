-- Lesson 11 · Separate the fast path from the slow path: sink_decouple
--
-- General tuning strategy 4 in the article: "If some data paths are inherently slower
-- (e.g., writing to a database vs. writing to a log), consider splitting the pipeline
-- so the slow path does not backpressure the fast path." RisingWave's sink_decouple
-- does it for sinks: a decoupled sink reads from its own log instead of a bounded
-- channel, so a slow sink falls behind on its own log without holding back the view
-- it reads, or the other sinks of that view.
--
-- One view of sensor readings (400 rows/s) and two sinks: to_kafka can write 5000
-- rows/s, to_postgres 100 rows/s.
SET buffer_rows = 50;
CREATE SOURCE sensor (device INT, temp DOUBLE) WITH (rate = 400, keys = 50);
CREATE MATERIALIZED VIEW readings AS SELECT device, temp FROM sensor WHERE temp > 0;

-- 1. Coupled sinks (sink_decouple = false, the default). The view's actor sends every
-- row to both sinks and must wait for the slower one.
CREATE SINK to_kafka FROM readings WITH (throughput = 5000);
CREATE SINK to_postgres FROM readings WITH (throughput = 100);
RUN 2s;
RESET METRICS;
RUN 2s;
-- to_kafka writes barely more than Postgres' 100 rows/s (the rest of what it gets is
-- to_postgres's channel filling up). The view's actor is backpressured all the time,
-- to_kafka's sink is idle most of the time, and the sensor log lags.
SHOW SINKS;
SHOW ACTORS;

-- 2. The same sinks, decoupled. The SET applies to sinks created after it.
DROP SINK to_kafka;
DROP SINK to_postgres;
SET sink_decouple = true;
CREATE SINK to_kafka_decoupled FROM readings WITH (throughput = 5000);
CREATE SINK to_postgres_decoupled FROM readings WITH (throughput = 100);
RUN 2s;
RESET METRICS;
RUN 2s;
-- to_kafka_decoupled keeps up with the whole 400 rows/s (a new sink first copies what
-- the view already holds, then follows it), and the view is no longer backpressured.
-- to_postgres_decoupled still writes 100 rows/s: its log_lag grows by 300 rows every
-- second.
SHOW SINKS;
SHOW ACTORS;

-- Each decoupled sink's input is a "sink log": unbounded, like a Kafka topic. Nothing
-- is lost, and nothing is bounded either: a sink that is permanently slower than its
-- input needs the other tools (lesson 12: batch its writes; more parallelism).
SHOW QUEUES;

-- So no actor upstream waits on to_postgres_decoupled, and the article's rule (busy,
-- while its upstream is backpressured) has nothing to follow. DIAGNOSE names it by its
-- log instead: busy all the time, and a log that grows by the rows it cannot write.
DIAGNOSE;
