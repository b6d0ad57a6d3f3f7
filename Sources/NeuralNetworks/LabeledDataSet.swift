import DenseLinearAlgebra

/// Examples with class labels, one example per column of ``features``.
///
/// Built from arrays (``init(features:labels:classCount:)``), generated
/// (``SyntheticGlyphs``), or read from a user's files: IDX (MNIST, Fashion-MNIST),
/// CSV, or a pair of `.npy` files.
public struct LabeledDataSet<Scalar: LinearAlgebraScalar>: Sendable {
    /// `featureCount × count`: column `i` is example `i`.
    public let features: Matrix<Scalar>
    /// `labels[i] ∈ 0..<classCount` is the class of example `i`.
    public let labels: [Int]
    /// The number of classes.
    public let classCount: Int

    /// A data set from its parts.
    /// - Complexity: one finiteness pass over `features`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when there is
    ///   not one label per column; ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a
    ///   negative `classCount` or a label outside `0..<classCount`;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN or ±∞ features.
    public init(features: Matrix<Scalar>, labels: [Int], classCount: Int) throws {
        guard classCount >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "LabeledDataSet", detail: "class count \(classCount) must be ≥ 0")
        }
        guard labels.count == features.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "LabeledDataSet", expected: "one label per example (\(features.columns))",
                actual: "\(labels.count) labels")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw LinearAlgebraError.invalidArgument(
                operation: "LabeledDataSet", detail: "label \(labels[bad]) of example \(bad) is not in 0..<\(classCount)")
        }
        try features.requireFinite("LabeledDataSet", argument: "features")
        self.features = features
        self.labels = labels
        self.classCount = classCount
    }

    /// The number of examples.
    public var count: Int { labels.count }
    /// Features per example.
    public var featureCount: Int { features.rows }

    /// The labels as a `classCount × count` one-hot matrix, the targets of ``SoftmaxCrossEntropy``.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the matrix.
    public var oneHotLabels: Matrix<Scalar> { get throws { try Matrix.oneHot(labels, classCount: classCount) } }

    /// The examples at `indices`, in that order (repetitions allowed).
    /// - Complexity: one column copy per index.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for an index outside `0..<count`.
    @inlinable
    public func subset(_ indices: [Int]) throws -> LabeledDataSet {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw LinearAlgebraError.invalidArgument(
                operation: "LabeledDataSet.subset", detail: "index \(bad) is not in 0..<\(count)")
        }
        let d = featureCount
        var gathered = try Matrix<Scalar>(rows: d, columns: indices.count)
        try features.withView { source in
            try gathered.withMutableView { target in
                for (j, i) in indices.enumerated() { try target.columns(j ..< j + 1).copy(from: source.columns(i ..< i + 1)) }
            }
        }
        return try LabeledDataSet(features: gathered, labels: indices.map { labels[$0] }, classCount: classCount)
    }

    /// The examples split at random into a training and a test set, the test set holding
    /// `testFraction` of them (rounded to the nearest count): the order is that of one shuffled
    /// pass (``miniBatches(size:dropLast:using:)``), whose first examples are held out, so the
    /// split does not follow the file's order (often sorted by class). Both keep ``classCount``.
    /// - Complexity: one shuffle and one copy of every example.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless
    ///   `testFraction` is in `(0, 1)` and both sets get at least one example.
    public func split(testFraction: Double, using generator: inout some RandomNumberGenerator) throws
        -> (train: LabeledDataSet, test: LabeledDataSet) {
        let operation = "LabeledDataSet.split"
        guard testFraction > 0, testFraction < 1 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "test fraction \(testFraction) must be in (0, 1)")
        }
        let testCount = Int((Double(count) * testFraction).rounded())
        guard testCount >= 1, testCount < count else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "holding out \(testFraction) of \(count) examples leaves \(testCount) test and "
                    + "\(count - testCount) training examples")
        }
        let order = try miniBatches(size: count, using: &generator).order
        return (train: try subset(Array(order[testCount...])), test: try subset(Array(order[..<testCount])))
    }

    /// One pass over the data in mini-batches of `size` examples, in an order shuffled by
    /// `generator` (Fisher–Yates with `generator.next(upperBound:)`, so the order is a
    /// function of the generator state alone). The last batch is smaller unless `dropLast`.
    /// - Complexity: `O(count)` to shuffle; each batch is copied when the iteration reaches it.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `size < 1`.
    public func miniBatches(size: Int, dropLast: Bool = false,
                            using generator: inout some RandomNumberGenerator) throws -> MiniBatches<Scalar> {
        guard size >= 1 else {
            throw LinearAlgebraError.invalidArgument(operation: "miniBatches", detail: "batch size \(size) must be ≥ 1")
        }
        var order = Array(0..<count)
        if count > 1 {
            for k in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(k, Int(generator.next(upperBound: UInt64(k + 1))))
            }
        }
        return MiniBatches(dataSet: self, order: order, size: size, dropLast: dropLast)
    }
}

/// The mini-batches of one shuffled pass over a ``LabeledDataSet``; each element is a
/// ``LabeledDataSet`` of at most `size` examples, gathered when it is reached.
public struct MiniBatches<Scalar: LinearAlgebraScalar>: Sequence, IteratorProtocol, Sendable {
    /// The data being batched.
    public let dataSet: LabeledDataSet<Scalar>
    /// The shuffled example order of this pass.
    public let order: [Int]
    /// Examples per batch.
    public let size: Int
    /// Whether a final batch smaller than `size` is skipped.
    public let dropLast: Bool
    private var position = 0

    init(dataSet: LabeledDataSet<Scalar>, order: [Int], size: Int, dropLast: Bool) {
        (self.dataSet, self.order, self.size, self.dropLast) = (dataSet, order, size, dropLast)
    }

    /// The number of batches in the pass.
    public var batchCount: Int { dropLast ? order.count / size : (order.count + size - 1) / size }

    /// The next batch, or nil at the end of the pass.
    public mutating func next() -> LabeledDataSet<Scalar>? {
        let end = Swift.min(position + size, order.count)
        guard end > position, !(dropLast && end - position < size) else { return nil }
        defer { position = end }
        return try! dataSet.subset(Array(order[position..<end]))
    }
}
