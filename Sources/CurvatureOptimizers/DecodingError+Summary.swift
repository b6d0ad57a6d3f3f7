extension DecodingError {
    /// The error in one short phrase with the coding path as a dotted key path (`no value for
    /// 'optimizer.blocks.0.inverse.basis'`), for messages about a file: Foundation's description
    /// prints the whole context, coding keys as structures.
    var summary: String {
        func dotted(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case let .keyNotFound(key, context): return "no value for '\(dotted(context.codingPath + [key]))'"
        case let .valueNotFound(type, context): return "no \(type) at '\(dotted(context.codingPath))'"
        case let .typeMismatch(type, context): return "'\(dotted(context.codingPath))' is not a \(type)"
        case let .dataCorrupted(context):
            let place = dotted(context.codingPath)
            return context.debugDescription + (place.isEmpty ? "" : " (at '\(place)')")
        @unknown default: return "\(self)"
        }
    }
}
