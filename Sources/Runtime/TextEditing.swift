/// Small string edits the standard library lacks and Foundation would otherwise bring in.
extension StringProtocol {
    /// Strips the given characters from both ends.
    public func trimmed(of characters: String = " \t\r\n") -> String {
        let drop = Set(characters.unicodeScalars)
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, drop.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, drop.contains(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension String {
    /// The first occurrence of `target` replaced; the string unchanged when there is none.
    public func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
