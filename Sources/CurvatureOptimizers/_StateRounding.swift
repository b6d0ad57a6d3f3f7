// Rounds every Float (or Double) array of a Codable optimizer state to a storage precision,
// through the checkpoint encoder (threshold 0: every array becomes a tensor) and decoder, so
// every method's state is reached without code in its blocks (Notes/LowPrecision.md).

import DenseLinearAlgebra

enum StateRounding {
    /// `state` with every floating-point array rounded to `precision`, decoded (and so
    /// validated) again.
    /// - Throws: ``LowPrecisionTrainingError`` (`stateOverflow` for an array that was finite and
    ///   holds ±∞ once rounded; `stateRejected` when the rounded state fails to decode).
    static func rounded<State: Codable>(_ state: State, to precision: StoragePrecision, step: Int) throws -> State {
        let encoder = CheckpointTreeEncoder(tensorThreshold: 0)
        let tree = try encoder.encode(state)
        var tensors = encoder.tensors
        for index in tensors.indices {
            if let largest = round(&tensors[index], to: precision) {
                throw LowPrecisionTrainingError(step: step, precision: precision, kind: .stateOverflow(
                    tensor: encoder.tensorPaths[index], largestMagnitude: largest))
            }
        }
        let decoder = CheckpointTreeDecoder { tensors[$0] }
        do {
            return try decoder.decode(State.self, from: tree)
        } catch {
            throw LowPrecisionTrainingError(step: step, precision: precision, kind: .stateRejected("\(error)"))
        }
    }

    /// Rounds `tensor` in place; returns the largest finite magnitude before rounding when some
    /// finite value overflowed (nil when none did).
    static func round(_ tensor: inout CheckpointTensor, to precision: StoragePrecision) -> Double? {
        func roundValues<Scalar: BinaryFloatingPoint>(_ values: inout [Scalar]) -> Double? {
            let original = values
            values.withUnsafeMutableBufferPointer { precision.round($0) }
            let overflowed = zip(original, values).contains { $0.isFinite && !$1.isFinite }
            return overflowed ? original.withUnsafeBufferPointer { StoragePrecision.largestMagnitude($0) } : nil
        }
        switch tensor {
        case var .float(values):
            let result = roundValues(&values)
            tensor = .float(values)
            return result
        case var .double(values):
            let result = roundValues(&values)
            tensor = .double(values)
            return result
        }
    }
}
