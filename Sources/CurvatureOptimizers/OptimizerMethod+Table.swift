extension OptimizerMethod {
    /// The catalogue as two Markdown tables, methods then options: what `kronkit methods`
    /// prints and the README shows (a test keeps the README's copy equal to it).
    /// - Complexity: `O(#methods · #options)`.
    public static var catalogueTable: String {
        var lines = ["| method | what it is | builds | options | reference |", "|---|---|---|---|---|"]
        for method in allCases {
            let entry = method.entry
            let options = entry.options.map { "`\($0.flag)`" }.joined(separator: " ")
            lines.append("| `\(method.rawValue)` | \(entry.summary) | \(entry.builds) | \(options) | \(entry.reference) |")
        }
        lines += ["", "| option | what it sets | default | valid | read by |", "|---|---|---|---|---|"]
        for option in MethodOption.allCases {
            let readers = option.methods.count == allCases.count
                ? "every method" : option.methods.map(\.rawValue).joined(separator: ", ")
            lines.append("| `\(option.flag)` | \(option.summary) | \(option.defaultText) | \(option.range) | \(readers) |")
        }
        return lines.joined(separator: "\n")
    }
}
