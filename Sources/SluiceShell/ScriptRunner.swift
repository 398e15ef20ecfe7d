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

    /// The transcript of `text`, and whether every cell succeeded.
    public func run(_ text: String) -> (transcript: String, ok: Bool) {
        var transcript = ""
        var ok = true
        var buffer: [String] = []
        func flush() {
            let cell = buffer.joined(separator: "\n")
            buffer = []
            if echo { transcript += cell + "\n" }
            let result = session.execute(cell)
            transcript += result.output
            ok = ok && result.ok
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        for line in lines {
            buffer.append(line)
            let cell = buffer.joined(separator: "\n")
            if cell.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = []; continue }
            if case .incomplete = session.completeness(of: cell) { continue }
            flush()
        }
        if !buffer.joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { flush() }
        return (transcript, ok)
    }
}
