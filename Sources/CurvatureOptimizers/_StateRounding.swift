// Rounds every Float (or Double) array of a Codable optimizer state to a storage precision,
// through the checkpoint encoder (threshold 0: every array becomes a tensor) and decoder, so
// every method's state is reached without code in its blocks (Notes/LowPrecision.md).

import DenseLinearAlgebra

enum StateRounding {
    /// The coding keys of the state's scalar statistics, kept in Float like the loss scale and
    /// the learning rate: K-FAC's and TKFAC's Fisher-trace average (a `1 × 1` matrix, started at
    /// `d_in·d_out`, which overflows float16 for any layer of more than 65 504 weights).
    static let scalarStatistics: Set<String> = ["fisherTrace"]

    /// `state` with every floating-point array rounded to `precision` except those under a key
    /// of ``scalarStatistics``, decoded (and so validated) again.
    /// - Throws: ``LowPrecisionTrainingError`` (`stateOverflow` for an array that was finite and
    ///   holds ±∞ once rounded; `stateRejected` when the rounded state fails to decode).
    static func rounded<State: Codable>(_ state: State, to precision: StoragePrecision, step: Int) throws -> State {
        let encoder = CheckpointTreeEncoder(tensorThreshold: 0)
        let tree = try encoder.encode(state)
        var tensors = encoder.tensors
        let scalars = Set(encoder.tensorPaths.indices.filter { index in
            encoder.tensorPaths[index].split(separator: ".").contains { scalarStatistics.contains(String($0)) }
        })
        for index in tensors.indices where !scalars.contains(index) {
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
