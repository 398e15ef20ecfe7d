// `make bench`: simulated rows per wall second for the engine's two reference pipelines,
// against baselines run in this same invocation, plus resident memory under overload.
// A benchmark, not a test: it prints figures and ratios; nothing here asserts a timing.
import Foundation
import SluiceEngine

func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

func format(_ x: Double) -> String { String(format: "%.2f", x) }

let clicks = Schema([Column("user_id", .int), Column("url", .varchar), Column("amount", .double)])

func sourceSpec(rate: Double = 0, cost: CostSpec = .free) -> SourceSpec {
    var s = SourceSpec(name: "clicks", schema: clicks)
    s.rate = rate
    s.cost = cost
    return s
}

func sinkSpec(throughput: Double?) -> SinkSpec {
    var s = SinkSpec()
    s.throughput = throughput
    s.batch = 256
    return s
}

// MARK: (a) three stations in series, record-at-a-time

func tandem(virtualSeconds: Int64) throws -> (rows: Int64, wall: Double) {
    var settings = EngineSettings()
    settings.chunkRows = 1
    settings.bufferRows = 1
    settings.barrierIntervalMs = 0
    let engine = try Engine(settings: settings)
    try engine.createSource(sourceSpec(cost: .exponential(mean: 1_000_000)))
    try engine.inject(100_000_000, into: "clicks")
    var fragments = [FragmentSpec(role: "source", operators: [.source("clicks")], parallelism: 1, inputs: [], outputSchema: clicks)]
    for rate in [1500.0, 1200.0] {
        fragments.append(FragmentSpec(role: "s\(fragments.count)", operators: [], parallelism: 1,
                                      inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .simple)],
                                      cost: .exponential(mean: Int64(1e9 / rate)), outputSchema: clicks))
    }
    var sink = SinkSpec()
    sink.batch = 1
    fragments.append(FragmentSpec(role: "sink", operators: [.sink(sink)], parallelism: 1,
                                  inputs: [FragmentInput(from: .fragment(fragments.count - 1), distribution: .simple)],
                                  cost: .exponential(mean: Int64(1e9 / 800)), outputSchema: clicks))
    try engine.createJob(JobSpec(name: "tandem", kind: .sink, fragments: fragments, outputSchema: clicks, dependsOn: ["clicks"], definition: ""))
    let wall = wallSeconds { engine.advance(by: virtualSeconds * VirtualTime.second) }
    let rows = engine.actorSnapshots().last!.delivered
    return (rows, wall)
}

// MARK: (b) source → filter → hash aggregate (1000 keys) → sink, chunked

func aggregatePipeline(flow: FlowControlKind, virtualSeconds: Int64, sourceRate: Double, sinkThroughput: Double,
                       memoryAt: [Int64] = []) throws -> (rows: Int64, wall: Double, rss: [Int]) {
    var settings = EngineSettings()
    settings.flowControl = flow
    let engine = try Engine(settings: settings)
    try engine.createSource(sourceSpec(rate: sourceRate, cost: .exponential(mean: 20)))
    let amount = ScalarExpr.column(2, .double, name: "amount")
    let filter = ScalarExpr.comparison(.gt, amount, .constant(ScalarExpr.bits(10), .double, text: "10"))
    let out = Schema([Column("user_id", .int), Column("n", .bigint), Column("total", .double)])
    // CREATE SINK warehouse AS SELECT user_id, count(*), sum(amount) FROM clicks WHERE amount > 10
    // GROUP BY user_id: the source (with the filter) → hash exchange → aggregate → sink.
    try engine.createJob(JobSpec(name: "warehouse", kind: .sink, fragments: [
        FragmentSpec(role: "source", operators: [.source("clicks"), .filter(filter)], parallelism: 1, inputs: [], outputSchema: clicks),
        FragmentSpec(role: "agg", operators: [.hashAgg(groupKeys: [0], calls: [AggregateCall(.count, nil), AggregateCall(.sum, amount)])],
                     parallelism: 1, inputs: [FragmentInput(from: .fragment(0), distribution: .hash([0]))],
                     cost: .exponential(mean: 50), outputSchema: out),
        FragmentSpec(role: "sink", operators: [.sink(sinkSpec(throughput: sinkThroughput))], parallelism: 1,
                     inputs: [FragmentInput(from: .fragment(1), distribution: .simple)], cost: .exponential(mean: 10), outputSchema: out),
    ], outputSchema: out, dependsOn: ["clicks"], definition: ""))
    var rss: [Int] = []
    var wall = 0.0
    var reached: Int64 = 0
    for checkpoint in (memoryAt.isEmpty ? [virtualSeconds] : memoryAt) {
        wall += wallSeconds { engine.advance(by: (checkpoint - reached) * VirtualTime.second) }
        reached = checkpoint
        rss.append(residentBytes())
    }
    let consumed = engine.actorSnapshots().first!.rowsIn
    return (consumed, wall, rss)
}

// MARK: (a) baselines: the same model in SimPy and in C, run in this invocation

