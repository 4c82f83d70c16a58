/// A config value that is one word out of a fixed list (`handset = always|fallback|never`).
protocol ConfigChoice: CaseIterable, RawRepresentable where RawValue == String {}

enum ChoiceValue {
    static func parse<Choice: ConfigChoice>(_ text: String, as _: Choice.Type = Choice.self) -> ValueParse<Choice> {
        if let choice = Choice(rawValue: text) { return .success(choice) }
        let names = Choice.allCases.map(\.rawValue)
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1] : names.joined()
        return .failure(ValueProblem(list))
    }
}
