import DenseLinearAlgebra

extension ParameterShapes {
    /// `P`, the length of the flattened parameter vector: the sum of the layers' weight sizes.
    /// - Complexity: `O(layers)`.
    public var parameterCount: Int { shapes.reduce(0) { $0 + $1[0] * $1[1] } }

    /// The flattened parameter vector of one matrix per layer: `[vec(W̃₀); vec(W̃₁); …]`, each
    /// `vec` column-major (so `vec(G·V·Aᵀ) = (A ⊗ G)·vec(V)` holds blockwise). This is the
    /// coordinate system of ``GaussNewtonOperator`` and ``KroneckerFactoredPreconditioner``.
    /// - Complexity: one copy of the `P` entries.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   matrices are one per layer, each of the layer's shape.
    public func flatten<Scalar: LinearAlgebraScalar>(_ matrices: [Matrix<Scalar>]) throws -> [Scalar] {
        let actual = matrices.map { [$0.rows, $0.columns] }
        guard actual == shapes else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "ParameterShapes.flatten", expected: "matrices of shapes \(shapes)", actual: "\(actual)")
        }
        var vector: [Scalar] = []
        vector.reserveCapacity(parameterCount)
        for matrix in matrices { vector.append(contentsOf: matrix.elements) }
        return vector
    }

    /// The inverse of ``flatten(_:)``: one matrix per layer from a vector of length `P`.
    /// - Complexity: one copy of the `P` entries.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   vector has `P` entries.
    public func split<Scalar: LinearAlgebraScalar>(_ vector: [Scalar]) throws -> [Matrix<Scalar>] {
        guard vector.count == parameterCount else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "ParameterShapes.split", expected: "a vector of \(parameterCount) parameters",
                actual: "\(vector.count) entries")
        }
        var offset = 0
        return try shapes.map { shape in
            let count = shape[0] * shape[1]
            defer { offset += count }
            return try Matrix(rows: shape[0], columns: shape[1], columnMajor: Array(vector[offset..<offset + count]))
        }
    }
}
