// Shared by the submission checks and the API key header.
extension String {
    /// Without leading and trailing white space and line breaks (Unicode's definition), in Swift rather than through
    /// NSString: this runs on every field of every submission.
    var trimmedOfWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
