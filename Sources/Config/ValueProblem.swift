/// Why a value (or a file) was refused, before it is placed at a file and line.
/// `expected` completes "bad VALUE for KEY: expected …", or is a whole message for files.
struct ValueProblem: Error, Equatable {
    let expected: String

    init(_ expected: String) { self.expected = expected }
}

/// The result of reading one config value.
typealias ValueParse<T> = Result<T, ValueProblem>
