import Runtime

/// One POSTed webhook body, read into events. Meta batches up to 1000 updates across entries,
/// changes and items (spec §1.3), so every level is iterated.
///
/// Reading is robust: only a body that is not a WhatsApp Business Account delivery at all
/// (not JSON, not an object, `object` not `whatsapp_business_account`, no `entry` array)
/// throws. A bad entry, change or item is reported in `rejected` with its JSON path while
/// its good siblings are kept: the body is already committed to the inbox and answered 200,
/// so refusing the good events would lose them, and a redelivery would not fix the bad one.
public struct WebhookDelivery: Sendable, Equatable {
    public static let objectName = "whatsapp_business_account"

    public var events: [WebhookEvent]
    public var rejected: [WebhookDecodeError]

    public init(events: [WebhookEvent], rejected: [WebhookDecodeError]) {
        self.events = events
        self.rejected = rejected
    }

    public static func decode(_ body: [UInt8]) throws(WebhookDecodeError) -> WebhookDelivery {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw WebhookDecodeError(path: "", message: "not JSON: \(error)")
        }
        return try decode(document)
    }

    public static func decode(_ document: JSONValue) throws(WebhookDecodeError) -> WebhookDelivery {
        // Meta publishes some samples (account_update) as an array of deliveries; such a body
        // is read as those deliveries rather than refused.
        if let list = document.array, !list.isEmpty {
            var all = WebhookDelivery(events: [], rejected: [])
            for (offset, element) in list.enumerated() {
                do {
                    let one = try decodeObject(element)
                    all.events += one.events
                    all.rejected += one.rejected
                } catch {
                    throw WebhookDecodeError(path: "[\(offset)]\(error.path.isEmpty ? "" : ".")\(error.path)", message: error.message)
                }
            }
            return all
        }
        return try decodeObject(document)
    }

    private static func decodeObject(_ document: JSONValue) throws(WebhookDecodeError) -> WebhookDelivery {
        let root = FieldReader(document)
        guard document.members != nil else { throw root.failure("expected an object") }
        let object = try root["object"].string()
        guard object == objectName else {
            throw root["object"].failure("expected \(objectName), got \"\(object.prefix(64))\"")
        }
        let entries = root["entry"]
        guard entries.value?.array != nil else { throw entries.failure("expected an array") }
        var delivery = WebhookDelivery(events: [], rejected: [])
        for entry in try entries.elements() {
            delivery.absorb { () throws(WebhookDecodeError) in try read(entry: entry) }
        }
        return delivery
    }

    /// Adds what `read` found, or its error when the part it read was unusable.
    private mutating func absorb(_ read: () throws(WebhookDecodeError) -> WebhookDelivery) {
        do {
            let part = try read()
            events += part.events
            rejected += part.rejected
        } catch {
            rejected.append(error)
        }
    }

    private mutating func absorb(_ read: () throws(WebhookDecodeError) -> WebhookEvent) {
        do {
            events.append(try read())
        } catch {
            rejected.append(error)
        }
    }

    private static func read(entry: FieldReader) throws(WebhookDecodeError) -> WebhookDelivery {
        let entry = try entry.object()
        let accountID = try entry["id"].nonEmptyString()
        var part = WebhookDelivery(events: [], rejected: [])
        for change in try entry["changes"].elements() {
            part.absorb { () throws(WebhookDecodeError) in try read(change: change, accountID: accountID) }
        }
        return part
    }

    private static func read(change: FieldReader, accountID: String) throws(WebhookDecodeError) -> WebhookDelivery {
        let change = try change.object()
        let field = try change["field"].nonEmptyString()
        let value = try change["value"].object()
        let metadata = try value["metadata"].optionalObject()
        let source = WebhookSource(
            businessAccountID: accountID, field: field,
            phoneNumberID: try metadata?["phone_number_id"].optionalString(),
            displayPhoneNumber: try metadata?["display_phone_number"].optionalString())
        var part = WebhookDelivery(events: [], rejected: [])
        switch field {
        case "calls": try part.readCalls(value, source: source)
        case "messages": try part.readMessages(value, source: source)
        case "user_id_update":
            for element in try value["user_id_update"].elements() {
                part.absorb { () throws(WebhookDecodeError) -> WebhookEvent in .userIDChange(try UserIDChange.decode(element, source: source)) }
            }
        case "account_update": part.events.append(.accountUpdate(source: source, value: value.value ?? .null))
        default: part.events.append(.unknown(source: source, value: value.value ?? .null))
        }
        return part
    }

    private mutating func readList<Item>(_ list: FieldReader, _ decode: (FieldReader) throws(WebhookDecodeError) -> Item)
        throws(WebhookDecodeError) -> [Item]
    {
        var items: [Item] = []
        for element in try list.elements() {
            do {
                items.append(try decode(element))
            } catch {
                rejected.append(error)
            }
        }
        return items
    }

    private mutating func readCalls(_ value: FieldReader, source: WebhookSource) throws(WebhookDecodeError) {
        let contacts = try readList(value["contacts"], WebhookContact.decode)
        let valueErrors = try readList(value["errors"], MetaError.decode)
        let calls = try value["calls"].elements()
        for element in calls {
            absorb { () throws(WebhookDecodeError) -> WebhookEvent in
                .call(try CallWebhook.decode(element, source: source, contacts: contacts, valueErrors: valueErrors))
            }
        }
        for element in try value["statuses"].elements() {
            absorb { () throws(WebhookDecodeError) -> WebhookEvent in .callStatus(try CallStatusUpdate.decode(element, source: source)) }
        }
        // Errors beside calls belong to those calls; alone they are system errors.
        if calls.isEmpty && !valueErrors.isEmpty {
            events.append(.systemErrors(source: source, errors: valueErrors))
        }
    }

    private mutating func readMessages(_ value: FieldReader, source: WebhookSource) throws(WebhookDecodeError) {
        let contacts = try readList(value["contacts"], WebhookContact.decode)
        let valueErrors = try readList(value["errors"], MetaError.decode)
        for element in try value["messages"].elements() {
            absorb { () throws(WebhookDecodeError) -> WebhookEvent in
                .message(try InboundMessage.decode(element, source: source, contacts: contacts))
            }
        }
        for element in try value["statuses"].elements() {
            absorb { () throws(WebhookDecodeError) -> WebhookEvent in .messageStatus(try MessageStatus.decode(element, source: source)) }
        }
        if !valueErrors.isEmpty {
            events.append(.systemErrors(source: source, errors: valueErrors))
        }
    }
}
