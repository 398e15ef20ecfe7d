// Cells: append and read back, charts, notebook edits, and what sqlite3 users see.
import Foundation
import GRDB
import Testing
@testable import SluiceStore

@Suite struct CellTests {
    @Test func appendedCellsReadBackExactly() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let session = try store.createSession(name: "demo", engineVersion: "1", seed: 7)
        var written: [CellRecord] = []
        for n in 1...6 {
            var cell = sampleCell(n, plot: n == 3, status: n == 5 ? .error : (n == 6 ? .cancelled : .ok))
            cell.seq = 1000  // ignored: the store numbers cells
            let stored = try store.appendCell(sessionID: session.id, cell: cell)
            #expect(stored.seq == n)
            cell.seq = n
            #expect(stored == cell)
            written.append(cell)
        }
        #expect(try store.cells(sessionID: session.id) == written)
        #expect(try store.session(id: session.id)?.cellCount == 6)
    }

    /// A cancelled cell keeps the event it stopped after, in `stop_events`, a column the first
    /// such cell adds: until then the store reads nil for every cell, read-only opens included,
    /// and other cells stay NULL after.
    @Test func aCancelledCellKeepsTheEventItStoppedAfter() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let store = try SessionStore(path: path)
        let session = try store.createSession(name: "demo", engineVersion: "1", seed: 7)
        func hasColumn() throws -> Bool { try store.dbQueue.read { db in try db.columns(in: "cell").contains { $0.name == "stop_events" } } }
        try store.appendCell(sessionID: session.id, cell: CellRecord(input: "RUN 1s;", output: "RUN 1s: now 1.000s\n"))
        #expect(try !hasColumn())
        #expect(try SessionStore(path: path, options: StoreOptions(readOnly: true)).cells(sessionID: session.id).map(\.stopEvents) == [nil])
        try store.appendCell(sessionID: session.id, cell: CellRecord(input: "RUN 1h;", output: "cancelled: …\n", status: .cancelled,
                                                                     virtualTimeBefore: 1, virtualTimeAfter: 2, stopEvents: 12_345))
        try store.appendCell(sessionID: session.id, cell: CellRecord(input: "SHOW LAG;", output: "…\n"))
        #expect(try hasColumn())
        #expect(try store.cells(sessionID: session.id).map(\.stopEvents) == [nil, 12_345, nil])
        #expect(try SessionStore(path: path, options: StoreOptions(readOnly: true)).cells(sessionID: session.id).map(\.stopEvents) == [nil, 12_345, nil])
    }

    @Test func outputIsStoredByteForByte() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let session = try store.createSession(name: "demo", engineVersion: "1", seed: 7)
        let output = "┌─────┬──────┐\n│ a   │ ✓ é  │\r\n\t trailing   \n\u{0}nul and \"quotes\" 'x' <b>&amp;\n\n"
        try store.appendCell(sessionID: session.id, cell: CellRecord(input: "SHOW QUEUES;\n  -- two lines", output: output))
        let back = try store.cells(sessionID: session.id)
        #expect(back.first?.output == output)
        #expect(back.first?.input == "SHOW QUEUES;\n  -- two lines")
    }

    @Test func chartsKeepEveryPointIncludingNonFiniteOnes() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let session = try store.createSession(name: "demo", engineVersion: "1", seed: 7)
        var odd = sampleChart(title: "barrier_latency")
        odd.yUnit = "ms"
        odd.series.append(ChartSeries(name: "gaps", points: [
            ChartPoint(x: 0, y: .nan), ChartPoint(x: 0.1, y: .infinity), ChartPoint(x: 0.2, y: -.infinity),
            ChartPoint(x: 1e-9, y: 123_456_789.125), ChartPoint(x: 0.30000000000000004, y: -0.0)]))
        let cell = CellRecord(input: "PLOT a, b;", output: "(2 charts)", charts: [sampleChart(), odd])
        try store.appendCell(sessionID: session.id, cell: cell)
        let back = try #require(try store.cells(sessionID: session.id).first)
        #expect(back.charts.count == 2)
        #expect(back.charts[0] == sampleChart())
        let gaps = back.charts[1].series[2].points
        #expect(gaps[0].y.isNaN)
        #expect(gaps[1].y == .infinity && gaps[2].y == -.infinity)
        #expect(gaps[3] == ChartPoint(x: 1e-9, y: 123_456_789.125))
        #expect(gaps[4].x == 0.30000000000000004)
    }

    @Test func sqlite3UsersCanReadCells() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let id = try makeStore(at: path, cellCount: 4)
        let store = try SessionStore(path: path)
        let rows = try store.dbQueue.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, input FROM cell WHERE session_id = ? ORDER BY seq", arguments: [id])
                .map { "\($0["seq"] as Int)|\($0["input"] as String)" }
        }
        #expect(rows == ["1|STEP 100ms;", "2|STEP 200ms;", "3|STEP 300ms;", "4|STEP 400ms;"])
        let series = try store.dbQueue.read { db in
            try String.fetchOne(db, sql: "SELECT json_extract(series, '$[0].name') FROM chart WHERE seq = 4")
        }
        #expect(series == "spend.agg.0")
    }

    @Test func replaceCellsRewritesTheTailInOneTransaction() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let session = try store.createSession(name: "demo", engineVersion: "1", seed: 7)
        for n in 1...5 { try store.appendCell(sessionID: session.id, cell: sampleCell(n, plot: n == 4)) }
        let edited = [CellRecord(input: "STEP 1s;", output: "edited\n"), CellRecord(input: "SHOW LAG;", output: "lag\n")]
        let stored = try store.replaceCells(sessionID: session.id, from: 3, with: edited)
        #expect(stored.map(\.seq) == [3, 4])
        let cells = try store.cells(sessionID: session.id)
        #expect(cells.map(\.seq) == [1, 2, 3, 4])
        #expect(cells.map(\.input) == ["STEP 100ms;", "STEP 200ms;", "STEP 1s;", "SHOW LAG;"])
        #expect(cells[3].charts.isEmpty)  // the old cell 4's chart went with it
        // Appending continues after the replaced tail.
        #expect(try store.appendCell(sessionID: session.id, cell: sampleCell(9)).seq == 5)
        // From count + 1 is an append; beyond is refused; so is 0.
        #expect(try store.replaceCells(sessionID: session.id, from: 6, with: [sampleCell(6)]).map(\.seq) == [6])
        expectStoreError(.invalidArgument("cannot replace cells from 8: the session has 6 cells")) {
            try store.replaceCells(sessionID: session.id, from: 8, with: [])
        }
        expectStoreError(.invalidArgument("cannot replace cells from 0: the session has 6 cells")) {
            try store.replaceCells(sessionID: session.id, from: 0, with: [])
        }
        // Truncating: replace from 2 with nothing.
        try store.replaceCells(sessionID: session.id, from: 2, with: [])
        #expect(try store.cells(sessionID: session.id).map(\.seq) == [1])
    }

    @Test func aFailedReplaceChangesNothing() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let session = try store.createSession(name: "demo", engineVersion: "1", seed: 7)
        for n in 1...3 { try store.appendCell(sessionID: session.id, cell: sampleCell(n)) }
        let before = try store.cells(sessionID: session.id)
        // A trigger makes the second inserted cell fail, after the delete and the
        // first insert have run inside the transaction.
        try store.dbQueue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER boom BEFORE INSERT ON cell WHEN NEW.input = 'boom'
                BEGIN SELECT RAISE(ABORT, 'boom'); END
                """)
        }
        let error = storeError {
            try store.replaceCells(sessionID: session.id, from: 2,
                                   with: [CellRecord(input: "fine", output: ""), CellRecord(input: "boom", output: "")])
        }
        #expect(error?.message.contains("boom") == true)
        #expect(try store.cells(sessionID: session.id) == before)
    }

    /// A session whose cell numbers have a hole (a cell deleted by hand) is damaged: reading
    /// its cells says which one is missing, rather than replaying the rest against the wrong
    /// state, and leaves the file as it was.
    @Test func aHoleInTheCellNumbersIsReportedAsDamage() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        let id = try makeStore(at: path, cellCount: 5, name: "my lesson")
        #expect(try sqlite3(path, "DELETE FROM cell WHERE seq = 3;").status == 0)
        let before = bytes(path)
        // Found at opening, read-only or not: nothing reads or writes a damaged store.
        for readOnly in [true, false] {
            #expect(throws: StoreError.missingCell(path: path, session: "my lesson", seq: 3)) {
                _ = try SessionStore(path: path, options: StoreOptions(readOnly: readOnly))
            }
        }
        let error = StoreError.missingCell(path: path, session: "my lesson", seq: 3)
        #expect(error.message == "cell 3 of my lesson is missing (the store is damaged)")
        #expect(error.hint == "the file \(path) was not modified; restore it from a backup, or move it aside and start a new store ('sqlite3 \(path) .recover' may salvage cells)")
        #expect(bytes(path) == before)
        // The first cell missing is a hole too.
        #expect(try sqlite3(path, "DELETE FROM cell WHERE seq = 1;").status == 0)
        #expect(throws: StoreError.missingCell(path: path, session: "my lesson", seq: 1)) {
            _ = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        }
        _ = id
    }

    /// A cell of no session (its session deleted by hand, foreign keys off) is damage too.
    @Test func aCellOfNoSessionIsDamage() throws {
        let dir = ScratchDirectory()
        let path = dir.file("s.sqlite")
        _ = try makeStore(at: path, cellCount: 2, name: "lesson")
        #expect(try sqlite3(path, "UPDATE cell SET session_id = 99 WHERE seq = 2;").status == 0)
        let before = bytes(path)
        #expect(throws: StoreError.corrupt(path: path, detail: "a cell belongs to no session")) {
            _ = try SessionStore(path: path, options: StoreOptions(readOnly: true))
        }
        #expect(bytes(path) == before)
    }

    @Test func cellsOfAnUnknownSessionAreEmpty() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        #expect(try store.cells(sessionID: 42).isEmpty)
    }
}
