/// How people and tools write an international number into HubSpot's `phone` and
/// `mobilephone`, which `EQ` compares as stored strings (spec §9.4), most common first:
///
/// * `+34600111222` — E.164, what HubSpot's own phone formatting and most integrations store;
/// * `34600111222` — the bare digits WhatsApp shows as the `wa_id`, pasted from a chat;
/// * `0034600111222` — the `00` international prefix that desks in Europe and much of the
///   world dial and type by hand.
///
/// Grouped forms (`+34 600 111 222`) and national forms (`600 111 222`) are not produced:
/// where the country code ends and how the rest is grouped differ per country (3-3-3 in
/// Spain, 4-6 in the UK, 3-3-4 in North America), so without a numbering-plan table a guess
/// matches only by accident, and a wrong national guess can match someone else's number.
public enum PhoneWrittenForms {
    /// nil unless `digits` is a non-empty run of ASCII digits (a normalised number).
    public static func forms(ofDigits digits: String) -> [String]? {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return ["+" + digits, digits, "00" + digits]
    }
}
