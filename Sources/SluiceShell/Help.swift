import SluiceSQL

/// `.help` and `.help TOPIC`: short, with an example each.
enum Help {
    /// The help on `topic`, or the overview without one; nil when there is no help on it.
    static func text(topic: String?) -> String? {
        guard let topic = topic?.lowercased() else { return overview }
        return topics.first { $0.names.contains(topic) }?.text
    }

    /// The error for a topic there is no help on, with the nearest topic and the list.
    static func unknown(_ topic: String) -> (message: String, hint: String) {
        let list = "topics: " + topics.map { $0.names[0] }.joined(separator: ", ")
        let near = Suggest.nearest(topic.lowercased(), among: topics.flatMap(\.names))
        return ("no help on \(topic)", near.map { "did you mean \($0)? " + list } ?? list)
    }

    static let overview = """
    Statements end with ';' and may span lines. Dot-commands are one line.

    Define   CREATE SOURCE | TABLE | MATERIALIZED VIEW | SINK, DROP, ALTER ... SET (...),
             CREATE SINK s FROM view WITH (...) or CREATE SINK s AS SELECT ... WITH (...),
             ALTER MATERIALIZED VIEW v SET PARALLELISM = n, ALTER SOURCE s PAUSE|RESUME PARTITION p
    Drive    INJECT n INTO s; STEP [n | 250ms | BARRIER]; RUN 30s; BARRIER; TRACE ON|OFF;
             WATCH SHOW QUEUES EVERY 200ms FOR 10s [SPEED 1x]
    Choose   SET flow_control = credit|permits|tcp|unbounded|drop_tail|drop_head; SHOW ALL; RESET x
    Look     SHOW SOURCES|VIEWS|SINKS|ACTORS|QUEUES|BARRIERS|CHECKPOINTS|LAG|LEDGER|GRAPH|METRICS [actor];
             SELECT ... FROM view; DESCRIBE name; EXPLAIN view; DIAGNOSE; PLOT queue(actor), barrier_latency LAST 30s;
             RESET METRICS

    .help TOPIC    flow_control, credit, permits, tcp, kafka, barriers, metrics, notebook
    .mode table|markdown|csv|json    .timer on|off    .read FILE.sql    .quit
    .save [NAME]  .open NAME  .sessions  .delete NAME  .replay NAME [--step] [--verify]
    .cells  .rerun N  .rewind N  .edit N  .export FILE.md|FILE.html
    """

    static let topics: [(names: [String], text: String)] = [
        (["flow_control", "schemes"], """
        flow_control chooses what happens when a receiver is slower than its sender:
          credit     Flink >= 1.5: the receiver grants one credit per free buffer; the sender blocks at 0 credit
          permits    RisingWave: row permits per channel (2048), returned in batches of 256 on remote channels
          tcp        Flink < 1.5: channels between two nodes share one connection; one full receiver stalls all
          unbounded  never blocks: the queue and memory grow
          drop_tail  a full channel drops arriving rows (counted in SHOW LEDGER); drop_head drops the oldest
        Example: SET flow_control = permits; RUN 10s; SHOW QUEUES;
        """),
        (["credit", "flink"], """
        Credit-based flow control (FLINK-7282). Each channel has buffers_per_channel exclusive buffers (2);
        each input gate shares floating_buffers_per_gate (8). The sender announces its backlog; the receiver
        asks for backlog + 2 buffers and grants a credit per buffer. Zero credit blocks that channel only.
        Example: SET buffers_per_channel = 0; SET floating_buffers_per_gate = 3; SET buffer_rows = 1;
                 TRACE credit; INJECT 5 INTO s; STEP 20;
        """),
        (["permits", "risingwave"], """
        RisingWave's exchange: a chunk takes min(rows, 2048 - 256) row permits; a barrier takes one barrier
        permit. Local receivers return permits as they dequeue; remote ones return them 256 at a time.
        Example: SET flow_control = permits; SET nodes = 2; TRACE permits; RUN 100ms;
        """),
        (["tcp"], """
        Flink before 1.5 multiplexed every channel between two TaskManagers over one TCP connection. When one
        receiver had no buffer, Flink stopped reading the connection: unrelated channels stalled too.
        Example: SET nodes = 2; SET flow_control = tcp; (two pipelines, one slow sink) RUN 30s; SHOW SINKS;
        """),
        (["kafka", "lag"], """
        A source is a partitioned log plus a generator. Consumers pull (max_poll_records per poll); when the
        pipeline is backpressured the lag grows, and past retention whole segments expire (counted).
        A job's source actors form one consumer group: one that goes max_poll_interval_ms without poll()
        (busy, or blocked by backpressure) leaves it and its partitions are rebalanced; a pause does not survive
        a rebalance. fetch_min_bytes / fetch_max_wait_ms make the broker hold a fetch until enough bytes are ready.
        Example: ALTER SOURCE clicks PAUSE PARTITION 0; RUN 10s; SHOW LAG; ALTER SOURCE clicks RESUME PARTITION 0;
        """),
        (["barriers", "checkpoints"], """
        Barriers are injected every barrier_interval_ms (1000) or by BARRIER, travel with the data, align at
        multi-input actors, and complete when every actor has passed them (a source as it emits one). Latency =
        completion - injection (meta_barrier_duration_seconds); on an idle pipeline a barrier completes at once. checkpoint_mode = unaligned lets barriers overtake data;
        streaming_enable_unaligned_join puts a log store after joins; sink_decouple gives sinks their own log.
        Example: BARRIER; SHOW BARRIERS; STEP BARRIER;
        """),
        (["metrics", "diagnose"], """
        Per actor, over the window since RESET METRICS: busyTimeMsPerSecond, idleTimeMsPerSecond,
        backPressuredTimeMsPerSecond (Flink; they add up to 1000), the output blocking time ratio (RisingWave).
        Backpressure level: OK <= 10%, LOW <= 50%, HIGH > 50%. DIAGNOSE finds the frontmost actor that is busy,
        not backpressured, with a backpressured upstream; or a decoupled sink (sink_decouple) whose own log grows.
        Example: RUN 10s; SHOW ACTORS; DIAGNOSE; PLOT backpressure(spend) LAST 10s;
        """),
        (["notebook", "sessions", "replay"], """
        Every cell is recorded. .save NAME names the session; .open NAME rebuilds it; .replay NAME --step plays it
        one cell at a time; .rewind N goes back; .edit N changes a cell and re-runs the rest; .export FILE.html.
        .delete NAME deletes a saved session with its cells (not the one this shell is recording).
        Ctrl-C during .rewind, .edit or .open cancels the whole command: nothing changes. One shell records into
        a session: .open of one another sluice is recording into continues in a copy (NAME-2). A cell that cannot
        be saved is reported at once and recording stops; .save NAME saves the whole notebook again.
        From the command line: sluice replay NAME --verify; sluice export NAME --to notebook.html;
        sluice sessions; sluice delete NAME (each takes --db PATH, before or after its name)
        """),
    ]
}
