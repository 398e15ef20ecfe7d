import Testing
@testable import SluiceSQL

@Suite("complete, incomplete, scripts")
struct CompletenessTests {
    @Test func incompleteBuffers() {
        for sql in [
            "CREATE SOURCE s (a INT)",
            "STEP",
            "SELECT",
            "SELECT * FROM t WHERE a = 'abc",
            "'abc",
            "/* open",
            "STEP; /* still /* nested */ open",
            "STEP; STEP",
            "SELECT \"open name",
            "SELECT * FROM t\n  WHERE a > 1\n",
            "SELECT 'a;b'",
            "SELECT * FROM t -- ; in a comment",
        ] {
            #expect(parse(sql) == .incomplete, "\(sql)")
        }
    }

    @Test func completeBuffers() {
        #expect(parse("") == .complete([]))
        #expect(parse("   \n\t ") == .complete([]))
        #expect(parse("-- just a comment") == .complete([]))
        #expect(parse("/* a */ -- b\n/* c /* nested */ */") == .complete([]))
        #expect(parse(";;") == .complete([]))
        #expect(parsed("STEP; STEP;").count == 2)
        #expect(parsed("STEP; -- trailing comment").count == 1)
        #expect(parsed("SELECT * FROM t WHERE a = 'x;y';").count == 1)
        #expect(parsed("CREATE SOURCE s (a INT)\n  WITH (rate = 5)\n;").count == 1)
    }

    @Test func errorsInTerminatedStatementsComeFirst() {
        #expect(message("SELEKT 1; STEP") == "unknown statement 'SELEKT'")
        #expect(message("STEP; STEP 10parsecs; STEP") == "invalid duration '10parsecs': unknown unit 'parsecs'")
    }

    @Test func scriptsReportEveryStatement() {
        let script = "STEP;\nSELEKT 1;\nRUN 1s;\nSTEP"
        let results = parseScript(script)
        #expect(results.map(\.text) == ["STEP", "SELEKT 1", "RUN 1s", "STEP"])
        #expect(results.map { (try? $0.result.get())?.statement } == [.step(.events(1)), nil, .run(1_000_000_000), nil])
        guard case .failure(let error) = results[3].result else { Issue.record("no missing ';'"); return }
        #expect(error.render(in: script) == """
            ERROR: unterminated statement: missing ';'
            LINE 4: STEP
                        ^
            HINT: end every statement with ';'
            """)
    }

    @Test func scriptEndingInsideAStatement() {
        let results = parseScript("STEP;\nCREATE SOURCE s (a INT")
        guard case .failure(let error) = results.last?.result else { Issue.record("expected an error"); return }
        #expect(error.message == "unterminated statement: missing ';'")
        let bad = parseScript("SELEKT 1")
        guard case .failure(let badError) = bad.last?.result else { Issue.record("expected an error"); return }
        #expect(badError.message == "unknown statement 'SELEKT'")
    }

    /// psql runs a last statement without `;` at the end of a file or `-c`; so does Sluice
    /// when the caller says the buffer ends its input.
    @Test func theEndOfAnInputMayLeaveOutTheLastSemicolon() {
        let results = parseScript("SET nodes = 2;\nSHOW seed", endsInput: true)
        #expect(results.count == 2)
        guard case .success(let last) = results.last?.result else { Issue.record("expected SHOW seed"); return }
        #expect(last.statement.sql == "SHOW seed")
        #expect(last.text == "SHOW seed")
        guard case .success = parseScript("SHOW seed -- a comment after it", endsInput: true).last?.result else {
            Issue.record("a comment after the last statement"); return
        }
        // A statement cut short still gets its own error, not "missing ';'".
        guard case .failure(let cut) = parseScript("CREATE SOURCE s (a INT", endsInput: true).last?.result else {
            Issue.record("expected an error"); return
        }
        #expect(cut.message == "expected ')' or ',' after the column, found end of input")
        // An open string or comment is still an error.
        guard case .failure(let open) = parseScript("SELECT 'abc", endsInput: true).last?.result else { Issue.record("string"); return }
        #expect(open.message == "unterminated quoted string")
        // Without endsInput (the default) the missing ';' is reported.
        guard case .failure(let strict) = parseScript("SHOW seed").last?.result else { Issue.record("strict"); return }
        #expect(strict.message == "unterminated statement: missing ';'")
    }

    @Test func scriptEndingInsideAString() {
        let script = "STEP;\nSELECT * FROM t WHERE a = 'abc;\n"
        let results = parseScript(script)
        #expect(results.count == 2)
        #expect(results[1].text == "SELECT * FROM t WHERE a = 'abc;")
        guard case .failure(let error) = results[1].result else { Issue.record("expected an error"); return }
        #expect(error.render(in: script) == """
            ERROR: unterminated quoted string
            LINE 2: SELECT * FROM t WHERE a = 'abc;
                                              ^^^^^
            HINT: close it with '; write '' for a ' inside
            """)
        guard case .failure(let comment) = parseScript("STEP; /* open").last?.result else { Issue.record("comment"); return }
        #expect(comment.message == "unterminated /* comment")
        #expect(parseScript("-- nothing\n").isEmpty)
    }
}
