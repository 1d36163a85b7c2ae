/// Messages as a screen shows them: the application's message carries an English gloss in
/// parentheses for the API's problem detail; a Vietnamese official reads the Vietnamese only,
/// as a sentence.
enum WebMessage {
    static func vietnamese(_ message: String) -> String {
        var text = message.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix(")"), let open = text.lastIndex(of: "(") {
            let gloss = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if !gloss.isEmpty, gloss.allSatisfy(\.isASCII), !text[..<open].trimmingCharacters(in: .whitespaces).isEmpty {
                text = text[..<open].trimmingCharacters(in: .whitespaces)
            }
        }
        guard let first = text.first else { return text }
        text = first.uppercased() + text.dropFirst()
        if let last = text.last, !".?!:…\"”".contains(last) { text += "." }
        return text
    }
}
