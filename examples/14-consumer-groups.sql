-- Lesson 14 · Kafka consumer groups: poll batches, max.poll.interval.ms, rebalances, fetch waits
--
-- The article's Kafka tuning list: "max.poll.records: Controls how many records a single
-- poll() call returns. Reducing this value gives the consumer smaller batches to process,
-- preventing timeouts", "max.poll.interval.ms: The maximum time between poll() calls
-- before the consumer is considered dead. If processing takes longer than this interval,
-- the consumer is removed from the group and partitions are rebalanced", and "fetch.min.bytes
-- and fetch.max.wait.ms: Control how much data the broker accumulates before responding to
-- a fetch request, allowing you to trade latency for throughput".
--
-- In Sluice a job's source actors are the members of one consumer group per source: member
-- i reads the partitions p with p mod parallelism = i. SHOW LAG names each partition's
-- member and counts the group's rebalances; TRACE kafka prints every departure, rejoin and
-- rebalance as it happens.
SET barrier_interval_ms = 0;
SET buffer_rows = 50;

-- Part 1: "Larger batches reduce per-record overhead." Every poll() that returns rows
-- costs 20 ms here (poll_cost: the consumer's per-poll overhead, such as a synchronous
-- offset commit), however many rows it brings. With
-- max_poll_records = 20, each of the 2 members manages 20 rows per 20 ms, 1000 rows/s:
-- the group consumes 2000 of the 4000 rows/s produced, and the lag grows 2000 a second.
SET max_poll_records = 20;
CREATE SOURCE orders (id INT, amount DOUBLE) WITH (rate = 4000, partitions = 4, poll_cost = '20ms');
CREATE SINK books FROM orders WITH (parallelism = 2);
RUN 2s;
RESET METRICS;
RUN 1s;
SHOW LAG;

-- Batches of up to 500: the same 20 ms per poll now carries the whole backlog, the group
-- catches up within two seconds and keeps pace, polling 50 times a second per member with
-- about 40 rows each (records-per-request-avg in SHOW METRICS).
SET max_poll_records = 500;
RUN 2s;
RESET METRICS;
RUN 1s;
SHOW LAG;
SHOW METRICS;
DROP SINK books;
DROP SOURCE orders;

-- Part 2: the other side of big batches, "increase per-poll processing time". A bank that
-- accepts 100 rows/s per sink actor, a backlog of 8000 payments, and a 3 s
-- max.poll.interval.ms (the default is 5 minutes). Each poll returns 500 rows; with the
-- sink's pace reaching back through full channels, pushing them out takes each member about
-- 5 s, and it calls poll() again only then. 3 s after its poll the first member is out of
-- the group, its partitions go to the other one, which is just as stuck and leaves too:
-- every partition is unassigned until the members poll again and rejoin, which rebalances
-- again. Every 5 s, four rebalances.
SET max_poll_interval_ms = 3000;
CREATE SOURCE payments (id INT, amount DOUBLE) WITH (rate = 150, partitions = 4);
CREATE SINK bank FROM payments WITH (parallelism = 2, throughput = 100, batch = 10);
INJECT 8000 INTO payments;
TRACE kafka;
RUN 6s;
TRACE OFF;
RUN 6s;
SHOW LAG;

-- "Reducing this value gives the consumer smaller batches to process, preventing
-- timeouts": 40 rows take 0.4 s to push out, far within the interval. After the 500-row
-- poll still in hand when we change it (one more round: 12 rebalances in all), they stop,
-- and the group consumes at the bank's pace, 200 rows/s, so the lag now shrinks.
SET max_poll_records = 40;
RUN 20s;
RESET METRICS;
RUN 10s;
SHOW LAG;
DROP SINK bank;
DROP SOURCE payments;

-- Part 3: fetch.min.bytes and fetch.max.wait.ms. A trickle of 100 rows/s (12 bytes each:
-- an INT and a DOUBLE).
-- By default (fetch.min.bytes = 1) the broker answers a fetch as soon as any row is there:
-- many small polls, no waiting.
RESET max_poll_records;
RESET max_poll_interval_ms;
CREATE SOURCE sensors (id INT, reading DOUBLE) WITH (rate = 100);
CREATE SINK archive FROM sensors;
RUN 1s;
RESET METRICS;
RUN 2s;
SHOW METRICS;

-- Ask for 4000 bytes (334 rows) per fetch: the broker holds each fetch, and answers when
-- fetch.max.wait.ms (500 ms) is over with the 50 rows there are. Two polls a second of 50
-- rows instead of a hundred polls of one: throughput per request for 500 ms of latency
-- (fetch-latency-avg), which the lag shows too (up to 50 rows wait in the log).
SET fetch_min_bytes = 4000;
RUN 2s;
RESET METRICS;
RUN 4s;
SHOW METRICS;
SHOW LAG;
