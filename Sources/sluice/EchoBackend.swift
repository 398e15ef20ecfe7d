import Foundation
import SluiceShell
import Synchronization

/// A stand-in backend used until the real session exists: `;` ends a statement, `.quit`
/// quits, `RUN <n>s;` pretends to run (0.1 s of wall time per virtual second, so that
/// Ctrl-C can stop it), `FAIL;` fails, `SELECT …;` shows a small table, anything else is
/// echoed back. It exists to exercise the line editor, batch mode and signals.
final class EchoBackend: ShellBackend {
    private let settings: ShellSettings
    private var cell = 1
    private var virtualTime: Int64 = 0   // nanoseconds
    private let interrupted = Atomic<Bool>(false)

    init(settings: ShellSettings) {
        self.settings = settings
    }

    var prompt: String { "sluice [\(cell)] \(formatSeconds(virtualTime))> " }

    var continuationPrompt: String {
        String(repeating: " ", count: max(0, prompt.count - 5)) + "...> "
    }

    func completeness(of buffer: String) -> BufferCompleteness {
        let text = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix(".") { return .complete }
        return text.hasSuffix(";") ? .complete : .incomplete
    }

    func execute(_ buffer: String, interactive: Bool) -> (output: String, ok: Bool, quit: Bool) {
        interrupted.store(false, ordering: .relaxed)
        let text = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { cell += 1 }
        if text.hasPrefix(".") {
            switch text.split(separator: " ").first ?? "" {
            case ".quit": return ("", true, true)
            case ".help": return (render(.text("EchoBackend: statements end with ';'; .quit quits.")), true, false)
            default: return (render(.error(ErrorReport(message: "unknown command \(text)", hint: "try .help"))), false, false)
            }
        }
        let upper = text.uppercased()
        if upper.hasPrefix("FAIL") {
            return (render(.error(ErrorReport(message: "failed on purpose", context: "LINE 1: \(text)\n        ^"))), false, false)
        }
        if upper.hasPrefix("RUN "), let seconds = Int(upper.dropFirst(4).prefix { $0.isNumber }) {
            return run(seconds: seconds)
        }
        if upper.hasPrefix("SELECT") {
            let table = ResultTable(columns: [ResultColumn("user_id"), ResultColumn("total")],
                                    rows: [[.int(1), .double(12.5, decimals: 2)], [.int(2), .double(3, decimals: 2)]])
            return (render(.table(table)), true, false)
        }
        return (render(.notice("ECHO " + text.replacingOccurrences(of: "\n", with: " "))), true, false)
    }

    /// Advances "virtual time" one second per 100 ms of wall time, stopping on interrupt.
    private func run(seconds: Int) -> (output: String, ok: Bool, quit: Bool) {
        for _ in 0..<(seconds * 10) {
            if interrupted.load(ordering: .relaxed) {
                return (render(.notice("RUN interrupted at \(formatSeconds(virtualTime))")), true, false)
            }
            usleep(10_000)
            virtualTime += 100_000_000
        }
        return (render(.notice("RUN \(seconds)s done at \(formatSeconds(virtualTime))")), true, false)
    }

    func interrupt() {
        interrupted.store(true, ordering: .relaxed)
    }

    var completionContext: CompletionContext {
        StaticCompletionContext(
            sources: ["clicks"], tables: ["users"], views: ["spend", "enriched"], sinks: ["warehouse"],
            actors: ["clicks.src.0", "spend.agg.0", "spend.agg.1"],
            columns: [("clicks", ["user_id", "url", "amount"]), ("spend", ["user_id", "n", "total"])],
            variables: ["flow_control", "chunk_rows"],
            values: [("flow_control", ["credit", "permits", "tcp", "unbounded", "drop_tail", "drop_head"])])
    }

    private func formatSeconds(_ ns: Int64) -> String {
        String(format: "%.3fs", Double(ns) / 1e9)
    }

    private func render(_ block: OutputBlock) -> String {
        Renderer.render([block], options: settings.renderOptions)
    }
}
