-- Lesson 6 · Kafka: pull-based consumption, consumer lag, pause/resume, retention
--
-- "Kafka takes a fundamentally different approach ... There is no direct backpressure
-- signal from consumer to producer. Instead, backpressure manifests as consumer lag:
-- the growing offset difference between the latest produced message and the latest
-- consumed message." Every Sluice source is such a log: a generator appends to it at
-- its rate, whatever happens downstream, and each job reads it as its own consumer
-- group, pulling at the pace its flow control allows.
--
-- A topic with 2 partitions receives 1000 rows/s. Its only consumer, a sink, writes 500
-- rows/s. The topic keeps 4 s of data (retention.ms), deleted a whole 1 s segment
-- at a time, as Kafka deletes whole segments. Channels hold 500 rows (10 buffers of 50
-- rows), so the sink's pace reaches the log within a second.
SET buffer_rows = 50;
CREATE SOURCE events (id INT, payload VARCHAR) WITH (rate = 1000, partitions = 2, retention = '4s', segment = '1s');
CREATE SINK archive FROM events WITH (throughput = 500);
RUN 2s;
RESET METRICS;
RUN 1s;

-- Pull, not push: the log end grows at the producer's 1000 rows/s, the consumer's
-- position at 500 rows/s. The difference is the lag, per partition. The consumer
-- metrics, with Kafka's names:
--   records-lag-max        the largest partition lag seen at a poll in the window,
--   records-consumed-rate  rows per second the consumer took (500: the sink's pace),
--   poll-rate              poll() calls per second.
SHOW LAG;

-- max.poll.records bounds what one poll() returns (default 500). Smaller polls mean
-- more of them for the same rows: the poll-rate rises tenfold, while the consumed rate
-- stays at the sink's pace, about 500 rows/s.
-- (This source charges nothing per poll, so here it changes only how often the consumer
-- polls; with a per-poll cost, larger batches are cheaper: lesson 14.)
SET max_poll_records = 50;
RUN 1s;
RESET METRICS;
RUN 1s;
SHOW LAG;

-- Partition-level flow control: consumer.pause() on partition 0. For one second its
-- lag grows by the 500 rows that partition receives, while partition 1's lag holds
-- still: the consumer spends its whole 500 rows/s there. As in Kafka, a paused
-- partition stays assigned (state "paused"): pausing is not leaving the group, and
-- nothing is rebalanced.
ALTER SOURCE events PAUSE PARTITION 0;
RUN 1s;
SHOW LAG;
ALTER SOURCE events RESUME PARTITION 0;

-- The limitation: "if a consumer is permanently slower than the producer, lag grows
-- indefinitely. Kafka does not slow down producers, and once data exceeds the
-- retention period, it is deleted regardless of whether the consumer has processed
-- it." Once the consumer is more than 4 s behind, whole segments it never read are
-- deleted: log_start passes its position, and the rows in between are expired.
RUN 4s;
SHOW LAG;

-- The ledger accounts for every generated row: consumed, still in the log (lag), or
-- expired by retention. Backpressure itself lost nothing; retention did.
SHOW LEDGER;
PLOT lag(events) LAST 10s;

-- DIAGNOSE names the sink, counts what retention deleted among its evidence, and says
-- that a longer retention only buys time: the consumer must become faster.
DIAGNOSE;
