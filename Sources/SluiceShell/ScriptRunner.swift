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
        var buffer: [String] = []
        var cellStart = 1
        func flush(endsInput: Bool = false) {
            let cell = buffer.joined(separator: "\n")
            buffer = []
            if echo { transcript += cell + "\n" }
            let source = file != nil || endsInput ? CellSource(file: file, line: cellStart, endsInput: endsInput) : nil
            let result = session.execute(cell, source: source)
            transcript += result.output
            ok = ok && result.ok
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            if buffer.isEmpty { cellStart = index + 1 }
            buffer.append(line)
            let cell = buffer.joined(separator: "\n")
            if cell.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = []; continue }
            if case .incomplete = session.completeness(of: cell) { continue }
            flush()
        }
        // A last statement without its ';' runs, as in batch mode.
        if !buffer.joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { flush(endsInput: true) }
        return (transcript, ok)
    }
}