/// The package's root, where `bench/` and `.build/` are.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

/// Rows per second a baseline prints (`… rows_per_second=<rate>`), or nil with the reason printed.
func baselineRate(_ name: String, _ executable: String, _ arguments: [String]) -> Double? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    do {
        try process.run()
        process.waitUntilExit()
    } catch {
        print("    \(name):  could not run \(([executable] + arguments).joined(separator: " ")): \(error)")
        return nil
    }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard let field = text.split(separator: " ").first(where: { $0.hasPrefix("rows_per_second=") }),
          let rate = Double(field.dropFirst("rows_per_second=".count).trimmingCharacters(in: .whitespacesAndNewlines)) else {
        print("    \(name):  no result (\(text.trimmingCharacters(in: .whitespacesAndNewlines)))")
        return nil
    }
    return rate
}

/// `bench/tandem_simpy.py` over 100 virtual seconds.
func simpyRate() -> Double? {
    baselineRate("simpy", "/usr/bin/env", ["python3", packageRoot.appendingPathComponent("bench/tandem_simpy.py").path, "100"])
}

/// `bench/tandem.c` (built by `make bench` as `.build/tandem-c`), best of three runs of 2000
/// virtual seconds, as the engine's figure is.
func cRate() -> Double? {
    let binary = packageRoot.appendingPathComponent(".build/tandem-c").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        print("    c:      \(binary) is missing (`make bench` builds it from bench/tandem.c)")
        return nil
    }
    var best: Double?
    for _ in 0..<3 {
        guard let rate = baselineRate("c", binary, ["2000"]) else { return nil }
        best = max(best ?? 0, rate)
    }
    return best
}

// MARK: Run

/// `SluiceBench [a] [b] [c]` runs the named sections only (all by default);
/// `SLUICE_BENCH_SCALE=0.1` shortens every run (for profiling), never the figures' meaning.
let sections = Set(CommandLine.arguments.dropFirst().map { $0.lowercased() })
func wanted(_ section: String) -> Bool { sections.isEmpty || sections.contains(section) }
let scale = ProcessInfo.processInfo.environment["SLUICE_BENCH_SCALE"].flatMap(Double.init) ?? 1
func scaled(_ seconds: Int64) -> Int64 { max(1, Int64((Double(seconds) * scale).rounded())) }

/// Runs a measurement three times (each on a fresh engine): a shared machine's noise only
/// ever slows a run down, so the best rate is the figure, the median its check.
func rates(_ run: () throws -> (rows: Int64, wall: Double)) rethrows -> (rows: Int64, best: Double, median: Double) {
    var rows: Int64 = 0
    var rates: [Double] = []
    for _ in 0..<3 {
        let r = try run()
        rows = r.rows
        rates.append(Double(r.rows) / r.wall)
    }
    rates.sort()
    return (rows, rates[2], rates[1])
}

func millions(_ rate: Double) -> String { String(format: "%.2fM", rate / 1e6) }

print("Sluice benchmark (release build). Simulated rows per wall second, best of 3 runs (median in")
print("parentheses); baselines run in this invocation.\n")

if wanted("a") {
    let a = try rates { try tandem(virtualSeconds: scaled(2000)) }
    print("(a) three stations in series, record-at-a-time, exp costs (\(a.rows) rows per run)")
    print("    sluice: \(millions(a.best)) rows/s (\(millions(a.median)))   target ≥ 4.00M")
    if let simpy = simpyRate() {
        print("    simpy:  \(Int(simpy)) rows/s   ratio sluice/simpy = \(format(a.best / simpy))x")
    }
    if let c = cRate() {
        print("    c:      \(millions(c)) rows/s   ratio sluice/c = \(format(a.best / c))  (bench/tandem.c: the model alone, no flow control or metrics)")
    }
}

if wanted("b") {
    let b = try rates {
        let run = try aggregatePipeline(flow: .credit, virtualSeconds: scaled(60), sourceRate: 20_000_000, sinkThroughput: 4_000_000)
        return (run.rows, run.wall)
    }
    print("\n(b) source → filter → hash aggregate (1000 keys) → slow sink, chunk_rows 256, credit, exp costs")
    print("    sluice: \(millions(b.best)) source rows/s (\(millions(b.median))), \(b.rows) rows per run   target ≥ 40.00M")
}

if wanted("c") {
    print("\n(c) resident memory at 10× overload between 10 and 60 minutes of virtual time")
    for flow in [FlowControlKind.credit, .permits, .tcp, .dropTail, .dropHead] {
        let run = try aggregatePipeline(flow: flow, virtualSeconds: 3600, sourceRate: 100_000, sinkThroughput: 10_000,
                                        memoryAt: [600, 3600])
        let growth = Double(run.rss[1]) / Double(max(1, run.rss[0])) - 1
        print("    \(flow.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) rss at 10 min \(run.rss[0] / 1_048_576) MiB, at 60 min \(run.rss[1] / 1_048_576) MiB, growth \(format(growth * 100))%   (target ≤ 10%)")
    }
}
