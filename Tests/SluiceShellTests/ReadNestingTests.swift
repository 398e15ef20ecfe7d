import Foundation
import Testing
@testable import SluiceShell

/// `.read` of a file that reads itself, directly or through others, used to recurse until the
/// stack overflowed (a segfault). It is refused with one error line, naming the file and line
/// of the `.read` refused, and the session goes on.
@Suite("`.read` nesting")
struct ReadNestingTests {
    @Test func aFileThatReadsItselfIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("self.sql")
        try ".read \(path)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let s = session()
        let result = s.execute(".read \(path)")
        #expect(!result.ok)
        #expect(result.output == """
            \(path):1: ERROR: .read of a file that is already being read: \(path) → \(path)
            HINT: a file cannot .read itself, directly or through another file

            """)
        #expect(s.reading.isEmpty)
        #expect(s.execute("CREATE SOURCE s (a INT);").ok, "the session goes on")
    }

    @Test func aCycleThroughAnotherFileNamesEveryFile() throws {
        let dir = try TemporaryDirectory()
        let a = dir.path("a.sql"), b = dir.path("b.sql")
        try ".read \(b)\n".write(toFile: a, atomically: true, encoding: .utf8)
        // b names a through a symbolic link: still the same file.
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.sql"), withDestinationPath: a)
        try ".read \(dir.path("link.sql"))\n".write(toFile: b, atomically: true, encoding: .utf8)
        let s = session()
        #expect(s.run(".read \(a)") == """
            \(b):1: ERROR: .read of a file that is already being read: \(a) → \(b) → \(dir.path("link.sql"))
            HINT: a file cannot .read itself, directly or through another file

            """)
    }

    @Test func nestingWithoutACycleIsLimited() throws {
        let dir = try TemporaryDirectory()
        let depth = Session.maxReadDepth + 2
        for i in 0..<depth {
            try ".read \(dir.path("f\(i + 1).sql"))\n".write(toFile: dir.path("f\(i).sql"), atomically: true, encoding: .utf8)
        }
        try "CREATE SOURCE s (a INT);\n".write(toFile: dir.path("f\(depth).sql"), atomically: true, encoding: .utf8)
        let s = session()
        #expect(s.run(".read \(dir.path("f0.sql"))") == "\(dir.path("f\(Session.maxReadDepth - 1).sql")):1: ERROR: .read nested too deeply (\(Session.maxReadDepth) files inside one another): \(dir.path("f\(Session.maxReadDepth).sql"))\n")
        // A file read twice in a row (not inside itself) is fine.
        let ok = try dir.write("ok.sql", "CREATE SOURCE t (a INT);\n")
        let twice = try dir.write("twice.sql", ".read \(ok)\n")
        #expect(s.execute(".read \(twice)").ok)
        #expect(s.engine.sourceNames.contains("t"))
    }
}

/// Through the executable, in batch: one error line, exit 1, no crash.
@Suite("`.read` nesting through the executable", .enabled(if: SluiceBinary.isBuilt, "build the sluice executable first"))
struct ReadNestingProcessTests {
    @Test func aSelfReadingScriptExitsOneWithAnError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("self.sql")
        try ".read \(path)\n".write(toFile: path, atomically: true, encoding: .utf8)
        for args in [[path], ["-c", ".read \(path)"]] {
            let run = try sluice(args)
            #expect(run.status == 1)
            #expect(run.stdout == "")
            #expect(run.stderr == "\(path):1: ERROR: .read of a file that is already being read: \(path) → \(path)\nHINT: a file cannot .read itself, directly or through another file\n")
        }
    }
}
