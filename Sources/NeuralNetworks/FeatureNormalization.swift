import DenseLinearAlgebra

/// How a ``FeatureNormalization`` is fitted.
public enum NormalizationMethod: String, Sendable, CaseIterable {
    /// The identity.
    case none
    /// One offset and scale for all features, mapping the training data's range onto
    /// `[0, 1]` (`0…255` pixels become `0…1`; data already spanning `[0, 1]` stay as they are).
    case unit
    /// Per feature: subtract the training mean, divide by the training standard deviation
    /// (a constant feature is only centred).
    case standard
}

/// An affine map of the features, `x'ᵢ = (xᵢ − offsetᵢ) · scaleᵢ`, fitted on training
/// examples and applied unchanged to the test examples (so both see the same map).
public struct FeatureNormalization<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
    /// Subtracted from each feature (one entry per feature).
    public let offsets: [Scalar]
    /// Multiplies each centred feature.
    public let scales: [Scalar]

    /// The map of `method` fitted on `features` (`featureCount × count`).
    /// - Complexity: one pass over `features` (two for `standard`), after the finiteness check's.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for a NaN or infinite
    ///   feature, which would make the map NaN for every example.
    @inlinable
    public init(fitting features: Matrix<Scalar>, method: NormalizationMethod) throws {
        try features.requireFinite("FeatureNormalization(fitting:method:)", argument: "features")
        let d = features.rows, n = features.columns
        switch method {
        case .none:
            offsets = Array(repeating: 0, count: d)
            scales = Array(repeating: 1, count: d)
        case .unit:
            var (low, high): (Scalar, Scalar) = (0, 0)
            features.withUnsafeBufferPointer { values in
                guard let first = values.first else { return }
                (low, high) = (first, first)
                for value in values {
                    low = Swift.min(low, value)
                    high = Swift.max(high, value)
                }
            }
            let range = high - low
            offsets = Array(repeating: low, count: d)
            scales = Array(repeating: range > 0 ? 1 / range : 1, count: d)
        case .standard:
            var mean = [Double](repeating: 0, count: d)
            var squares = [Double](repeating: 0, count: d)
            features.withUnsafeBufferPointer { values in
                for j in 0..<n {
                    for i in 0..<d { mean[i] += Double(values[j * d + i]) }
                }
                for i in 0..<d { mean[i] /= Double(Swift.max(n, 1)) }
                for j in 0..<n {
                    for i in 0..<d {
                        let centred = Double(values[j * d + i]) - mean[i]
                        squares[i] += centred * centred
                    }
                }
            }
            offsets = mean.map { Scalar($0) }
            scales = squares.map { sum in
                let deviation = (sum / Double(Swift.max(n, 1))).squareRoot()
                return deviation > 0 ? Scalar(1 / deviation) : 1
            }
        }
    }

    /// Whether the map is the identity.
    @inlinable
    public var isIdentity: Bool { offsets.allSatisfy { $0 == 0 } && scales.allSatisfy { $0 == 1 } }

    /// `features` with each row mapped.
    /// - Complexity: one pass over `features`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `features`
    ///   has another number of rows than the map was fitted on;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for a NaN or infinite feature.
    @inlinable
    public func apply(to features: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard features.rows == offsets.count else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "FeatureNormalization.apply", expected: "\(offsets.count) features",
                actual: "\(features.rows)")
        }
        try features.requireFinite("FeatureNormalization.apply", argument: "features")
        if isIdentity { return features }
        var result = features
        let d = features.rows
        result.withUnsafeMutableBufferPointer { values in
            offsets.withUnsafeBufferPointer { offsets in
                scales.withUnsafeBufferPointer { scales in
                    for j in 0..<(values.count / Swift.max(d, 1)) {
                        for i in 0..<d { values[j * d + i] = (values[j * d + i] - offsets[i]) * scales[i] }
                    }
                }
            }
        }
        return result
    }

    /// `data` with its features mapped.
    /// - Throws: as ``apply(to:)-(Matrix<Scalar>)``.
    public func apply(to data: LabeledDataSet<Scalar>) throws -> LabeledDataSet<Scalar> {
        try LabeledDataSet(features: try apply(to: data.features), labels: data.labels, classCount: data.classCount)
    }
}
