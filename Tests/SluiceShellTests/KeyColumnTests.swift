import Testing
@testable import SluiceShell
import SluiceEngine

/// The key column takes `keys` distinct values of its own type: key k is k (INT, BIGINT),
/// k as a DOUBLE, the string `column-k` (VARCHAR), false and true (BOOLEAN). Integer keys
/// are as they always were: the lessons' transcripts hold them.
@Suite("key columns")
struct KeyColumnTests {
    /// A session in csv mode, so that the tests compare plain rows.
    func csvSession(_ setup: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Session {
        let s = session(setup, sourceLocation: sourceLocation)
        s.run(".mode csv")
        return s
    }

    @Test func aVarcharPrimaryKeyNamesEveryRow() {
        let s = csvSession("CREATE TABLE t (name VARCHAR PRIMARY KEY, x INT) WITH (rows = 5);")
        #expect(s.run("SELECT name FROM t ORDER BY name;") == "name\nname-0\nname-1\nname-2\nname-3\nname-4\n")
    }

    @Test func aVarcharKeyOfASourceTakesExactlyItsKeys() {
        let s = csvSession("""
            CREATE SOURCE s (url VARCHAR, amount DOUBLE) WITH (rate = 100, keys = 3);
            CREATE MATERIALIZED VIEW g AS SELECT url, count(*) AS n FROM s GROUP BY url;
            RUN 2s;
            """)
        #expect(s.run("SELECT url FROM g ORDER BY url;") == "url\nurl-0\nurl-1\nurl-2\n")
        #expect(s.run("SELECT sum(n) AS rows FROM g;") == "rows\n200\n")
        #expect(s.run("SELECT count(*) AS n FROM g WHERE url = 'url-2';") == "n\n1\n", "a key compares equal to its literal")
    }

    @Test func aDoubleKeyIsANumberPerKey() {
        let s = csvSession("""
            CREATE SOURCE s (x INT, d DOUBLE) WITH (rate = 100, key = d, keys = 4);
            CREATE MATERIALIZED VIEW g AS SELECT d, count(*) AS n FROM s GROUP BY d;
            RUN 2s;
            """)
        #expect(s.run("SELECT d FROM g ORDER BY d;") == "d\n0\n1\n2\n3\n")
    }

    @Test func aBooleanKeyIsFalseAndTrue() {
        let s = csvSession("""
            CREATE SOURCE s (x INT, b BOOLEAN) WITH (rate = 100, key = b);
            CREATE MATERIALIZED VIEW g AS SELECT b, count(*) AS n FROM s GROUP BY b;
            RUN 2s;
            """)
        #expect(s.run("SELECT b FROM g ORDER BY b;") == "b\nf\nt\n", "two keys by default, one group each")
        #expect(s.run("SELECT sum(n) AS rows FROM g;") == "rows\n200\n")
    }

    @Test func aBooleanKeyTakesAtMostTwoKeys() {
        let s = session("CREATE SOURCE s (b BOOLEAN, x INT) WITH (keys = 2);")
        let before = s.visibleState
        #expect(s.run("CREATE SOURCE t (b BOOLEAN, x INT) WITH (keys = 3);") == """
            ERROR: key column b is BOOLEAN: it takes at most 2 distinct values, not 3
            LINE 1: CREATE SOURCE t (b BOOLEAN, x INT) WITH (keys = 3);
                                                                    ^
            HINT: make keys at most 2, or choose a key column of another type with key = column

            """)
        #expect(s.run("ALTER SOURCE s SET (keys = 4);") == """
            ERROR: key column b is BOOLEAN: it takes at most 2 distinct values, not 4
            LINE 1: ALTER SOURCE s SET (keys = 4);
                                               ^
            HINT: make keys at most 2, or choose a key column of another type with key = column

            """)
        #expect(s.run("CREATE TABLE u (b BOOLEAN PRIMARY KEY) WITH (rows = 5);") == """
            ERROR: table u would repeat its primary key b: keys = 2 is below rows = 5
            LINE 1: CREATE TABLE u (b BOOLEAN PRIMARY KEY) WITH (rows = 5);
                                                                        ^
            HINT: a BOOLEAN primary key has two values, false and true: make rows at most 2

            """)
        #expect(s.visibleState == before)
    }

    @Test func aVarcharKeyTakesAtMostAHundredThousandKeys() {
        let s = session()
        #expect(s.run("CREATE SOURCE s (url VARCHAR) WITH (keys = 100001);") == """
            ERROR: key column url is VARCHAR: it takes at most 100000 distinct values, not 100001
            LINE 1: CREATE SOURCE s (url VARCHAR) WITH (keys = 100001);
                                                               ^^^^^^
            HINT: make keys at most 100000, or choose a key column of another type with key = column

            """)
        #expect(s.run("CREATE TABLE t (url VARCHAR, n INT) WITH (rows = 200000, keys = 100000);") == "CREATE TABLE (200000 rows)\n")
    }

    @Test func aSkewedVarcharKeyKeepsKeyZeroHottest() {
        let s = csvSession("""
            CREATE SOURCE s (url VARCHAR) WITH (rate = 1000, keys = 50, key_skew = 'zipf(1.2)');
            CREATE MATERIALIZED VIEW g AS SELECT url, count(*) AS n FROM s GROUP BY url;
            RUN 2s;
            """)
        #expect(s.run("SELECT url, n FROM g ORDER BY n DESC LIMIT 1;").hasPrefix("url,n\nurl-0,"))
    }

    @Test func moreKeysForAVarcharKeyAreNewStrings() {
        let s = csvSession("""
            CREATE SOURCE s (url VARCHAR) WITH (rate = 200, keys = 2);
            CREATE MATERIALIZED VIEW g AS SELECT url, count(*) AS n FROM s GROUP BY url;
            RUN 1s;
            ALTER SOURCE s SET (keys = 4);
            RUN 1s;
            """)
        #expect(s.run("SELECT url FROM g ORDER BY url;") == "url\nurl-0\nurl-1\nurl-2\nurl-3\n")
        #expect(s.run("SELECT count(*) AS n FROM g WHERE url = 'url-3';") == "n\n1\n")
    }

    /// A table keyed by VARCHAR joins a source's string column of the same name: both are `url-k`.
    @Test func aVarcharKeyJoinsTheSameStringsElsewhere() {
        let s = csvSession("""
            CREATE TABLE pages (url VARCHAR PRIMARY KEY, owner INT) WITH (rows = 100);
            CREATE SOURCE clicks (user_id INT, url VARCHAR) WITH (rate = 100);
            CREATE MATERIALIZED VIEW j AS SELECT p.owner, count(*) AS n FROM clicks c JOIN pages p ON c.url = p.url GROUP BY p.owner;
            RUN 2s;
            """)
        #expect(s.run("SELECT sum(n) AS joined FROM j;") == "joined\n200\n", "every click finds its page")
    }
}
