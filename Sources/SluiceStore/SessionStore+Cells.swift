// Cells: appended one transaction each, numbered inside that transaction so that
// concurrent writers (threads or processes) never collide; replaced from a position
// on when a notebook cell is edited.
import Foundation
import GRDB

extension SessionStore {
    /// Appends a cell to a session in its own transaction and returns it as stored,
    /// with `seq` set to the session's next number. The session's `updated` becomes now,
    /// and its seed and settings become `state` (the engine's after this cell) when given.
    ///
    /// The cell is durable when this returns: a crash afterwards does not lose it.
    /// - Throws: ``StoreError/sessionIDNotFound(_:)``, ``StoreError/locked(path:seconds:)``,
    ///   ``StoreError/invalidArgument(_:)`` when the state's settings are not a JSON object.
    @discardableResult
    public func appendCell(sessionID: Int64, cell: CellRecord, state: SessionState? = nil) throws(StoreError) -> CellRecord {
        if let state { try Self.validate(settings: state.settings) }
        let now = timestamp()
        return try write { db in
            try Self.ensureSession(db, id: sessionID)
            let next = try Self.nextSeq(db, sessionID: sessionID)
            var stored = cell
            stored.seq = next
            try Self.insert(db, sessionID: sessionID, cell: stored)
            try Self.touch(db, sessionID: sessionID, now: now, state: state)
            return stored
        }
    }

    /// Appends `cells` to a session that holds exactly `count` cells, as `writer`, in one
    /// transaction, and returns them as stored (numbered `count + 1`, …). This is how a shell
    /// records: it knows how many cells it saved, and a session that another process changed
    /// since, or that another live shell has claimed, is left as it is. Renews `writer`'s
    /// claim (SessionStore+Writers.swift).
    /// - Throws: ``StoreError/sessionChanged(name:expected:found:)``,
    ///   ``StoreError/sessionInUse(name:writer:since:)``, ``StoreError/sessionIDNotFound(_:)``,
    ///   ``StoreError/locked(path:seconds:)``.
    @discardableResult
    public func appendCells(sessionID: Int64, after count: Int, cells: [CellRecord],
                            writer: SessionWriter, state: SessionState? = nil) throws(StoreError) -> [CellRecord] {
        if let state { try Self.validate(settings: state.settings) }
        let now = options.clock()
        return try write { db in
            try self.takeClaim(db, sessionID: sessionID, for: writer, now: now)
            let next = try Self.nextSeq(db, sessionID: sessionID)
            guard next - 1 == count else {
                let name = try Self.fetchSession(db, id: sessionID)?.name ?? "\(sessionID)"
                throw StoreError.sessionChanged(name: name, expected: count, found: next - 1)
            }
            var stored: [CellRecord] = []
            for (offset, cell) in cells.enumerated() {
                var record = cell
                record.seq = count + 1 + offset
                try Self.insert(db, sessionID: sessionID, cell: record)
                stored.append(record)
            }
            try Self.touch(db, sessionID: sessionID, now: Self.timestamp(now), state: state)
            return stored
        }
    }

    /// The cells of a session, ordered by `seq`, with their charts.
    /// - Throws: ``StoreError/missingCell(path:session:seq:)`` when the numbers have a hole: a
    ///   saved session never has one, so the rest would replay against the wrong state.
    public func cells(sessionID: Int64) throws(StoreError) -> [CellRecord] {
        try read { db in try Self.cells(db, sessionID: sessionID, path: path) }
    }

    /// A session's cells, with their charts, read and decoded; a cell row that does not
    /// decode, or a hole in the numbering, is damage.
    static func cells(_ db: Database, sessionID: Int64, path: String) throws -> [CellRecord] {
        do {
            return try decodedCells(db, sessionID: sessionID, path: path)
        } catch let error as StoredDataError {
            // Which session the damaged cell is in.
            let name = try String.fetchOne(db, sql: "SELECT name FROM session WHERE id = ?", arguments: [sessionID])
            throw StoredDataError(detail: "session \(name ?? String(sessionID)), " + error.detail)
        }
    }

