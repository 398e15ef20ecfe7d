// A session's header state (seed and settings): written at creation, rewritten with every
// cell appended or replaced, and refused when the settings are not a JSON object.
import Foundation
import Testing
@testable import SluiceStore

@Suite struct SessionStateTests {
    @Test func appendingACellWithAStateRewritesTheHeader() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let info = try store.createSession(name: "demo", engineVersion: "1", state: SessionState(seed: 42, settings: "{}"))
        #expect(info.seed == 42 && info.settings == "{}")
        try store.appendCell(sessionID: info.id, cell: sampleCell(1),
                             state: SessionState(seed: 7, settings: #"{"flow_control":"permits","seed":7}"#))
        var header = try #require(try store.session(named: "demo"))
        #expect(header.seed == 7)
        #expect(header.settings == #"{"flow_control":"permits","seed":7}"#)
        // Without a state, an append leaves the header's seed and settings alone.
        try store.appendCell(sessionID: info.id, cell: sampleCell(2))
        header = try #require(try store.session(named: "demo"))
        #expect(header.seed == 7 && header.settings == #"{"flow_control":"permits","seed":7}"#)
        #expect(header.cellCount == 2)
    }

    @Test func replacingCellsWithAStateRewritesTheHeader() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        let info = try store.createSession(name: "demo", engineVersion: "1", seed: 7, settings: #"{"seed":7}"#,
                                           cells: [sampleCell(1), sampleCell(2)])
        try store.replaceCells(sessionID: info.id, from: 2, with: [sampleCell(2)], state: SessionState(seed: 42, settings: "{}"))
        let header = try #require(try store.session(named: "demo"))
        #expect(header.seed == 42 && header.settings == "{}")
    }

    @Test func settingsThatAreNotAJSONObjectAreRefusedAndChangeNothing() throws {
        let dir = ScratchDirectory()
        let store = try SessionStore(path: dir.file("s.sqlite"))
        for bad in ["", "flow_control=permits", "[1,2]", "42", #"{"a":"#] {
            expectStoreError(.invalidArgument("a session's settings must be a JSON object, not \(bad)")) {
                try store.createSession(name: "x", engineVersion: "1", seed: 1, settings: bad)
            }
        }
        #expect(try store.sessions().isEmpty)
        let info = try store.createSession(name: "demo", engineVersion: "1", seed: 1)
        expectStoreError(.invalidArgument("a session's settings must be a JSON object, not [1]")) {
            try store.appendCell(sessionID: info.id, cell: sampleCell(1), state: SessionState(seed: 9, settings: "[1]"))
        }
        expectStoreError(.invalidArgument("a session's settings must be a JSON object, not nope")) {
            try store.replaceCells(sessionID: info.id, from: 1, with: [sampleCell(1)], state: SessionState(seed: 9, settings: "nope"))
        }
        let header = try #require(try store.session(named: "demo"))
        #expect(header.cellCount == 0 && header.seed == 1 && header.settings == "{}")
    }
}
