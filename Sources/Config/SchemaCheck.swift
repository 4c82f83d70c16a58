/// Applies a schema to a parsed file: unknown sections and keys (with a suggestion),
/// misplaced keys and duplicates; hands each known section to a `SectionReader`, which
/// reports missing required keys and bad values.
struct SchemaCheck {
    let file: ConfigFile
    let schema: [SectionSchema]
    private(set) var problems: [ConfigProblem] = []
    /// The first occurrence of every known unnamed section, by name.
    private(set) var sections: [String: ConfigSection] = [:]
    /// Named sections (`[agent NAME]`) in file order, one per distinct name.
    private(set) var namedSections: [String: [ConfigSection]] = [:]

    init(_ file: ConfigFile, schema: [SectionSchema]) {
        self.file = file
        self.schema = schema
        for entry in file.topLevel {
            report(entry.line, "key '\(entry.key)' is not inside a [section]")
        }
        var seenHeaders: [String: Int] = [:]
        for section in file.sections {
            guard let sectionSchema = schema.first(where: { $0.name == section.name }) else {
                let hint = Suggestion.nearest(to: section.name, among: schema.map(\.name))
                report(section.line, "unknown section [\(section.name)]" + (hint.map { "; did you mean [\($0)]?" } ?? ""))
                continue
            }
            let label = Self.label(section)
            if sectionSchema.isNamed {
                guard let name = section.argument else {
                    report(section.line, "[\(section.name)] needs a name, e.g. [\(section.name) alice]")
                    continue
                }
                if !Self.isValidName(name) {
                    report(section.line, "bad name '\(name)' in [\(section.name) …]: use letters, digits, '.', '-' or '_'")
                    continue
                }
            } else if section.argument != nil {
                report(section.line, "section [\(section.name)] takes no name")
                continue
            }
            if let first = seenHeaders[label] {
                report(section.line, "duplicate section \(label) (first on line \(first))")
                continue
            }
            seenHeaders[label] = section.line
            checkKeys(section, schema: sectionSchema, label: label)
            if sectionSchema.isNamed {
                namedSections[section.name, default: []].append(section)
            } else {
                sections[section.name] = section
            }
        }
    }

    /// `[routing]` or `[agent alice]`, as messages name a section.
    static func label(_ section: ConfigSection) -> String {
        section.argument.map { "[\(section.name) \($0)]" } ?? "[\(section.name)]"
    }

    /// Agent names end up in sessions and logs, so they stay plain.
    private static let longestName = 64

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= longestName && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "_"
        }
    }

    private mutating func checkKeys(_ section: ConfigSection, schema: SectionSchema, label: String) {
        var seen: [String: Int] = [:]
        for entry in section.entries {
            if schema.key(entry.key) == nil {
                let hint = Suggestion.nearest(to: entry.key, among: schema.keyNames)
                report(entry.line, "unknown key '\(entry.key)' in \(label)" + (hint.map { "; did you mean '\($0)'?" } ?? ""))
            } else if let first = seen[entry.key] {
                report(entry.line, "duplicate key '\(entry.key)' in \(label) (first set on line \(first))")
            } else {
                seen[entry.key] = entry.line
            }
        }
    }

    private mutating func report(_ line: Int, _ message: String) {
        problems.append(ConfigProblem(file: file.file, line: line, message: message))
    }

    /// A reader for an unnamed section; an absent section reads as all defaults.
    func reader(_ sectionSchema: SectionSchema) -> SectionReader {
        SectionReader(file: file.file, section: sections[sectionSchema.name], schema: sectionSchema)
    }

    /// One reader per `[name ARG]` section, in file order.
    func namedReaders(_ sectionSchema: SectionSchema) -> [SectionReader] {
        (namedSections[sectionSchema.name] ?? []).map {
            SectionReader(file: file.file, section: $0, schema: sectionSchema)
        }
    }
}
