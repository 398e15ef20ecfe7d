import Testing
@testable import SluiceShell
import SluiceEngine
import SluiceSQL

/// `.help CREATE SOURCE` and the other statements' help, psql's `\h`: every option the planner
/// takes is documented with the defaults it really has, every example runs, and a topic is
/// found however it is typed.
@Suite("the help on each statement")
struct HelpStatementTests {
    /// Each CREATE statement's topic, the options the planner takes, their help, and those ALTER changes.
    static let optionLists: [(topic: String, options: [String], help: [OptionHelp], alterable: [String])] = [
        ("create source", Planner.sourceOptions, Help.sourceOptionHelp, Planner.alterableSourceOptions),
        ("create table", Planner.tableOptions, Help.tableOptionHelp, Planner.alterableTableOptions),
        ("create materialized view", Planner.viewOptions, Help.viewOptionHelp, Planner.alterableViewOptions + ["parallelism"]),
        ("create sink", Planner.sinkOptions, Help.sinkOptionHelp, Planner.alterableSinkOptions + ["parallelism"]),
    ]

    // MARK: Options

    /// Adding an option to a planner list without documenting it fails here; so does help
    /// left behind for an option the planner no longer takes.
    @Test(arguments: optionLists.map(\.topic))
    func everyOptionThePlannerTakesIsInItsStatementsHelp(_ topic: String) throws {
        let list = try #require(Self.optionLists.first { $0.topic == topic })
        let lines = try #require(Help.text(topic: topic)).split(separator: "\n")
        for option in list.options {
            let line = try #require(lines.first { $0.hasPrefix("  \(option) ") }, "\(topic): \(option) is not listed")
            #expect(!line.contains("(not documented)"), "\(topic): \(option) has no help")
            #expect(line.contains("(default "), "\(topic): \(option) shows no default")
            #expect(line.hasPrefix("  \(option) *") == list.alterable.contains(option), "\(topic): is \(option) marked as ALTER changes it?")
        }
        #expect(list.help.map(\.name).sorted() == list.options.sorted(), "\(topic): help for options the planner does not take")
        #expect(list.alterable.allSatisfy(list.options.contains))
    }

    @Test func theAcceptedFormsAreTheLiteralParsers() throws {
        let source = try #require(Help.text(topic: "create source"))
        for forms in [Literals.rateForms, Literals.patternForms, Literals.keyDistributionForms, Literals.costForms] {
            #expect(source.contains(forms), "\(forms)")
        }
        // 'zipf(1.2)' belongs to key_skew, not to keys.
        let keySkew = try #require(source.split(separator: "\n").drop { !$0.hasPrefix("  key_skew") }.dropFirst().first)
        #expect(keySkew.contains(Literals.keyDistributionForms))
        #expect(try #require(Help.text(topic: "create sink")).contains(Literals.rateForms))
    }

    /// The help takes its defaults from `SourceSpec` and `SinkSpec`: what the planner makes of a
    /// CREATE without options must be just those, or the help would be wrong.
    @Test func theDefaultsShownAreThePlannersDefaults() throws {
        let s = session("""
            CREATE SOURCE s (k INT);
            CREATE TABLE t (k INT);
            CREATE MATERIALIZED VIEW v AS SELECT k FROM t;
            CREATE SINK k FROM v;
            """)
        let source = try #require(s.engine.sourceSpec("s"))
        var expected = SourceSpec(name: "s", schema: source.schema)
        #expect(source == expected)
        let table = try #require(s.engine.sourceSpec("t"))
        expected = SourceSpec(name: "t", schema: table.schema)
        expected.isTable = true
        expected.tableRows = Planner.defaultTableRows
        expected.keys = Planner.defaultTableRows
        #expect(table == expected)
        let view = try #require(s.engine.jobSpec("v"))
        #expect(view.fragments.allSatisfy { $0.parallelism == Planner.defaultParallelism && $0.cost == .free })
        let sink = try #require(s.engine.jobSpec("k")?.fragments.last)
        #expect(sink.operators == [.sink(SinkSpec())])
        #expect(sink.parallelism == Planner.defaultParallelism && sink.cost == .free)
        #expect(try #require(Help.text(topic: "create table")).contains("(default \(Planner.defaultTableRows))"))
        #expect(try #require(Help.text(topic: "create source")).contains("(default \(SourceSpec(name: "", schema: Schema([])).keys); BOOLEAN: 2)"))
    }

    // MARK: Examples

    /// Each example runs in a fresh session, after the CREATE examples that make what it uses
    /// (for a CREATE example itself, those before it).
    @Test(arguments: Help.statements.map { $0.names[0] })
    func theExampleRuns(_ topic: String) throws {
        let help = try #require(Help.statements.first { $0.names[0] == topic })
        let s = session()
        let setup = Help.exampleCatalog.prefix { $0 != help.example }.joined(separator: "\n")
        if !setup.isEmpty {
            let result = s.execute(setup)
            #expect(result.ok, "setup:\n\(result.output)")
        }
        let result = s.execute(help.example)
        #expect(result.ok, "\(topic): \(help.example)\n\(result.output)")
        #expect(help.rendered.contains("Example: " + (help.example.split(separator: "\n").first ?? "")))
    }

    // MARK: Topics

