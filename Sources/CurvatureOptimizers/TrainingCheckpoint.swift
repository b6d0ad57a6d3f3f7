import DenseLinearAlgebra
import Foundation
import NeuralNetworks

/// A model's parameters together with its optimizer's whole state, saved as JSON.
///
/// Every floating-point value is written in its shortest round-trip decimal
/// form (NaN and ±∞ as strings), so reading a checkpoint restores the state bit
/// for bit and a resumed run continues exactly as the uninterrupted one.
public struct TrainingCheckpoint<O: Optimizer>: Codable {
    /// Identifies the file format.
    public static var formatName: String { "kronkit-checkpoint-1" }

    public var format: String
    /// The optimizer's ``Optimizer/name``, checked when reading.
    public var method: String
    /// `"Float"` or `"Double"`, checked when reading.
    public var precision: String
    /// Every parameterised layer's weight, in model order.
    public var parameters: [Matrix<O.Scalar>]
    public var optimizer: O
    /// Whatever else the caller needs to resume (epoch, data order, …).
    public var userInfo: [String: String]

    /// A checkpoint of `model` and `optimizer` as they are now.
    public init(model: Sequential<O.Scalar>, optimizer: O, userInfo: [String: String] = [:]) {
        format = Self.formatName
        method = optimizer.name
        precision = "\(O.Scalar.self)"
        parameters = model.parameters
        self.optimizer = optimizer
        self.userInfo = userInfo
    }

    /// Writes the checkpoint atomically (a temporary file renamed into place).
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` when the file cannot be written.
    public func write(to path: String) throws {
        let data: Data
        do {
            data = try Self.encoder.encode(self)
        } catch {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "cannot be encoded: \(error)")
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "cannot be written: \(error.localizedDescription)")
        }
    }

    /// Reads a checkpoint written by ``write(to:)``.
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` for a missing or unreadable
    ///   file, another format, method or precision, or contents that do not decode.
    public static func read(from path: String) throws -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "cannot be read (missing or not readable)")
        }
        guard let header = try? decoder.decode(CheckpointHeader.self, from: data) else {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "is not a JSON checkpoint")
        }
        guard header.format == formatName else {
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "has format \(header.format ?? "none"), expected \(formatName)")
        }
        guard header.precision == "\(O.Scalar.self)" else {
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "holds \(header.precision ?? "unknown") state, expected \(O.Scalar.self)")
        }
        do {
            return try decoder.decode(Self.self, from: data)
        } catch {
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "does not hold a \(O.self) state (method \(header.method ?? "unknown")): \(error)")
        }
    }

    /// Copies the saved parameters into `model`.
    /// - Throws: ``OptimizerError/modelMismatch(_:)`` when the model has other layer shapes.
    public func restore(into model: inout Sequential<O.Scalar>) throws {
        let expected = parameters.map { [$0.rows, $0.columns] }
        let actual = model.parameters.map { [$0.rows, $0.columns] }
        guard expected == actual else {
            throw OptimizerError.modelMismatch("checkpoint has layers \(expected), model has \(actual)")
        }
        try model.setParameters(parameters)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// The identifying fields of a checkpoint, read before the whole state.
struct CheckpointHeader: Decodable {
    var format: String?
    var method: String?
    var precision: String?
}
