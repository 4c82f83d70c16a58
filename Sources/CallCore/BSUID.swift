/// A business-scoped user id (spec §9, §11.4): `CC.` and up to 128 alphanumerics, or a parent
/// id `CC.ENT.…` for linked portfolios, e.g. `US.13491208655302741918`. It keys a WhatsApp user
/// once Meta sends it, phone or no phone; kept inline like a call id.
public struct BSUID: Hashable, Sendable, CustomStringConvertible {
    /// Meta documents `CC.` + ≤128 alphanumerics (131 bytes; parents `CC.ENT.` + ≤128, 135). The
    /// id is used verbatim and never parsed, so any visible ASCII up to 256 bytes is taken:
    /// nearly twice Meta's longest, for a format Meta changed once already (Feb 6 2026).
    public static let maxLength = InlineText.capacity

    private let text: InlineText

    public init?(_ text: String) {
        guard let inline = InlineText(bytes: text.utf8, maxLength: Self.maxLength) else { return nil }
        self.text = inline
    }

    public var description: String { text.description }
}
