import Foundation

/// Context-aware tab completion, pure Swift and testable without a terminal.
///
/// It completes the word under the cursor (letters, digits, `_`, `.`; in a dot-command a
/// blank-separated or quoted word, and names or paths with blanks complete quoted) from
/// what the words before it expect: keywords at the start of a
/// statement and after keywords, relation names after `FROM`/`JOIN`, source names after
/// `INJECT … INTO`, actors after `SHOW METRICS` and in `PLOT queue(`, columns after
/// `SELECT`/`WHERE`/`GROUP BY`/`ORDER BY`/`ON` for the relations the statement names,
/// variables and their values after `SET`/`SHOW`/`RESET`, dot-commands and their arguments.
/// Keywords come back in the case the user is typing in (lower if they type lower).
public struct CompletionEngine: Sendable {
    /// Where relative file names are looked up; `nil` is the process's current directory.
    public var currentDirectory: String?

    /// Creates an engine.
    public init(currentDirectory: String? = nil) {
        self.currentDirectory = currentDirectory
    }

    /// The word being completed and what may replace it.
    public struct Completion: Sendable, Equatable {
        /// Where the word starts, in UTF-8 bytes from the start of the line.
        public var wordStart: Int
        /// The part of the word before the cursor.
        public var word: String
        /// Replacements for `word`, sorted (ignoring case first) by what they stand for,
        /// without duplicates.
        public var candidates: [String]
        /// How a listing of the candidates (Tab pressed twice) shows each, in the same order:
        /// a name without the quotes it takes on the line.
        public var listed: [String]
    }

    /// Sorted, deduplicated replacements for the word before `cursor` (a UTF-8 offset,
    /// as readline's `rl_point`; for ASCII it is the character index).
    public func candidates(line: String, cursor: Int, context: CompletionContext) -> [String] {
        complete(line: line, cursor: cursor, context: context).candidates
    }

    /// `complete(line:cursor:context:)` on a continuation line: `earlier` holds the
    /// statement's lines typed before this one, so that `WHERE to` on a line of its own
    /// completes the columns of the relation named on a line above. `wordStart` stays
    /// relative to `line`.
    public func complete(line: String, cursor: Int, after earlier: [String], context: CompletionContext) -> Completion {
        guard !earlier.isEmpty else { return complete(line: line, cursor: cursor, context: context) }
        let prefix = earlier.joined(separator: "\n") + "\n"
        var completion = complete(line: prefix + line, cursor: prefix.utf8.count + cursor, context: context)
        completion.wordStart = max(0, completion.wordStart - prefix.utf8.count)
        return completion
    }

    /// The word before `cursor`, where it starts, and its candidates.
    public func complete(line: String, cursor: Int, context: CompletionContext) -> Completion {
        let bytes = Array(line.utf8)
        let cut = min(max(cursor, 0), bytes.count)
        let before = String(decoding: bytes[..<cut], as: UTF8.self)
        let after = String(decoding: bytes[cut...], as: UTF8.self)
        let isDotCommand = before.drop { $0 == " " || $0 == "\t" }.hasPrefix(".")
        if isDotCommand {
            let (word, names) = dotCommandCandidates(before, context: context)
            return Completion(wordStart: cut - word.utf8.count, word: word, candidates: names.map(\.written), listed: names.map(\.name))
        }
        let (word, offers) = statementOffers(before, after: after, context: context)
        let candidates = Self.filter(offers, by: word)
        return Completion(wordStart: cut - word.utf8.count, word: word, candidates: candidates, listed: candidates)
    }

    // MARK: - Offers

    /// What may be offered: keywords are re-cased like the word, names kept as they are.
    enum Offer {
        case keywords([String])
        case names([String])
    }

