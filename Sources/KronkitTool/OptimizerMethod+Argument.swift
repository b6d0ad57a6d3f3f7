import ArgumentParser
import CurvatureOptimizers
import Foundation

/// The catalogue's methods as `--optimizer` values.
extension OptimizerMethod: ExpressibleByArgument {
    /// One line per method for `--help`, from the catalogue.
    static var helpText: String {
        allCases.map { "\($0.rawValue): \($0.entry.summary)" }.joined(separator: "\n")
    }

    /// The methods `kronkit compare` runs by default.
    static let compareDefault: [OptimizerMethod] = [.sgd, .adam, .kfac, .kfacInverse, .tkfac, .ekfac, .tekfac]

    /// Parses a comma-separated list (`sgd,adam,kfac`) or `all`.
    /// - Throws: `ValidationError` naming an unknown method and the known ones.
    static func list(parsing text: String) throws -> [OptimizerMethod] {
        if text == "all" { return allCases }
        var methods: [OptimizerMethod] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            let method = try ToolArgument.validated { try OptimizerMethod(named: name) }
            if !methods.contains(method) { methods.append(method) }
        }
        guard !methods.isEmpty else { throw ValidationError("--optimizers needs at least one method") }
        return methods
    }
}


extension MethodOption {
    /// `--help` for the option: the catalogue's summary, default and valid values.
    /// - Parameter valueName: the placeholder for the value (`rate`, `K,C`).
    func help(valueName: String? = nil) -> ArgumentHelp {
        ArgumentHelp("\(summary) (default: \(defaultText); \(range))", valueName: valueName)
    }

    /// A transform for an option whose value is one of the catalogue's names.
    /// - Parameter value: the value named by a string, or nil.
    /// - Returns: a parser throwing a `ValidationError` that lists the valid names.
    func choice<Value>(_ value: @escaping @Sendable (String) -> Value?) -> @Sendable (String) throws -> Value {
        let (flag, range) = (flag, range)
        return { text in
            guard let parsed = value(text) else { throw ValidationError("unknown \(flag) '\(text)'; \(range)") }
            return parsed
        }
    }

    /// The option's long name, `--` and the catalogue's name.
    var name: NameSpecification { .customLong(rawValue) }
}

/// Turning library errors met while parsing into the parser's usage errors.
enum ToolArgument {
    /// `body`'s value; an `OptimizerError` becomes a `ValidationError` with its description (exit 64).
    static func validated<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as OptimizerError {
            throw ValidationError(error.description)
        }
    }
}

extension LearningRates {
    /// Parses `0.1` or `sgd=0.1,kfac=0.05`.
    /// - Throws: `ValidationError` for a rate that is not a positive finite number or an unknown method.
    init(parsing text: String) throws {
        func rate(_ field: Substring) throws -> Double {
            guard let value = Double(field.trimmingCharacters(in: .whitespaces)), value > 0, value.isFinite else {
                throw ValidationError("learning rate '\(field)' is not a positive number")
            }
            return value
        }
        self.init()
        guard text.contains("=") else {
            all = try rate(Substring(text))
            return
        }
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let method = OptimizerMethod(rawValue: parts[0].trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("'\(entry)' is not METHOD=RATE with METHOD one of "
                    + OptimizerMethod.allCases.map(\.rawValue).joined(separator: ", "))
            }
            perMethod[method] = try rate(parts[1])
        }
    }
}

extension LearningRateSchedule {
    /// Parses `constant`, `cosine[:FLOOR]` (annealed over the run's `totalSteps`) or `step:EVERY:FACTOR`.
    /// - Throws: `ValidationError` for another form; ``/CurvatureOptimizers/OptimizerError`` for values out of range.
    init(parsing text: String, totalSteps: Int) throws {
        let parts = text.split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("constant", 1):
            self = .constant
        case ("cosine", 1):
            self = .cosine(totalSteps: totalSteps, floor: 0)
        case ("cosine", 2):
            guard let floor = Double(parts[1]), (0...1).contains(floor) else {
                throw ValidationError("cosine floor '\(parts[1])' is not a number in [0, 1]")
            }
            self = .cosine(totalSteps: totalSteps, floor: floor)
        case ("step", 3):
            guard let every = Int(parts[1]), let factor = Double(parts[2]) else {
                throw ValidationError("'\(text)' is not step:EVERY:FACTOR with an integer EVERY and a number FACTOR")
            }
            self = .stepDecay(every: every, factor: factor)
        default:
            throw ValidationError("unknown schedule '\(text)'; use constant, cosine[:FLOOR] or step:EVERY:FACTOR")
        }
        try validate()
    }
}
