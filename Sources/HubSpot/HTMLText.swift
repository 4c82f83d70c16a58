/// HubSpot's note and message bodies are rich text: what the box writes into them is escaped
/// so a caller's message cannot inject markup into the timeline.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "<br>"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