    private static func decodedCells(_ db: Database, sessionID: Int64, path: String) throws -> [CellRecord] {
        let chartRows = try Row.fetchAll(db, sql: """
            SELECT seq, title, x_label, x_unit, y_unit, series FROM chart
            WHERE session_id = ? ORDER BY seq, position
            """, arguments: [sessionID])
        var charts: [Int: [ChartData]] = [:]   // looked up by seq, never iterated
        for row in chartRows {
            let seq: Int = try row.stored("seq", of: "a chart")
            charts[seq, default: []].append(try Self.chart(row, seq: seq))
        }
        let stopEvents = try Self.hasStopEventsColumn(db) ? "stop_events" : "NULL AS stop_events"
        let cells = try Row.fetchAll(db, sql: """
            SELECT seq, CAST(input AS BLOB) AS input, CAST(output AS BLOB) AS output, status,
                   CAST(error AS BLOB) AS error,
                   virtual_time_before_ns, virtual_time_after_ns, wall_time_ns, \(stopEvents)
            FROM cell WHERE session_id = ? ORDER BY seq
            """, arguments: [sessionID])
            .map { row in try Self.cell(row, charts: charts[try row.stored("seq", of: "a cell")] ?? []) }
        if let hole = zip(1..., cells).first(where: { $0.0 != $0.1.seq })?.0 {
            let name = try String.fetchOne(db, sql: "SELECT name FROM session WHERE id = ?", arguments: [sessionID])
            throw StoreError.missingCell(path: path, session: name ?? "session \(sessionID)", seq: hole)
        }
        return cells
    }

    /// Replaces the cells numbered `seq` and after with `cells`, numbered `seq`,
    /// `seq + 1`, ..., in one transaction: what `.edit N` does after re-running from N.
    /// The session's seed and settings become `state` when given. Returns the new cells as
    /// stored. With a `writer`, its claim is checked and renewed first, as
    /// ``appendCells(sessionID:after:cells:writer:state:)`` does.
    /// - Throws: ``StoreError/invalidArgument(_:)`` unless 1 ≤ `seq` ≤ cell count + 1, or
    ///   when the state's settings are not a JSON object; ``StoreError/sessionInUse(name:writer:since:)``.
    @discardableResult
    public func replaceCells(sessionID: Int64, from seq: Int, with cells: [CellRecord],
                             writer: SessionWriter? = nil, state: SessionState? = nil) throws(StoreError) -> [CellRecord] {
        if let state { try Self.validate(settings: state.settings) }
        let clock = options.clock()
        let now = Self.timestamp(clock)
        return try write { db in
            try Self.ensureSession(db, id: sessionID)
            if let writer { try self.takeClaim(db, sessionID: sessionID, for: writer, now: clock) }
            let next = try Self.nextSeq(db, sessionID: sessionID)
            guard seq >= 1 && seq <= next else {
                throw StoreError.invalidArgument("cannot replace cells from \(seq): the session has \(next - 1) cells")
            }
            try db.execute(sql: "DELETE FROM cell WHERE session_id = ? AND seq >= ?", arguments: [sessionID, seq])
            var stored: [CellRecord] = []
            for (offset, cell) in cells.enumerated() {
                var record = cell
                record.seq = seq + offset
                try Self.insert(db, sessionID: sessionID, cell: record)
                stored.append(record)
            }
            try Self.touch(db, sessionID: sessionID, now: now, state: state)
            return stored
        }
    }

    // MARK: - Writing

