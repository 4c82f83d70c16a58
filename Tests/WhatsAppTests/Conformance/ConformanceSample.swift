import Runtime

/// A webhook sample of the conformance corpus (`Tests/Fixtures/conformance/`), with Meta's
/// placeholders replaced by the realistic values of `placeholders.json`. The files are never
/// edited: this is where `<BSUID>` becomes a BSUID and `<<RFC 8866 SDP>>` an SDP.
struct ConformanceSample {
    static let folder = "conformance"

    let name: String
    /// One delivery per element when the sample was published as a top-level array.
    let deliveries: [JSONValue]

    /// Every sample the manifest names, with the kinds of event it must decode to.
    static func manifest() throws -> [(name: String, kinds: [String])] {
        let document = try JSONParser.parse(Fixture.bytes("\(folder)/expected-kinds.json"))
        return (document.members ?? []).map { member in
            (member.name, (member.value.array ?? []).compactMap(\.string))
        }
    }

    /// Every webhook sample file in the corpus (Graph bodies and SDPs are not webhooks).
    static func webhookFiles() -> [String] {
        let folders = Fixture.names(in: folder).filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".md") }
        return folders.flatMap { Fixture.names(in: $0) }
            .filter { name in
                let file = name.split(separator: "/").last ?? ""
                return file.hasSuffix(".json") && !file.hasPrefix("graph-") && !file.hasPrefix("hubspot-")
            }
            .map { String($0.dropFirst(folder.count + 1)) }
    }

    init(_ name: String) throws {
        self.name = name
        let substitution = try Substitution.load(businessSide: name.split(separator: "/").last?.hasPrefix("graph-") == true)
        let document = substitution.apply(to: try JSONParser.parse(Fixture.bytes("\(Self.folder)/\(name)")))
        deliveries = (document.array ?? [document]).map(Self.enveloped)
    }

    /// A capture that kept only one `calls[]` item (a `-fragment` file) goes out in the
    /// envelope every calls delivery has, under the placeholder account and number ids.
    static func enveloped(_ document: JSONValue) -> JSONValue {
        guard document["object"] == nil, document["event"] != nil else { return document }
        let value = JSONValue.object([
            JSONMember("messaging_product", .string("whatsapp")),
            JSONMember("metadata", .object([JSONMember("display_phone_number", .string(fragmentBusinessNumber(document))),
                                           JSONMember("phone_number_id", .string("106540352242922"))])),
            JSONMember("calls", .array([document])),
        ])
        return .object([
            JSONMember("object", .string("whatsapp_business_account")),
            JSONMember("entry", .array([.object([
                JSONMember("id", .string("102290129340398")),
                JSONMember("changes", .array([.object([JSONMember("value", value), JSONMember("field", .string("calls"))])])),
            ])])),
        ])
    }

    /// The business is the callee of a call users place.
    private static func fragmentBusinessNumber(_ call: JSONValue) -> String {
        (call["direction"]?.string == "BUSINESS_INITIATED" ? call["from"] : call["to"])?.string ?? ""
    }

    struct Substitution {
        var strings: [(placeholder: String, value: String)]
        var sdpPlaceholders: Set<String>
        var sdp: [String: String]

        /// `businessSide`: the sample is a Graph request, whose SDP the business writes.
        static func load(businessSide: Bool = false) throws -> Substitution {
            let table = try JSONParser.parse(Fixture.bytes("\(ConformanceSample.folder)/placeholders.json"))
            let strings = (table["strings"]?.members ?? []).compactMap { member in member.value.string.map { (member.name, $0) } }
            let sdpTable = table["sdp_for_placeholder"]
            var sdp: [String: String] = [:]
            for type in ["offer", "answer"] {
                let key = businessSide && type == "answer" ? "graph_answer" : type
                if let file = sdpTable?[key]?.string { sdp[type] = Fixture.text("\(ConformanceSample.folder)/\(file)") }
            }
            return Substitution(strings: strings, sdpPlaceholders: Set((sdpTable?["placeholders"]?.array ?? []).compactMap(\.string)),
                                sdp: sdp)
        }

        func apply(to document: JSONValue) -> JSONValue {
            replace(document, sdpType: Self.firstSDPType(in: document) ?? "offer")
        }

        private func replace(_ value: JSONValue, sdpType: String) -> JSONValue {
            switch value {
            case .string(let text):
                if sdpPlaceholders.contains(text) { return .string(sdp[sdpType] ?? text) }
                if let alternatives = Self.alternatives(text) { return .string(alternatives) }
                var replaced = text
                for (placeholder, real) in strings where replaced.contains(placeholder) {
                    replaced = replaced.replacing(placeholder, with: real)
                }
                return .string(replaced)
            case .array(let elements):
                return .array(elements.map { replace($0, sdpType: sdpType) })
            case .object(let members):
                return .object(members.map { JSONMember($0.name, replace($0.value, sdpType: sdpType)) })
            default:
                return value
            }
        }

        /// `[RINGING|ACCEPTED|REJECTED]` → `RINGING`.
        private static func alternatives(_ text: String) -> String? {
            guard text.hasPrefix("["), text.hasSuffix("]"), text.contains("|") else { return nil }
            return text.dropFirst().dropLast().split(separator: "|").first.map(String.init)
        }

        private static func firstSDPType(in value: JSONValue) -> String? {
            switch value {
            case .object(let members):
                if let type = members.first(where: { $0.name == "sdp_type" })?.value.string { return type }
                return members.lazy.compactMap { firstSDPType(in: $0.value) }.first
            case .array(let elements):
                return elements.lazy.compactMap { firstSDPType(in: $0) }.first
            default:
                return nil
            }
        }
    }
}