    static func filter(_ offers: [Offer], by word: String) -> [String] {
        let lowerWord = word.lowercased()
        let lowerCase = word.contains { $0.isLowercase } && !word.contains { $0.isUppercase }
        var result: [String] = []
        for offer in offers {
            switch offer {
            case .keywords(let words):
                for k in words where k.lowercased().hasPrefix(lowerWord) {
                    result.append(lowerCase ? k.lowercased() : k.uppercased())
                }
            case .names(let names):
                for n in names where n.lowercased().hasPrefix(lowerWord) { result.append(n) }
            }
        }
        return Array(Set(result)).sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }
    }

    static func trailingWord(_ text: String, _ isPart: (Character) -> Bool) -> String {
        String(text.reversed().prefix { isPart($0) }.reversed())
    }

    // MARK: - Dot-commands

    /// The word under the cursor of a dot-command line, as typed (an opening quote
    /// included), and the names that may replace it, each as written on the line: quoted as
    /// `Session.dotWords` reads it back when it has a blank (`.open my` → `'my lesson'`), so
    /// that Enter runs it.
    func dotCommandCandidates(_ before: String, context: CompletionContext) -> (String, [(name: String, written: String)]) {
        let line = Self.dotLine(before)
        let argument = line.words.count - (line.current == nil ? 0 : 1)
        let text = line.current?.text ?? ""
        let offers: [Offer]
        if argument == 0 {
            offers = [.names(CompletionVocabulary.dotCommands)]
        } else {
            switch (line.words[0].lowercased(), argument) {
            case (".mode", 1): offers = [.names(OutputMode.allCases.map(\.rawValue))]
            // `.help create ` → `materialized`, `sink`, `source`, `table`, `view`.
            case (".help", _): offers = [.names(Help.nextWords(after: Array(line.words[1..<argument]), among: Help.allNames))]
            case (".timer", 1): offers = [.names(["off", "on"])]
            case (".open", 1), (".replay", 1): offers = [.names(context.sessions)]
            case (".delete", 1): offers = [.names(context.sessions.filter { $0 != context.recordingSession })]
            case (".replay", _): offers = [.names(["--step", "--verify"])]
            case (".read", 1), (".export", 1): offers = [.names(files(matching: text))]
            default: offers = []
            }
        }
        let names = Self.filter(offers, by: text)
        return (line.current?.raw ?? "", names.map { ($0, Self.quoted($0, opening: line.current?.quote)) })
    }

    /// A dot-command line before the cursor split as `Session.dotWords` splits it, and the
    /// word the cursor is in (nil after a blank): as typed, without its quotes, and the
    /// quote it opened with.
    static func dotLine(_ before: String) -> (words: [String], current: (raw: String, text: String, quote: Character?)?) {
        var words: [String] = []
        var raw = "", text = ""
        var opening: Character?, open: Character?
        var inWord = false
        for c in before {
            if let q = open {
                raw.append(c)
                if c == q { open = nil } else { text.append(c) }
            } else if c == "'" || c == "\"" {
                if !inWord { opening = c }
                raw.append(c)
                open = c
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(text) }
                raw = ""; text = ""; opening = nil; inWord = false
            } else {
                raw.append(c)
                text.append(c)
                inWord = true
            }
        }
        guard inWord else { return (words, nil) }
        return (words + [text], (raw, text, opening))
    }

    /// A name as a dot-command reads it back: quoted when it has a blank or a quote, or when
    /// the user opened a quote, with that quote or else `'` (`"` for a name with a `'`); as
    /// it is otherwise. (Quoting every name when one needs it gave them no common prefix but
    /// the quote, which Tab inserted alone.) A directory's quote stays open, for the path to
    /// go on.
    static func quoted(_ name: String, opening: Character?) -> String {
        guard opening != nil || name.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) else { return name }
        let quote: Character = opening ?? (name.contains("'") ? "\"" : "'")
        // A name with the quote in it cannot be written inside it: left as it is.
        if name.contains(quote) { return name }
        return String(quote) + name + (name.hasSuffix("/") ? "" : String(quote))
    }

    /// Files and directories (with a trailing `/`) whose path starts with `word`.
    func files(matching word: String) -> [String] {
        let fm = FileManager.default
        var directoryPart = "", base = word
        if let slash = word.lastIndex(of: "/") {
            directoryPart = String(word[...slash])
            base = String(word[word.index(after: slash)...])
        }
        var directory = directoryPart.isEmpty ? "." : directoryPart
        if directory.hasPrefix("~"), let home = ProcessInfo.processInfo.environment["HOME"] {
            directory = home + directory.dropFirst()
        }
        if !directory.hasPrefix("/") { directory = (currentDirectory ?? fm.currentDirectoryPath) + "/" + directory }
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix(base) && (base.hasPrefix(".") || !$0.hasPrefix(".")) }.map { name in
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            return directoryPart + name + (isDirectory.boolValue ? "/" : "")
        }.sorted()
    }
}
