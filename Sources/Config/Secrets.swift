/// The secrets file (`[box] secrets`): credentials kept out of `callbox.conf` so the config
/// can be shown, diffed and mailed around. Same syntax, keys at the top, no sections.
/// Refused unless mode 0600 or stricter. No message about this file ever quotes a value, and
/// an unknown key is quoted only when it is a near-miss of a real key name (a pasted token
/// containing `=` would otherwise be printed as a "key").
public struct Secrets: Hashable, Sendable {
    public var whatsappAccessToken: Secret
    public var whatsappAppSecret: Secret
    public var whatsappVerifyToken: Secret
    /// nil: nothing is logged to HubSpot.
    public var hubspotAccessToken: Secret?
    /// The developer account's API key: only `callbox hubspot register` uses it, because
    /// HubSpot's calling-settings API takes no private-app token (`?hapikey=`).
    public var hubspotDeveloperAPIKey: Secret? = nil

    /// What the sandbox runs on when no secrets file is given. They open nothing: the sandbox
    /// Graph API is inside the daemon and checks webhook signatures with these same values.
    public static let sandbox = Secrets(
        whatsappAccessToken: Secret("sandbox-access-token"),
        whatsappAppSecret: Secret("sandbox-app-secret"),
        whatsappVerifyToken: Secret("sandbox-verify-token"),
        hubspotAccessToken: nil)

    /// Group and other permission bits; any of them set refuses the file.
    static let groupOrOtherBits: UInt32 = 0o077

    /// Reads the file at `path`. With `isSandbox`, missing WhatsApp keys take sandbox values.
    static func load(path: String, isSandbox: Bool) -> (Secrets?, [ConfigProblem]) {
        let contents: FileReader.Contents
        switch FileReader.read(path) {
        case .success(let read): contents = read
        case .failure(let problem): return (nil, [ConfigProblem(file: path, line: ConfigProblem.fileLevelLine, message: problem.expected)])
        }
        if contents.permissions & groupOrOtherBits != 0 {
            let octal = String(contents.permissions, radix: 8)
            let mode = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
            return (nil, [ConfigProblem(file: path, line: ConfigProblem.fileLevelLine,
                                        message: "secrets file is readable by group or others (mode \(mode)); run chmod 600 \(path)")])
        }
        return parse(bytes: contents.bytes, file: path, isSandbox: isSandbox)
    }

    /// Values are taken literally, so quotes copied from a shell snippet would be sent to Meta.
    private static func isQuoted(_ value: String) -> Bool {
        guard value.count >= 2, let first = value.first, first == "\"" || first == "'" else { return false }
        return value.last == first
    }

    static func parse(bytes: [UInt8], file: String, isSandbox: Bool) -> (Secrets?, [ConfigProblem]) {
        let parsed = ConfigFile(bytes: bytes, file: file)
        var problems = parsed.problems
        func report(_ line: Int, _ message: String) {
            problems.append(ConfigProblem(file: file, line: line, message: message))
        }
        for section in parsed.sections {
            report(section.line, "sections are not allowed in the secrets file; put every key at the top")
        }
        var values: [String: Secret] = [:]
        var firstLines: [String: Int] = [:]
        for entry in parsed.topLevel {
            guard ConfigSchema.secretKeys.contains(entry.key) else {
                if let hint = Suggestion.nearest(to: entry.key, among: ConfigSchema.secretKeys) {
                    report(entry.line, "unknown key '\(entry.key)' in the secrets file; did you mean '\(hint)'?")
                } else {
                    report(entry.line, "unknown key in the secrets file (not shown, in case it is a secret); expected one of "
                        + ConfigSchema.secretKeys.joined(separator: ", "))
                }
                continue
            }
            if let first = firstLines[entry.key] {
                report(entry.line, "duplicate key '\(entry.key)' in the secrets file (first set on line \(first))")
                continue
            }
            firstLines[entry.key] = entry.line
            if entry.value.isEmpty {
                report(entry.line, "empty value for '\(entry.key)' in the secrets file")
            } else if isQuoted(entry.value) {
                report(entry.line, "the value of '\(entry.key)' is in quotes; write it without them (they would be part of the secret)")
            } else {
                values[entry.key] = Secret(entry.value)
            }
        }
        func required(_ key: String, sandboxValue: Secret) -> Secret {
            if let value = values[key] { return value }
            if isSandbox { return sandboxValue }
            if firstLines[key] == nil {
                report(ConfigProblem.fileLevelLine, "missing required key '\(key)' in the secrets file")
            }
            return sandboxValue
        }
        let secrets = Secrets(
            whatsappAccessToken: required("whatsapp_access_token", sandboxValue: Secrets.sandbox.whatsappAccessToken),
            whatsappAppSecret: required("whatsapp_app_secret", sandboxValue: Secrets.sandbox.whatsappAppSecret),
            whatsappVerifyToken: required("whatsapp_verify_token", sandboxValue: Secrets.sandbox.whatsappVerifyToken),
            hubspotAccessToken: values["hubspot_access_token"],
            hubspotDeveloperAPIKey: values["hubspot_developer_api_key"])
        return (problems.isEmpty ? secrets : nil, problems)
    }
}
