// Files that are not a usable store: each gets a clear error naming the file, and
// the file is left byte for byte as it was (and nothing is created beside it).
import Foundation
import GRDB
import Testing
@testable import SluiceStore

@Suite struct BadFileTests {
    /// Opens `path`, expects an error, and checks that the file and its directory are unchanged.
    private func openFails(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) -> StoreError? {
        let directory = (path as NSString).deletingLastPathComponent
        let before = bytes(path), files = listing(directory)
        let error = storeError { _ = try SessionStore(path: path) }
        #expect(error != nil, "opening \(path) should fail", sourceLocation: sourceLocation)
        #expect(bytes(path) == before, "the file was modified", sourceLocation: sourceLocation)
        #expect(listing(directory) == files, "files were created beside it", sourceLocation: sourceLocation)
        return error
    }

    @Test func aTextFileIsNotSQLite() throws {
        let dir = ScratchDirectory()
        let path = dir.file("notes.txt")
        try "SELECT * FROM cell;\nthese are my notes\n".write(toFile: path, atomically: false, encoding: .utf8)
        let error = openFails(path)
        #expect(error == .notSQLite(path: path))
        #expect(error?.description == """
            \(path) is not a SQLite database: it does not start with the header "SQLite format 3". \
            the file was not modified; choose another file with --db PATH or SLUICE_DB
            """)
    }

    @Test func binaryJunkIsNotSQLite() throws {
        let dir = ScratchDirectory()
        let path = dir.file("junk.bin")
        var generator = SystemRandomNumberGenerator()
        let junk = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try junk.write(to: URL(fileURLWithPath: path))
        #expect(openFails(path) == .notSQLite(path: path))
    }

    @Test func aFileCutInsideTheHeaderIsTruncated() throws {
        let dir = ScratchDirectory()
        let path = dir.file("cut.sqlite")
        try Data("SQLite fo".utf8).write(to: URL(fileURLWithPath: path))
        #expect(openFails(path) == .corrupt(path: path, detail: "the file is only 9 bytes long"))
    }

    @Test func aStoreCutToHalfItsSizeIsCorrupt() throws {
        let dir = ScratchDirectory()
        let original = dir.file("real.sqlite")
        try makeStore(at: original, cellCount: 120)
        let whole = bytes(original)
        #expect(whole.count >= 8 * 4096)
        let path = dir.file("truncated.sqlite")
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        let error = openFails(path)
        guard case .corrupt(path, let detail)? = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(!detail.isEmpty)
        #expect(error?.message.hasPrefix("\(path) is truncated or damaged: ") == true)
        #expect(error?.hint.contains("sqlite3 \(path) .recover") == true)
    }

    @Test func aValidHeaderOverGarbageIsCorrupt() throws {
        let dir = ScratchDirectory()
        let path = dir.file("garbage.sqlite")
        var data = Data(SessionStore.sqliteHeader)
        data.append(Data(repeating: 0xA5, count: 4096 - 16))
        try data.write(to: URL(fileURLWithPath: path))
        guard case .corrupt(path, _)? = openFails(path) else {
            Issue.record("expected corrupt")
            return
        }
    }

    @Test func aForeignSQLiteDatabaseIsLeftAlone() throws {
        let dir = ScratchDirectory()
        let path = dir.file("shop.sqlite")
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
                INSERT INTO customers (name) VALUES ('Ada'), ('Grace');
                CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER);
                """)
        }
        let error = openFails(path)
        #expect(error == .notASluiceStore(path: path, tables: ["customers", "orders"]))
        #expect(error?.description == """
            \(path) is a SQLite database but not a Sluice session store (it holds the tables customers, \
            orders and no Sluice marker). the file was not modified; choose another file with --db PATH or SLUICE_DB
            """)
    }

    @Test func aForeignMetaTableIsNotAMarker() throws {
        let dir = ScratchDirectory()
        let path = dir.file("other.sqlite")
        try writeMetaOnly(at: path, format: "someone-else")
        #expect(openFails(path) == .notASluiceStore(path: path, tables: ["meta"]))
    }

    /// A database holding only a `meta` table with this `format` and schema version 1.
    private func writeMetaOnly(at path: String, format: String) throws {
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
                INSERT INTO meta VALUES ('format', ?), ('schema_version', '1');
                """, arguments: [format])
        }
    }

    @Test func aStoreFromANewerSchemaIsRefused() throws {
        let dir = ScratchDirectory()
        let path = dir.file("future.sqlite")
        try makeStore(at: path, cellCount: 3)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE meta SET value = '7' WHERE key = 'schema_version'")
        }
        let error = openFails(path)
        #expect(error == .newerSchema(path: path, found: 7, supported: 1))
        #expect(error?.description == """
            \(path) was written by a newer Sluice: schema version 7, this build knows up to 1. \
            the file was not modified; upgrade sluice to read it, or choose another file with --db PATH or SLUICE_DB
            """)
    }

    /// The marker without the tables its migration creates with it: damaged, and left as
    /// found (migrating it would have added GRDB's table and switched it to WAL).
    @Test func aMarkedStoreWithoutItsTablesIsCorruptAndUntouched() throws {
        let dir = ScratchDirectory()
        let path = dir.file("damaged.sqlite")
        try writeMetaOnly(at: path, format: SessionStore.formatMarker)
        let before = bytes(path)
        #expect(openFails(path) == .corrupt(path: path, detail: "it is marked as a session store but has no cell, chart, grdb_migrations, session tables"))
        #expect(bytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func anUnreadableSchemaVersionIsCorrupt() throws {
        let dir = ScratchDirectory()
        let path = dir.file("odd.sqlite")
        try makeStore(at: path, cellCount: 1)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
        }
        #expect(openFails(path) == .corrupt(path: path, detail: "meta.schema_version is 'two'"))
    }

    @Test func oddCharactersInThePathAreEncodedForSQLite() throws {
        let dir = ScratchDirectory()
        let path = dir.file("what?#%20 é.sqlite")
        try makeStore(at: path, cellCount: 1)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        }
        #expect(openFails(path) == .newerSchema(path: path, found: 2, supported: 1))
        #expect(SessionStore.immutableURI("/a b/c?d#e%f.sqlite") == "file:/a%20b/c%3Fd%23e%25f.sqlite?immutable=1")
    }

    // MARK: - Permissions and paths

    @Test func aReadOnlyFileIsRefusedUntouched() throws {
        let dir = ScratchDirectory()
        let path = dir.file("teacher.sqlite")
        try makeStore(at: path, cellCount: 2)
        #expect(chmod(path, 0o444) == 0)
        let error = openFails(path)
        #expect(error == .readOnly(path: path, reason: "the file is not writable"))
        #expect(error?.description == """
            cannot write the session store \(path): the file is not writable. make it writable (chmod u+w on \
            the file and its directory), or choose another file with --db PATH or SLUICE_DB; or run without saving
            """)
        // Read-only mode still reads it.
        var options = StoreOptions()
        options.readOnly = true
        let store = try SessionStore(path: path, options: options)
        #expect(try store.sessions().map(\.cellCount) == [2])
    }

    @Test func aReadOnlyDirectoryCannotHoldANewStore() throws {
        let dir = ScratchDirectory()
        let locked = dir.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        let existing = (locked as NSString).appendingPathComponent("old.sqlite")
        try makeStore(at: existing, cellCount: 1)
        #expect(chmod(locked, 0o555) == 0)
        defer { chmod(locked, 0o755) }
        let path = (locked as NSString).appendingPathComponent("sessions.sqlite")
        expectStoreError(.cannotCreate(path: path, reason: "the directory \(locked) is not writable")) {
            _ = try SessionStore(path: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        let error = openFails(existing)
        #expect(error == .readOnly(path: existing, reason: "its directory \(locked) is not writable (SQLite keeps its -wal and -shm files there)"))
    }

    @Test func aPathThroughARegularFileCannotBeCreated() throws {
        let dir = ScratchDirectory()
        let file = dir.file("file-not-dir")
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        let path = file + "/sessions.sqlite"
        expectStoreError(.cannotCreate(path: path, reason: "a component of the path is a file, not a directory")) {
            _ = try SessionStore(path: path)
        }
        #expect(bytes(file) == Data("x".utf8))
        var options = StoreOptions()
        options.createDirectory = true
        expectStoreError(.cannotCreate(path: path, reason: "cannot create the directory \(file)")) {
            _ = try SessionStore(path: path, options: options)
        }
    }

    @Test func aDirectoryIsNotAStore() throws {
        let dir = ScratchDirectory()
        expectStoreError(.cannotOpen(path: dir.path, reason: "it is a directory")) {
            _ = try SessionStore(path: dir.path)
        }
    }

    @Test func readOnlyModeDoesNotCreate() throws {
        let dir = ScratchDirectory()
        let path = dir.file("missing.sqlite")
        var options = StoreOptions()
        options.readOnly = true
        expectStoreError(.readOnly(path: path, reason: "it does not exist, and a store opened read-only cannot be created")) {
            _ = try SessionStore(path: path, options: options)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A value of the wrong type where the store reads an integer or text (a hand edit: an
    /// unsigned seed written as is becomes a REAL, text in a time column) is an error that
    /// names the session or cell and the column, never a trap; the file stays as it was.
    /// The store is refused at opening, for reading and writing alike: one damaged row and
    /// `.sessions`, `.save` and `.delete` all say so, as `sluice sessions` does.
    @Test(arguments: [
        ("UPDATE session SET seed = 18446744073709551615", "session demo has an unreadable seed"),
        ("UPDATE session SET seed = 'x'", "session demo has an unreadable seed"),
        ("UPDATE session SET created = x'00ff'", "session demo has an unreadable created"),
        ("UPDATE cell SET virtual_time_before_ns = 'abc' WHERE seq = 2", "session demo, cell 2 has an unreadable virtual_time_before_ns"),
        ("UPDATE cell SET virtual_time_after_ns = 1e30 WHERE seq = 3", "session demo, cell 3 has an unreadable virtual_time_after_ns"),
        ("UPDATE cell SET seq = 'two' WHERE seq = 2", "session demo, cell \"two\" has an unreadable seq"),
        // What a decoder would let pass: a real read as an integer, a blob read as text,
        // a timestamp or settings of another shape, a cell of no session.
        ("UPDATE cell SET virtual_time_after_ns = 1.5 WHERE seq = 2", "session demo, cell 2 has an unreadable virtual_time_after_ns"),
        ("UPDATE cell SET input = x'00ff' WHERE seq = 2", "session demo, cell 2 has an unreadable input"),
        ("UPDATE session SET created = 'yesterday'", "session demo has an unreadable created"),
        ("UPDATE session SET settings = '{bad'", "session demo has an unreadable settings"),
        ("UPDATE session SET settings = '[1]'", "session demo has an unreadable settings"),
        ("UPDATE session SET name = ''", "session '' has an unreadable name"),
    ])
    func aValueOfTheWrongTypeIsAnErrorNotATrap(_ tamper: String, _ detail: String) throws {
        let dir = ScratchDirectory()
        let path = dir.file("tampered.sqlite")
        let id = try makeStore(at: path, cellCount: 4)
        let editor = try DatabaseQueue(path: path)
        try editor.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: tamper)
        }
        _ = try editor.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try editor.close()
        let before = bytes(path)
        for readOnly in [true, false] {   // as `sluice sessions`, `replay` and `export` open it; as a shell does
            let error = storeError { _ = try SessionStore(path: path, options: StoreOptions(readOnly: readOnly)) }
            #expect(error == .corrupt(path: path, detail: detail))
        }
        #expect(bytes(path) == before)
        _ = id
    }

    /// A SQLite database with nothing in it is a store not created yet (the read-only
    /// commands report no sessions in it, as for an empty file); anything else is not.
    @Test func aBlankDatabaseIsTold() throws {
        let dir = ScratchDirectory()
        let blank = dir.file("blank.sqlite")
        let editor = try DatabaseQueue(path: blank)
        try editor.write { db in
            try db.execute(sql: "CREATE TABLE x (a)")
            try db.execute(sql: "DROP TABLE x")
        }
        try editor.close()
        let before = bytes(blank)
        #expect(SessionStore.isBlankDatabase(path: blank))
        #expect(bytes(blank) == before)
        let store = dir.file("store.sqlite")
        _ = try makeStore(at: store, cellCount: 1)
        #expect(!SessionStore.isBlankDatabase(path: store))
        let text = dir.file("notes.txt")
        try "hello".write(toFile: text, atomically: false, encoding: .utf8)
        #expect(!SessionStore.isBlankDatabase(path: text))
        #expect(!SessionStore.isBlankDatabase(path: dir.file("missing.sqlite")))
    }
}
