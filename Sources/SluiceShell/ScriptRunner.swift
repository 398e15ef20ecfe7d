/// Runs a script the way `sluice --echo FILE.sql` does: lines gather into a cell until the
/// parser says the statement is complete; each cell is echoed, then its output. The golden
/// transcripts of `examples/` are exactly this text.
public struct ScriptRunner {
    public let session: Session
    public var echo: Bool

    public init(session: Session, echo: Bool = true) {
        self.session = session
        self.echo = echo
    }

    /// The transcript of `text`, and whether every cell succeeded. With `file`, errors name
    /// it and count its lines (`file.sql:8: ERROR: ...`), as `sluice FILE.sql` prints them.
    public func run(_ text: String, file: String? = nil) -> (transcript: String, ok: Bool) {
        var transcript = ""
        var ok = true
        for cell in ScriptRunner.cells(of: text, session: session) {
            if echo { transcript += cell.text + "\n" }
            let source = file != nil || cell.endsInput ? CellSource(file: file, line: cell.line, endsInput: cell.endsInput) : nil
            let result = session.execute(cell.text, source: source)
            transcript += result.output
            ok = ok && result.ok
        }
        return (transcript, ok)
    }

    /// A script's cells, as the shell would take them line by line: lines gather until the
    /// parser says the statement is complete (a dot-command is one line). A last statement
    /// without its `;` is a cell of its own, marked as ending the input.
    static func cells(of text: String, session: Session) -> [(text: String, line: Int, endsInput: Bool)] {
        var cells: [(text: String, line: Int, endsInput: Bool)] = []
        var buffer: [String] = []
        var cellStart = 1
        for (index, line) in ScriptFile.lines(of: text).enumerated() {
            if buffer.isEmpty { cellStart = index + 1 }
            buffer.append(line)
            let cell = buffer.joined(separator: "\n")
            if cell.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = []; continue }
            if case .incomplete = session.completeness(of: cell) { continue }
            cells.append((cell, cellStart, false))
            buffer = []
        }
        if !buffer.joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            cells.append((buffer.joined(separator: "\n"), cellStart, true))
        }
        return cells
    }
}
