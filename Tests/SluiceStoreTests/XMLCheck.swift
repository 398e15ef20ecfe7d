// Parsing exports as XML with Foundation's XMLParser, to check that they are
// well-formed and to read back their text.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What XMLParser saw in a document.
final class XMLCheck: NSObject, XMLParserDelegate {
    private(set) var elements: [String] = []
    private(set) var attributes: [[String: String]] = []
    private(set) var text = ""
    private(set) var error: String?

    /// Parses `document`; `error` is nil when it is well-formed.
    init(_ document: String) {
        super.init()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = self
        if !parser.parse() {
            error = parser.parserError.map { "\($0)" } ?? "parse failed"
        }
    }

    var wellFormed: Bool { error == nil }

    /// The attributes of every element with this name, in document order.
    func attributes(of name: String) -> [[String: String]] {
        zip(elements, attributes).filter { $0.0 == name }.map(\.1)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(elementName)
        self.attributes.append(attributes)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        error = "\(parseError) at line \(parser.lineNumber)"
    }
}