    @Test func topicsAreFoundInAnyCaseAndSpacing() throws {
        let source = try #require(Help.text(topic: "create source"))
        #expect(source.hasPrefix("CREATE SOURCE name ("))
        #expect(Help.text(topic: "CREATE SOURCE") == source)
        #expect(Help.text(topic: "  Create \t Source; ") == source)
        #expect(Help.text(topic: "create view") == Help.text(topic: "create materialized view"))
        #expect(Help.text(topic: "reset") == Help.text(topic: "set"))
        #expect(Help.text(topic: "describe") == Help.text(topic: "show"))
        // A statement's words with more after them, as psql's \h takes them.
        #expect(Help.text(topic: "alter source") == Help.text(topic: "alter"))
        #expect(Help.text(topic: "SHOW QUEUES") == Help.text(topic: "show"))
        #expect(Help.text(topic: "step barrier") == Help.text(topic: "step"))
        // The longest name the words start with: words after a whole name are passed over.
        #expect(Help.text(topic: "create source source") == Help.text(topic: "create source"))
        #expect(Help.text(topic: "create source extra") == Help.text(topic: "create source"))
        #expect(Help.text(topic: "statements extra") == Help.text(topic: "statements"))
        // ...but not a misspelt name: that one is reported, with the name it is near.
        #expect(Help.text(topic: "crate source") == nil)
        #expect(Help.text(topic: "create sorce") == nil)
        #expect(Help.unknown("create sorce").hint.hasPrefix("did you mean create source? "))
        #expect(Help.text(topic: "kafka") != nil && Help.text(topic: "KAFKA") == Help.text(topic: "kafka"))
    }

    @Test func everyStatementHasHelpUnderItsFirstWord() {
        for keyword in Keywords.statements where keyword != "HELP" {
            #expect(Help.text(topic: keyword) != nil, "\(keyword)")
        }
        for kind in ObjectKind.allCases {
            #expect(Help.text(topic: "create " + kind.sql) != nil, "CREATE \(kind.sql)")
        }
    }

    @Test func noTwoTopicsShareAName() {
        #expect(Set(Help.allNames).count == Help.allNames.count, "\(Help.allNames)")
    }

    @Test func dotHelpAndHelpTakeSeveralWords() {
        let s = session()
        let dot = s.run(".help create sink")
        #expect(dot.hasPrefix("CREATE SINK name FROM relation"))
        #expect(s.run(".help CREATE SINK") == dot)
        #expect(s.run(".help 'create sink'") == dot)
        #expect(s.run("HELP create sink;") == dot)
        #expect(s.run("help CREATE\n  SINK;") == dot)
        #expect(s.run("HELP CREATE MATERIALIZED VIEW;") == s.run(".help create view"))
    }

    @Test func anUnknownTopicSuggestsTheNearestAndListsTheStatements() {
        let s = session()
        let lists = "topics: \(Help.topicList); statements: \(Help.statementList)"
        #expect(Help.statementList == "CREATE SOURCE|TABLE|MATERIALIZED VIEW|SINK, ALTER, DROP, INJECT, STEP, RUN, WATCH, TRACE, SET, SELECT, SHOW, EXPLAIN, PLOT")
        #expect(s.run(".help crate source") == "ERROR: no help on crate source\nHINT: did you mean create source? \(lists)\n")
        #expect(s.run("HELP create sorce;") == """
            ERROR: no help on create sorce
            LINE 1: HELP create sorce;
                         ^^^^^^^^^^^^
            HINT: did you mean create source? \(lists)

            """)
    }

    /// The overview names an example and `.help statements`, which lists them all; its Help
    /// line fits the 100 columns of TerminalTests' terminal, which must show the whole overview.
    @Test func theOverviewPointsToTheStatements() throws {
        let overview = try #require(Help.text(topic: nil))
        let help = try #require(overview.split(separator: "\n").first { $0.hasPrefix("Help ") })
        #expect(help.contains(".help CREATE SOURCE") && help.contains(".help statements"))
        #expect(help.count <= 100, "\(help)")
        let index = try #require(Help.text(topic: "Statements"))
        for name in Help.statements.map({ $0.names[0] }) {
            for word in name.uppercased().split(separator: " ") { #expect(index.contains(word), "\(word)") }
        }
        #expect(index.contains(Help.statementList.prefix(40)))
    }

    /// Help wraps to the width it is shown at (80 columns in scripts and recordings, the
    /// terminal's on one), at words: no line is wider, but for a word longer than the line.
    @Test(arguments: [80, 60, 40])
    func theLinesFitTheWidth(_ width: Int) {
        let topics = Help.statements.map { $0.names[0] } + Help.topics.map { $0.names[0] } + ["statements"]
        for topic in topics {
            let text = Renderer.render([.prose(Help.text(topic: topic)!)], options: RenderOptions(width: width))
            for line in text.split(separator: "\n") where TerminalText.width(of: String(line)) > width {
                #expect(!line.trimmingCharacters(in: .whitespaces).contains(" "), "\(topic) at \(width): \(line)")
            }
        }
    }

    /// Prose lines join into paragraphs; a statement's syntax, indented lines, columns and
    /// the parts of its help (`Example:`, `Options (…):`) stay lines of their own.
    @Test func proseBecomesParagraphs() {
        let text = """
            CREATE SINK name FROM relation
            CREATE SINK name AS SELECT ...
            Writes rows to a modelled
            external system. Under
            SET sink_decouple = true it reads a log:
              throughput    rows per second
            Options (* also changed by ALTER):
              batch *       most rows per write
            Example: CREATE SINK k FROM v;
            """
        #expect(Help.paragraphs(text, syntaxFirst: true) == """
            CREATE SINK name FROM relation
            CREATE SINK name AS SELECT ...
            Writes rows to a modelled external system. Under SET sink_decouple = true it reads a log:
              throughput    rows per second
            Options (* also changed by ALTER):
              batch *       most rows per write
            Example: CREATE SINK k FROM v;
            """)
        #expect(Help.paragraphs("Credit-based flow control. Each\nchannel has buffers.") == "Credit-based flow control. Each channel has buffers.")
    }
}
