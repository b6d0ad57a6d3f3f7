extension CoreSelection {
    /// The value of ``CoreSelection/markerVariable``: which core a re-execution selected or
    /// rejected, and the core OpenBLAS had chosen itself.
    enum Marker: Equatable {
        case selected(core: String, original: String)
        case rejected(core: String, original: String)

        /// Parses `selected:<core>:<original>` or `rejected:<core>:<original>`; `nil` otherwise.
        init?(_ value: String) {
            let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
            switch parts[0] {
            case "selected": self = .selected(core: parts[1], original: parts[2])
            case "rejected": self = .rejected(core: parts[1], original: parts[2])
            default: return nil
            }
        }

        /// The variable's value.
        var value: String {
            switch self {
            case .selected(let core, let original): "selected:\(core):\(original)"
            case .rejected(let core, let original): "rejected:\(core):\(original)"
            }
        }
    }
}
