import Testing
@testable import SluiceSQL

@Suite("did you mean")
struct SuggestTests {
    @Test func distance() {
        #expect(Suggest.distance("kitten", "sitting") == 3)
        #expect(Suggest.distance("GROPU", "group") == 1)
        #expect(Suggest.distance("ab", "ba") == 1)
        #expect(Suggest.distance("", "abc") == 3)
        #expect(Suggest.distance("same", "SAME") == 0)
    }

    @Test func nearest() {
        #expect(Suggest.nearest("SELEKT", among: Keywords.statements) == "SELECT")
        #expect(Suggest.nearest("spnd", among: ["clicks", "spend", "users", "warehouse"]) == "spend")
        #expect(Suggest.nearest("zzzzzz", among: ["spend", "clicks"]) == nil)
        #expect(Suggest.nearest("x", among: ["id", "ab"]) == nil)
        #expect(Suggest.nearest("", among: ["a"]) == nil)
        // Ties go to the alphabetically first candidate, whatever the order given.
        #expect(Suggest.nearest("cat", among: ["bat", "hat", "cab"]) == "bat")
        #expect(Suggest.nearest("cat", among: ["hat", "cab", "bat"]) == "bat")
        // The threshold grows with the word: max(2, len/3).
        #expect(Suggest.nearest("flow_contrl_mode", among: ["flow_control"]) == "flow_control")
        #expect(Suggest.nearest("flwo_cntrl", among: ["flow_control"]) == "flow_control")
        #expect(Suggest.nearest("abcd", among: ["wxyz"]) == nil)
    }
}
