import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceSQL

/// SET, SHOW, RESET and SHOW ALL through the session.
@Suite("session variables through the shell")
struct SessionVariablesTests {
    /// DESIGN.md's table with the real systems' defaults (../shared/reference/real-systems.md),
    /// in SHOW ALL's order.
    static let defaults: [(name: String, value: String)] = [
        ("flow_control", "credit"), ("buffers_per_channel", "2"), ("floating_buffers_per_gate", "8"), ("max_buffers_per_channel", "10"),
        ("buffer_bytes", "32768"), ("buffer_rows", "0"), ("exchange_initial_permits", "2048"),
        ("exchange_batched_permits", "256"), ("exchange_concurrent_barriers", "1"), ("barrier_interval_ms", "1000"),
        ("in_flight_barrier_nums", "10000"), ("barrier_cost", "0s"), ("checkpoint_mode", "aligned"), ("checkpoint_timeout_ms", "600000"), ("aligned_checkpoint_timeout_ms", "0"),
        ("streaming_enable_unaligned_join", "false"),
        ("sink_decouple", "false"), ("max_poll_records", "500"), ("max_poll_interval_ms", "300000"), ("fetch_min_bytes", "1"),
        ("fetch_max_wait_ms", "500"), ("auto_offset_reset", "earliest"), ("nodes", "1"), ("chunk_rows", "256"), ("seed", "42"),
    ]