    private static func ensureSession(_ db: Database, id: Int64) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM session WHERE id = ?", arguments: [id]) == true else {
            throw StoreError.sessionIDNotFound(id)
        }
    }

    /// `max(seq) + 1`, read inside the write transaction that will use it.
    private static func nextSeq(_ db: Database, sessionID: Int64) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) + 1 FROM cell WHERE session_id = ?",
                         arguments: [sessionID]) ?? 1
    }

    /// `updated` becomes now, and the seed and settings `state` when given.
    private static func touch(_ db: Database, sessionID: Int64, now: String, state: SessionState?) throws {
        if let state {
            try db.execute(sql: "UPDATE session SET updated = ?, seed = ?, settings = ? WHERE id = ?",
                           arguments: [now, Int64(bitPattern: state.seed), state.settings, sessionID])
        } else {
            try db.execute(sql: "UPDATE session SET updated = ? WHERE id = ?", arguments: [now, sessionID])
        }
    }

    static func insert(_ db: Database, sessionID: Int64, cell: CellRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO cell (session_id, seq, input, output, status, error,
                                  virtual_time_before_ns, virtual_time_after_ns, wall_time_ns)
                VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?, CAST(? AS TEXT), ?, ?, ?)
                """,
            arguments: [sessionID, cell.seq, text(cell.input), text(cell.output), cell.status.rawValue,
                        cell.error.map(text),
                        cell.virtualTimeBefore, cell.virtualTimeAfter, cell.wallTimeNanos])
        if let events = cell.stopEvents {
            try addStopEventsColumn(db)
            try db.execute(sql: "UPDATE cell SET stop_events = ? WHERE session_id = ? AND seq = ?",
                           arguments: [events, sessionID, cell.seq])
        }
        for (position, chart) in cell.charts.enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO chart (session_id, seq, position, title, x_label, x_unit, y_unit, series)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [sessionID, cell.seq, position, chart.title, chart.xLabel, chart.xUnit,
                            chart.yUnit, try encodeSeries(chart.series)])
        }
    }

    /// Text is bound as UTF-8 bytes and cast to TEXT in SQL, and read back cast to a
    /// BLOB: binding or reading a Swift `String` directly would cut it at a NUL character,
    /// and a cell's text must come back byte for byte.
    private static func text(_ string: String) -> Data { Data(string.utf8) }

    private static func string(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    // MARK: - Reading

    private static func cell(_ row: Row, charts: [ChartData]) throws -> CellRecord {
        let seq: Int = try row.stored("seq", of: "a cell")
        let owner = "cell \(seq)"
        let statusText: String = try row.stored("status", of: owner)
        guard let status = CellStatus(rawValue: statusText) else {
            throw StoredDataError(detail: "cell \(seq) has the unknown status '\(statusText)'")
        }
        return CellRecord(
            seq: seq, input: string(try row.stored("input", of: owner)), output: string(try row.stored("output", of: owner)),
            status: status, error: (try row.stored("error", of: owner) as Data?).map(string),
            virtualTimeBefore: try row.stored("virtual_time_before_ns", of: owner),
            virtualTimeAfter: try row.stored("virtual_time_after_ns", of: owner),
            wallTimeNanos: try row.stored("wall_time_ns", of: owner), stopEvents: try row.stored("stop_events", of: owner),
            charts: charts)
    }

    /// `cell.stop_events` arrived after schema version 1: it is added the first time a
    /// cancelled cell is written, as the `writer` table is, so that a store without it still
    /// opens read-only, and older sluices (which name their columns) go on writing cells.
    static func addStopEventsColumn(_ db: Database) throws {
        guard try !hasStopEventsColumn(db) else { return }
        try db.execute(sql: "ALTER TABLE cell ADD COLUMN stop_events INTEGER")
    }

    static func hasStopEventsColumn(_ db: Database) throws -> Bool {
        try db.columns(in: "cell").contains { $0.name == "stop_events" }
    }

    private static func chart(_ row: Row, seq: Int) throws -> ChartData {
        let owner = "a chart of cell \(seq)"
        let json: String = try row.stored("series", of: owner)
        return ChartData(
            title: try row.stored("title", of: owner), xLabel: try row.stored("x_label", of: owner),
            xUnit: try row.stored("x_unit", of: owner), yUnit: try row.stored("y_unit", of: owner),
            series: try decodeSeries(json, seq: seq))
    }

    // MARK: - Series JSON

    /// A series as stored in `chart.series`: `{"name": ..., "points": [[x, y], ...]}`, with
    /// `"marks": true` for a series of separate events (absent otherwise, so that the JSON of
    /// every other series is as it always was, and older readers skip the key).
    private struct StoredSeries: Codable {
        var name: String
        var points: [[Double]]
        var marks: Bool?
    }

    /// JSON of the series: compact, keys sorted, points as `[x, y]` pairs, and the
    /// non-finite numbers JSON lacks written as the strings "inf", "-inf" and "nan".
    static func encodeSeries(_ series: [ChartSeries]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let stored = series.map { StoredSeries(name: $0.name, points: $0.points.map { [$0.x, $0.y] }, marks: $0.marksOnly ? true : nil) }
        return String(decoding: try encoder.encode(stored), as: UTF8.self)
    }

    static func decodeSeries(_ json: String, seq: Int) throws -> [ChartSeries] {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let stored = try? decoder.decode([StoredSeries].self, from: Data(json.utf8)),
              stored.allSatisfy({ $0.points.allSatisfy { $0.count == 2 } })
        else {
            throw StoredDataError(detail: "a chart of cell \(seq) has unreadable series JSON")
        }
        return stored.map { ChartSeries(name: $0.name, points: $0.points.map { ChartPoint(x: $0[0], y: $0[1]) }, marksOnly: $0.marks == true) }
    }
}
