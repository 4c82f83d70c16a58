/// On/off settings. `on`/`off` is the documented spelling; yes/no and true/false are
/// accepted because installers type them anyway.
enum SwitchValue {
    static func parse(_ text: String) -> ValueParse<Bool> {
        switch text.lowercased() {
        case "on", "yes", "true": return .success(true)
        case "off", "no", "false": return .success(false)
        default: return .failure(ValueProblem("on or off"))
        }
    }
}