    /// SHOW ALL's rows as (name, setting, default, description).
    func showAll(_ s: Session) -> [[String]] {
        let lines = s.run("SHOW ALL;").split(separator: "\n")
        #expect(lines.first?.hasPrefix("┌") == true)
        #expect(lines.last == "(\(Self.defaults.count) rows)")
        return lines.filter { $0.hasPrefix("│") }.dropFirst().map { line in
            line.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test func showAllListsEveryVariableWithItsDefaultAndADescription() {
        let s = session()
        let header = s.run("SHOW ALL;").split(separator: "\n")[1]
        #expect(header.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) } == ["name", "setting", "default", "description"])
        let rows = showAll(s)
        #expect(rows.map { $0[0] } == Self.defaults.map(\.name))
        for (row, expected) in zip(rows, Self.defaults) {
            #expect(row[1] == expected.value, "setting of \(expected.name)")
            #expect(row[2] == expected.value, "default of \(expected.name)")
            #expect(row[3].count > 10, "description of \(expected.name)")
        }
    }

    @Test func showAllShowsASettingBesideItsDefault() {
        let s = session()
        #expect(s.run("SET buffer_bytes = 1024; SET flow_control = permits;") == "SET\nSET\n")
        let rows = showAll(s)
        #expect(rows[0][0...2] == ["flow_control", "permits", "credit"])
        #expect(rows[4][0...2] == ["buffer_bytes", "1024", "32768"])
    }

    /// A value to set for each variable (not its default), and how SHOW prints it.
    static let changes: [(name: String, sql: String, shown: String)] = [
        ("flow_control", "tcp", "tcp"), ("buffers_per_channel", "4", "4"), ("floating_buffers_per_gate", "0", "0"),
        ("max_buffers_per_channel", "3", "3"),
        ("buffer_bytes", "4096", "4096"), ("buffer_rows", "1", "1"), ("exchange_initial_permits", "512", "512"),
        ("exchange_batched_permits", "64", "64"), ("exchange_concurrent_barriers", "2", "2"),
        ("barrier_interval_ms", "250", "250"), ("in_flight_barrier_nums", "5", "5"), ("barrier_cost", "'exp(2ms)'", "exp(2ms)"),
        ("checkpoint_mode", "'unaligned'", "unaligned"),
        ("streaming_enable_unaligned_join", "true", "true"), ("sink_decouple", "TRUE", "true"), ("max_poll_records", "100", "100"),
        ("nodes", "3", "3"), ("chunk_rows", "1", "1"), ("seed", "7", "7"),
    ]

    func show(_ s: Session, _ name: String) -> String {
        let lines = s.run("SHOW \(name);").split(separator: "\n")
        guard lines.count == 6, lines[1] == "│ \(name) │" || lines[1].hasPrefix("│ \(name) ") else { return "<\(lines)>" }
        return lines[3].split(separator: "│").first?.trimmingCharacters(in: .whitespaces) ?? ""
    }

    @Test func setShowResetRoundTripsForEveryVariable() {
        let s = session(standardCatalog)
        for change in Self.changes {
            let original = Self.defaults.first { $0.name == change.name }!.value
            // The catalog's view exists: a variable read only when views are made says so.
            // (It names the value the view keeps: what the variable was before.)
            func later(_ kept: String) -> String {
                guard Session.appliesToNewObjectsOnly.contains(change.name) else { return "\n" }
                let rescale = "(by CREATE, or by a rescale with ALTER … SET PARALLELISM)"
                switch change.name {
                case "nodes":
                    return ": nodes places actors created from now on \(rescale); spend's actors stay where they are, on \(kept) node\(kept == "1" ? "" : "s")\n"
                case "buffer_bytes", "buffer_rows":
                    return ": \(change.name) applies to channels made from now on \(rescale); spend's channels keep \(change.name) = \(kept)\n"
                default:
                    return ": \(change.name) applies to views and sinks created from now on; spend keeps \(change.name) = \(kept)\n"
                }
            }
            #expect(show(s, change.name) == original)
            #expect(s.run("SET \(change.name) = \(change.sql);") == "SET" + later(original), "\(change.name)")
            #expect(show(s, change.name) == change.shown)
            #expect(s.run("RESET \(change.name);") == "RESET" + later(change.shown))
            #expect(show(s, change.name) == original)
            #expect(s.run("SET \(change.name) TO \(change.sql);") == "SET" + later(original))
            #expect(show(s, change.name) == change.shown)
            #expect(s.run("SET \(change.name) TO DEFAULT;") == "RESET" + later(change.shown))
            #expect(show(s, change.name) == original)
            #expect(s.run("SET \(change.name) TO DEFAULT;") == "RESET\n", "no change, nothing to say")
        }
        #expect(s.engine.settings == EngineSettings())
    }

    /// SET nodes leaves the actors that exist where they are, and a rescale places the
    /// view's new actors on the new number of nodes, as the notice says.
    @Test func setNodesMovesNothingButARescalePlacesTheNewActorsOnTheNewNodes() {
        let s = session(standardCatalog)
        #expect(s.run("SET nodes = 2;") == """
            SET: nodes places actors created from now on (by CREATE, or by a rescale with ALTER … SET PARALLELISM); \
            spend's actors stay where they are, on 1 node

            """)
        #expect(s.run("EXPLAIN spend;").contains("    actors: spend.agg.0@node0\n"))
        #expect(s.run("ALTER MATERIALIZED VIEW spend SET PARALLELISM = 2;") == "ALTER MATERIALIZED VIEW: parallelism 1 → 2\n")
        #expect(s.run("EXPLAIN spend;").contains("    actors: spend.agg.0@node1, spend.agg.1@node0\n"))
        // Two views: the notice counts them.
        #expect(s.run("CREATE MATERIALIZED VIEW big AS SELECT * FROM clicks WHERE amount > 100;") .hasPrefix("CREATE MATERIALIZED VIEW"))
        #expect(s.run("SET nodes = 3;").hasSuffix("the actors of the 2 that exist stay where they are, on 2 nodes\n"))
    }

    /// Flink SQL client habits: `SET;` lists every variable, a key may be quoted, and a real
    /// system's key is answered with the name Sluice gives it.
    @Test func flinkClientHabits() {
        let s = session()
        #expect(s.run("SET;") == s.run("SHOW ALL;"))
        #expect(s.run("SET 'flow_control' = 'permits';") == "SET\n")
        #expect(s.engine.settings.flowControl == .permits)
        #expect(s.run("SET 'taskmanager.network.memory.buffers-per-channel' = '4';").hasSuffix(
            "HINT: Sluice calls it buffers_per_channel: SET buffers_per_channel = ...\n"))
        #expect(s.run("SHOW max.poll.records;").hasSuffix("HINT: Sluice calls it max_poll_records: SHOW max_poll_records\n"))
        for (key, variable) in SessionVariables.realNames { #expect(SessionVariables.named(variable) != nil, "\(key) → \(variable)") }
    }

    /// RisingWave spells sink_decouple's values enable, disable and default.
    @Test func sinkDecoupleTakesRisingWavesWords() {
        let s = session()
        #expect(s.run("SET sink_decouple = enable;") == "SET\n")
        #expect(s.engine.settings.sinkDecouple)
        #expect(s.run("SET sink_decouple = 'default';") == "SET\n")
        #expect(!s.engine.settings.sinkDecouple)
        #expect(s.run("SET sink_decouple = enable;") == "SET\n" && s.run("SET sink_decouple = disable;") == "SET\n")
        #expect(!s.engine.settings.sinkDecouple)
        #expect(s.run("SET sink_decouple = maybe;").hasPrefix("ERROR: invalid value for parameter \"sink_decouple\""))
    }

    @Test func showPrintsOneColumnNamedAfterTheVariable() {
        let s = session()
        #expect(s.run("SHOW chunk_rows;") == """
            ┌────────────┐
            │ chunk_rows │
            ├────────────┤
            │ 256        │
            └────────────┘
            (1 row)

            """)
    }

    @Test func resetAllRestoresEveryDefault() {
        let s = session()
        let set = Self.changes.map { "SET \($0.name) = \($0.sql);" }.joined(separator: "\n")
        #expect(s.execute(set).ok)
        #expect(s.engine.settings != EngineSettings())
        #expect(s.run("RESET ALL;") == "RESET ALL\n")
        #expect(s.engine.settings == EngineSettings())
        for (row, expected) in zip(showAll(s), Self.defaults) { #expect(row[1] == expected.value, "\(expected.name)") }
    }

    @Test func keywordsAndNamesAreCaseInsensitive() {
        let s = session()
        #expect(s.run("set CHUNK_ROWS = 8; Show Chunk_Rows;").contains("│ 8 "))
    }

    @Test(arguments: [
        ("SET nodes = 0;", """
            ERROR: invalid value for parameter "nodes": value 0 is out of range: expected 1 to 64
            LINE 1: SET nodes = 0;
                                ^
            """),
        ("SET checkpoint_mode = sometimes;", """
            ERROR: invalid value for parameter "checkpoint_mode": "sometimes"
            LINE 1: SET checkpoint_mode = sometimes;
                                          ^^^^^^^^^
            HINT: accepted: aligned, unaligned
            """),
        ("SET sink_decouple = maybe;", """
            ERROR: invalid value for parameter "sink_decouple": expected TRUE or FALSE, found maybe
            LINE 1: SET sink_decouple = maybe;
                                        ^^^^^
            """),
        ("SET barrier_interval_ms = '1s';", """
            ERROR: invalid value for parameter "barrier_interval_ms": expected a whole number, found '1s'
            LINE 1: SET barrier_interval_ms = '1s';
                                              ^^^^
            HINT: expected 0 to 3600000
            """),
        ("SET seed = -1;", """
            ERROR: invalid value for parameter "seed": value -1 is out of range: expected 0 to 18446744073709551615
            LINE 1: SET seed = -1;
                               ^^
            """),
    ])
    func invalidValues(_ cell: String, _ expected: String) {
        let s = session()
        let result = s.execute(cell)
        #expect(!result.ok)
        #expect(result.output == expected + "\n")
        #expect(s.engine.settings == EngineSettings())
    }
}
