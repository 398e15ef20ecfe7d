-- Lesson 10 · Scale out the bottleneck
--
-- General tuning strategy 1 in the article: "Scale out the bottleneck operator: add
-- parallelism to the slow operator. In Flink, increase the operator's parallelism. In
-- RisingWave, the system can scale fragments across compute nodes." And when: "Scale
-- out when the bottleneck operator is CPU-bound and its logic is already efficient."
--
-- Rides arrive at 1000/s over 4 partitions. The aggregation costs 2 ms a row, so one
-- actor manages 500 rows/s.
SET buffer_rows = 100;
CREATE SOURCE rides (driver INT, fare DOUBLE) WITH (rate = 1000, keys = 500, partitions = 4);
CREATE MATERIALIZED VIEW driver_pay AS
  SELECT driver, sum(fare) AS pay, count(*) AS trips FROM rides GROUP BY driver WITH (cost = '2ms');
RUN 2s;
RESET METRICS;
RUN 2s;

-- Find the bottleneck first: the aggregation is busy 1000 ms/s and its source is
-- backpressured. EXPLAIN shows its fragment and how many actors run it.
DIAGNOSE;
EXPLAIN driver_pay;

-- Rescale: the view's fragments get 4 actors each, with the same state and offsets
-- (the hash exchange now spreads drivers over 4 aggregation actors, and the 4
-- partitions over 4 source actors). SET nodes = 2 moves no actor that exists; the
-- rescale makes new actors, and those are placed on two nodes (EXPLAIN's @node).
SET nodes = 2;
ALTER MATERIALIZED VIEW driver_pay SET PARALLELISM = 4;
EXPLAIN driver_pay;
RUN 3s;
RESET METRICS;
RUN 2s;

-- Four aggregation actors share the 1000 rows/s (unevenly: hashing 500 drivers over 4
-- actors is not exact), none of them busy all the time, no source backpressured: the
-- whole input gets through, and the lag built up before the rescale is gone.
SHOW ACTORS;
SHOW LAG;

-- Nothing was lost or counted twice on the way: every row is consumed, in a queue, or
-- folded into the aggregation's state.
SHOW LEDGER;

-- Scaling out is the second step, not the first: "start with optimization because it
-- is cheaper and often yields larger improvements". Here, a view that costs 0.5 ms a
-- row instead of 2 ms would keep up on one actor.
