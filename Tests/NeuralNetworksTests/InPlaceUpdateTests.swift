import DenseLinearAlgebra
import NeuralNetworks
import Testing

/// `apply(update:scaledBy:)` works on the weight's own storage: the result is bit for bit the
/// copying formula (the same `?axpy`, then the same rounding for a low-precision layer), a
/// non-finite result throws and leaves the weight's bits unchanged, and the storage is the
/// same buffer afterwards (no copy) for every trainable layer kind. Exact comparisons: the
/// in-place path runs the same BLAS call on the same operands as the reference.
@Suite("Weight updates run in place with the copying formula's results and guarantees")
struct InPlaceUpdateTests {
    static let precisions: [StoragePrecision?] = [nil, .bfloat16, .float16]

    /// conv → dense → LayerNorm → PositionEmbedding → residual dense → dense: every trainable
    /// layer kind, one of them inside a composite; stored in `precision` when given.
    static func network<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ precision: StoragePrecision?) throws
        -> Sequential<Scalar> {
        var generator = Xoshiro256StarStar(seed: 30)
        let geometry = try ConvolutionGeometry(inputHeight: 5, inputWidth: 4, inputChannels: 2, kernelHeight: 3,
                                               kernelWidth: 3, stride: 1, padding: 1)
        let network = try Sequential<Scalar>([
            try Conv2d(geometry: geometry, outputChannels: 3, using: &generator), try Activation(.relu, size: 60),
            try Dense(inputSize: 60, outputSize: 8, using: &generator),
            try LayerNorm(features: 4, positions: 2),
            try PositionEmbedding(features: 4, positions: 2, using: &generator),
            try Residual([try Dense(inputSize: 8, outputSize: 8, using: &generator) as any Layer<Scalar>]),
            try Dense(inputSize: 8, outputSize: 3, bias: false, using: &generator),
        ])
        return try precision.map { try network.storing(in: $0) } ?? network
    }

    /// Equal values with equal signs: the same bits for matrices without NaN.
    static func sameBits<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) -> Bool {
        a.rows == b.rows && a.columns == b.columns
            && zip(a.elements, b.elements).allSatisfy { $0 == $1 && $0.sign == $1.sign }
    }

    static func address<Scalar>(_ matrix: Matrix<Scalar>) -> UInt {
        matrix.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    /// The pre-in-place formula: `W + α·U` on a copy, rounded to the layer's precision.
    static func copyingFormula<Scalar>(_ weight: Matrix<Scalar>, _ update: Matrix<Scalar>, _ alpha: Scalar,
                                       _ precision: StoragePrecision?) throws -> Matrix<Scalar> {
        var result = weight
        try result.add(update, scaledBy: alpha)
        if let precision { precision.round(&result) }
        return result
    }

    func inPlaceEqualsTheCopyingFormula<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ precision: StoragePrecision?)
        throws {
        var network = try Self.network(Scalar.self, precision)
        var generator = Xoshiro256StarStar(seed: 31)
        for k in 0..<network.trainableLayerCount {
            let weight = network.trainableLayers[k].weight
            let update = try Matrix<Scalar>.randomGaussian(rows: weight.rows, columns: weight.columns, using: &generator)
            let expected = try Self.copyingFormula(weight, update, -0.37, precision)
            try network.apply(update: update, scaledBy: -0.37, toParameterizedLayer: k)
            #expect(Self.sameBits(network.trainableLayers[k].weight, expected), "layer \(k)")
        }
    }

    @Test("in place equals the copying formula bit for bit", arguments: precisions)
    func inPlaceEqualsTheCopyingFormula(precision: StoragePrecision?) throws {
        try inPlaceEqualsTheCopyingFormula(Float.self, precision)
        try inPlaceEqualsTheCopyingFormula(Double.self, precision)
    }

    func noCopy<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ precision: StoragePrecision?) throws {
        var network = try Self.network(Scalar.self, precision)
        for k in 0..<network.trainableLayerCount {
            let before = Self.address(network.trainableLayers[k].weight)
            // No copy of the layer may be held here: that would share the storage.
            let update = Matrix(shapeOf: network.trainableLayers[k].weight, repeating: 1)
            try network.apply(update: update, scaledBy: 0.5, toParameterizedLayer: k)
            #expect(Self.address(network.trainableLayers[k].weight) == before, "layer \(k)")
        }
    }

    /// The probe sees a copy: with a copy of the weight held, the update moves it to a new buffer
    /// (allocated while the old one is still alive, so the address differs).
    @Test func aHeldCopyIsCopiedOnWrite() throws {
        var network = try Self.network(Double.self, nil)
        let held = network.trainableLayers[0].weight
        try network.apply(update: Matrix(shapeOf: held, repeating: 1), scaledBy: 0.5, toParameterizedLayer: 0)
        #expect(Self.address(network.trainableLayers[0].weight) != Self.address(held))
    }

    @Test("the weight keeps its storage: no copy", arguments: precisions)
    func noCopy(precision: StoragePrecision?) throws {
        try noCopy(Float.self, precision)
        try noCopy(Double.self, precision)
    }

    /// NaN, +∞ and an overflowing sum throw `nonFiniteInput` and change no bit; a sum near the
    /// largest stored value that cancels (the exact check's path) is applied as the formula.
    func nonFiniteResultsThrow<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ precision: StoragePrecision?) throws {
        var network = try Self.network(Scalar.self, precision)
        let largest = precision?.greatestFiniteMagnitude ?? Double(Scalar.greatestFiniteMagnitude)
        for k in 0..<network.trainableLayerCount {
            var large = network.trainableLayers[k].weight
            large[0, 0] = Scalar(0.75 * largest)
            try network.setWeight(large, ofParameterizedLayer: k)
            let before = network.trainableLayers[k].weight
            var updates: [Matrix<Scalar>] = []
            for bad in [Scalar.nan, .infinity, Scalar(0.75 * largest)] {
                var update = Matrix<Scalar>(shapeOf: before)
                update[update.rows - 1, update.columns - 1] = 1
                update[0, 0] = bad
                updates.append(update)
            }
            for update in updates {
                let error = #expect(throws: LinearAlgebraError.self, "layer \(k)") {
                    try network.apply(update: update, scaledBy: 1, toParameterizedLayer: k)
                }
                guard case .nonFiniteInput? = error else {
                    Issue.record("layer \(k): \(String(describing: error))")
                    continue
                }
                #expect(Self.sameBits(network.trainableLayers[k].weight, before), "layer \(k)")
            }
            #expect(throws: LinearAlgebraError.self) {
                try network.apply(update: Matrix(rows: 1, columns: 1), scaledBy: 1, toParameterizedLayer: k)
            }
            #expect(Self.sameBits(network.trainableLayers[k].weight, before), "layer \(k)")
            var cancelling = Matrix<Scalar>(shapeOf: before)
            cancelling[0, 0] = Scalar(-0.5 * largest)
            let expected = try Self.copyingFormula(before, cancelling, 1, precision)
            try network.apply(update: cancelling, scaledBy: 1, toParameterizedLayer: k)
            #expect(Self.sameBits(network.trainableLayers[k].weight, expected), "layer \(k)")
        }
    }

    @Test("a non-finite result throws and leaves the weight bit-identical", arguments: precisions)
    func nonFiniteResultsThrow(precision: StoragePrecision?) throws {
        try nonFiniteResultsThrow(Float.self, precision)
        try nonFiniteResultsThrow(Double.self, precision)
    }

    /// The check reads every entry: a NaN, ±∞, an overflowing sum or an overflowing `α·u` at the first,
    /// the last, or an inner index of a weight of odd size (a vector loop's body and its tail) throws and
    /// changes no bit; a sum there near the largest stored value that cancels is applied as the formula.
    func everyEntryIsChecked<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ precision: StoragePrecision?) throws {
        var generator = Xoshiro256StarStar(seed: 32)
        let plain = try Sequential<Scalar>([try Dense(inputSize: 36, outputSize: 29, using: &generator)])
        var network = try precision.map { try plain.storing(in: $0) } ?? plain
        let start = network.trainableLayers[0].weight
        let (rows, count) = (start.rows, start.rows * start.columns)
        let largest = precision?.greatestFiniteMagnitude ?? Double(Scalar.greatestFiniteMagnitude)
        for index in [0, 1, 7, 8, count / 2 + 3, count - 2, count - 1] {
            let (i, j) = (index % rows, index / rows)
            var large = start
            large[i, j] = Scalar(0.75 * largest)
            try network.setWeight(large, ofParameterizedLayer: 0)
            let before = network.trainableLayers[0].weight
            let cases: [(entry: Scalar, alpha: Scalar)] = [
                (.nan, 1), (.infinity, 1), (-.infinity, 1), (Scalar(0.75 * largest), 1),
                (Scalar.greatestFiniteMagnitude / 2, 4),
            ]
            for (entry, alpha) in cases {
                var update = Matrix<Scalar>(shapeOf: before, repeating: 1)
                update[i, j] = entry
                let error = #expect(throws: LinearAlgebraError.self, "index \(index), entry \(entry)") {
                    try network.apply(update: update, scaledBy: alpha, toParameterizedLayer: 0)
                }
                guard case .nonFiniteInput? = error else {
                    Issue.record("index \(index), entry \(entry): \(String(describing: error))")
                    continue
                }
                #expect(Self.sameBits(network.trainableLayers[0].weight, before), "index \(index), entry \(entry)")
            }
            var cancelling = Matrix<Scalar>(shapeOf: before, repeating: 1)
            cancelling[i, j] = Scalar(-0.5 * largest)
            let expected = try Self.copyingFormula(before, cancelling, 1, precision)
            try network.apply(update: cancelling, scaledBy: 1, toParameterizedLayer: 0)
            #expect(Self.sameBits(network.trainableLayers[0].weight, expected), "index \(index)")
        }
    }

    @Test("every entry of the weight and the update is checked", arguments: precisions)
    func everyEntryIsChecked(precision: StoragePrecision?) throws {
        try everyEntryIsChecked(Float.self, precision)
        try everyEntryIsChecked(Double.self, precision)
    }
}
