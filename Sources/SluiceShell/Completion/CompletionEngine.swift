import Foundation

/// Context-aware tab completion, pure Swift and testable without a terminal.
///
/// It completes the word under the cursor (letters, digits, `_`, `.`; for file names
/// anything but spaces) from what the words before it expect: keywords at the start of a
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
        /// Replacements for `word`, sorted (ignoring case first), without duplicates.
        public var candidates: [String]
    }

    /// Sorted, deduplicated replacements for the word before `cursor` (a UTF-8 offset,
    /// as readline's `rl_point`; for ASCII it is the character index).
    public func candidates(line: String, cursor: Int, context: CompletionContext) -> [String] {
        complete(line: line, cursor: cursor, context: context).candidates
    }

    /// The word before `cursor`, where it starts, and its candidates.
    public func complete(line: String, cursor: Int, context: CompletionContext) -> Completion {
        let bytes = Array(line.utf8)
        let cut = min(max(cursor, 0), bytes.count)
        let before = String(decoding: bytes[..<cut], as: UTF8.self)
        let after = String(decoding: bytes[cut...], as: UTF8.self)
        let isDotCommand = before.drop { $0 == " " || $0 == "\t" }.hasPrefix(".")
        let (word, offers) = isDotCommand
            ? dotCommandOffers(before, context: context)
            : statementOffers(before, after: after, context: context)
        return Completion(wordStart: cut - word.utf8.count, word: word, candidates: Self.filter(offers, by: word))
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

    func dotCommandOffers(_ before: String, context: CompletionContext) -> (String, [Offer]) {
        let word = Self.trailingWord(before) { !$0.isWhitespace }
        let parts = before.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let argument = word.isEmpty ? parts.count : parts.count - 1
        guard argument > 0 else { return (word, [.names(CompletionVocabulary.dotCommands)]) }
        switch (parts[0].lowercased(), argument) {
        case (".mode", 1): return (word, [.names(OutputMode.allCases.map(\.rawValue))])
        case (".help", 1): return (word, [.names(Help.topics.flatMap(\.names))])
        case (".timer", 1): return (word, [.names(["off", "on"])])
        case (".open", 1), (".replay", 1), (".delete", 1): return (word, [.names(context.sessions)])
        case (".replay", _): return (word, [.names(["--step", "--verify"])])
        case (".read", 1), (".export", 1): return (word, [.names(files(matching: word))])
        default: return (word, [])
        }
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
