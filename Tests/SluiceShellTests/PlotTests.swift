import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceSQL

/// PLOT of a fragment or job draws at most `Engine.maxPlottedActors` actors, and says so.
@Suite struct PlotTests {
    static func view(parallelism: Int) -> Session {
        session("""
            CREATE SOURCE s (k INT) WITH (rate = 100);
            CREATE MATERIALIZED VIEW v AS SELECT k, count(*) AS n FROM s GROUP BY k WITH (parallelism = \(parallelism));
            RUN 1s;
            """)
    }

    @Test func aTruncatedSeriesSaysWhichActorsItLeftOut() throws {
        let blocks = try Self.view(parallelism: 12).plot([try #require(PlotTests.series("queue(v.agg)"))], last: nil)
        guard case .chart(let chart) = blocks.first else { Issue.record("no chart"); return }
        #expect(chart.series.map(\.name) == (0..<8).map { "queue(v.agg.\($0))" })
        #expect(blocks.dropFirst() == [.notice("queue(v.agg): showing 8 of 12 actors; name actors to choose, e.g. queue(v.agg.8)")])
    }

    @Test func aSeriesThatShowsEveryActorSaysNothingMore() throws {
        let blocks = try Self.view(parallelism: 8).plot([try #require(PlotTests.series("queue(v)"))], last: nil)
        #expect(blocks.count == 1)
    }

    @Test func theHelpSaysHowManyActorsASeriesDraws() throws {
        #expect(try #require(Help.text(topic: "plot")).contains("a series draws at most \(Engine.maxPlottedActors) actors"))
    }

    /// The one series of `PLOT text;`.
    static func series(_ text: String) -> PlotSeries? {
        guard case .complete(let parsed) = parse("PLOT \(text);"), case .plot(let series, _)? = parsed.first?.statement else { return nil }
        return series.first
    }

    /// LAST n draws those n seconds, however sparse the points: two expiries at 6.5 s and
    /// 8.5 s of `LAST 4s` at 10 s drew an axis from 6.5 s to 8.5 s.
    @Test func lastCoversTheWindowAskedFor() {
        let s = session("""
            SET checkpoint_timeout_ms = 1500;
            SET in_flight_barrier_nums = 1;
            CREATE SOURCE s (k INT, v INT) WITH (rate = 1000);
            CREATE MATERIALIZED VIEW m AS SELECT k, v FROM s;
            CREATE SINK o FROM m WITH (throughput = 200);
            RUN 10s;
            """)
        let chart = s.run("PLOT barrier_latency LAST 4s;")
        let labels = chart.split(separator: "\n").first { $0.contains("s ") && $0.trimmingCharacters(in: .whitespaces).first?.isNumber == true }
        #expect(labels?.trimmingCharacters(in: .whitespaces).hasPrefix("6s") == true, "\(chart)")
        #expect(labels?.hasSuffix("10s") == true, "\(chart)")
    }
}
