import DenseLinearAlgebra

/// A chain of layers applied in order, with backpropagation through all of them.
///
/// After ``forward(_:)`` and ``backward(_:)`` every ``ParameterizedLayer`` holds its
/// captured `ã`, `g` and `∇W̃` for that step. An optimizer reads them through
/// ``parameterizedLayers`` and writes weights back with
/// ``setWeight(_:ofParameterizedLayer:)`` or ``apply(update:scaledBy:toParameterizedLayer:)``;
/// parameterised layers are numbered in network order, `0 ..< parameterizedLayerCount`.
public struct Sequential<Scalar: LinearAlgebraScalar>: Sendable {
    /// The layers, input first.
    public private(set) var layers: [any Layer<Scalar>]
    /// Positions in ``layers`` of the parameterised layers, in order.
    public let parameterizedLayerIndices: [Int]

    /// Chains `layers`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for no layers;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when a layer's
    ///   `outputSize` differs from the next layer's `inputSize`.
    public init(_ layers: [any Layer<Scalar>]) throws {
        guard !layers.isEmpty else {
            throw LinearAlgebraError.invalidArgument(operation: "Sequential", detail: "needs at least one layer")
        }
        for k in layers.indices.dropLast() where layers[k].outputSize != layers[k + 1].inputSize {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Sequential", expected: "layer \(k + 1) to take layer \(k)'s \(layers[k].outputSize) outputs",
                actual: "\(layers[k + 1].inputSize) inputs")
        }
        self.layers = layers
        parameterizedLayerIndices = layers.indices.filter { layers[$0] is any ParameterizedLayer<Scalar> }
    }

    /// Features per example the network takes.
    public var inputSize: Int { layers[0].inputSize }
    /// Features per example the network produces.
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    /// The number of parameterised layers.
    public var parameterizedLayerCount: Int { parameterizedLayerIndices.count }

    /// The parameterised layers in network order, with their captured `ã`, `g`, `∇W̃`.
    public var parameterizedLayers: [any ParameterizedLayer<Scalar>] {
        parameterizedLayerIndices.map { layers[$0] as! any ParameterizedLayer<Scalar> }
    }

    /// Runs the network on `input` (`inputSize × batch`), capturing every layer's state.
    /// - Complexity: the sum of the layers' forward costs plus one finiteness pass over `input`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a wrong
    ///   row count, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN or ±∞ input.
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try input.requireFinite("Sequential.forward", argument: "input")
        var x = input
        for k in layers.indices { x = try layers[k].forward(x) }
        return x
    }

    /// The network's output on `input` without touching this value's captured state
    /// (for evaluation).
    /// - Complexity: as ``forward(_:)``.
    /// - Throws: as ``forward(_:)``.
    public func predict(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var copy = self
        return try copy.forward(input)
    }

    /// Backpropagates `∂L/∂output` of the last ``forward(_:)`` through every layer and
    /// returns `∂L/∂input`.
    /// - Complexity: the sum of the layers' backward costs (about twice the forward flops).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   gradient's shape is not that of the last forward output.
    @discardableResult
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    /// Backpropagates `∂L/∂output` of the last ``forward(_:)`` through every layer, so each
    /// parameterised layer captures its `g`, computing only `products`: the parameter
    /// gradients `∇W̃` with ``BackwardProducts/parameterGradients`` (else each layer keeps the
    /// one of the last pass that computed it), and the returned `∂L/∂input` with
    /// ``BackwardProducts/inputGradient`` (else the result may be an empty `inputSize × 0`
    /// matrix and the first layer skips that GEMM). A training step needs
    /// `.parameterGradients`; the Monte-Carlo Fisher's extra pass needs only the captured `g`, `[]`.
    /// - Complexity: the layers' backward costs without the GEMMs not asked for: a dense
    ///   layer's backward is two GEMMs, one for `∇W̃` and one for `∂L/∂a`.
    /// - Throws: as ``backward(_:)``.
    @discardableResult
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        var g = outputGradient
        for k in layers.indices.reversed() {
            var layerProducts = products.intersection(.parameterGradients)
            if k > 0 || products.contains(.inputGradient) { layerProducts.insert(.inputGradient) }
            g = try layers[k].backward(g, producing: layerProducts)
        }
        return g
    }

    /// One training evaluation: forward on `input`, the mean `loss` against `target`,
    /// and backward, so every parameterised layer holds this batch's `ã`, `g`, `∇W̃`.
    /// - Returns: the mean loss over the batch and the network's output (kept for
    ///   accuracy and for sampling labels from the predictive distribution).
    /// - Complexity: one forward, one loss evaluation and one backward pass without the
    ///   gradient with respect to `input` (nobody reads it).
    /// - Throws: as ``forward(_:)``, ``Loss/valueAndGradient(output:target:)`` and ``backward(_:)``.
    @discardableResult
    public mutating func computeGradients(input: Matrix<Scalar>, target: Matrix<Scalar>,
                                          loss: some Loss<Scalar>) throws -> (loss: Scalar, output: Matrix<Scalar>) {
        let output = try forward(input)
        let (value, gradient) = try loss.valueAndGradient(output: output, target: target)
        try backward(gradient, producing: .parameterGradients)
        return (value, output)
    }

    /// Replaces `W̃` of parameterised layer `k` (numbered as in ``parameterizedLayers``).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `k` out of range;
    ///   as ``ParameterizedLayer/setWeight(_:)``.
    public mutating func setWeight(_ weight: Matrix<Scalar>, ofParameterizedLayer k: Int) throws {
        try updateParameterizedLayer(k) { try $0.setWeight(weight) }
    }

    /// `W̃_k ← W̃_k + α·U` for parameterised layer `k`.
    /// - Throws: as ``setWeight(_:ofParameterizedLayer:)``.
    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar, toParameterizedLayer k: Int) throws {
        try updateParameterizedLayer(k) { try $0.apply(update: update, scaledBy: alpha) }
    }

    /// Every parameterised layer's `W̃` in order: the model's state for a checkpoint
    /// (`[Matrix]` is `Codable`).
    public var parameters: [Matrix<Scalar>] { parameterizedLayers.map { $0.weight } }

    /// Restores weights saved from ``parameters``.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a wrong
    ///   count or shape (nothing is changed then).
    public mutating func setParameters(_ parameters: [Matrix<Scalar>]) throws {
        guard parameters.count == parameterizedLayerCount else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Sequential.setParameters", expected: "\(parameterizedLayerCount) weight matrices",
                actual: "\(parameters.count)")
        }
        var updated = self
        for (k, weight) in parameters.enumerated() { try updated.setWeight(weight, ofParameterizedLayer: k) }
        self = updated
    }

    private mutating func updateParameterizedLayer(
        _ k: Int, _ body: (inout any ParameterizedLayer<Scalar>) throws -> Void
    ) throws {
        guard parameterizedLayerIndices.indices.contains(k) else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Sequential", detail: "parameterised layer \(k) is not in 0..<\(parameterizedLayerCount)")
        }
        let index = parameterizedLayerIndices[k]
        var layer = layers[index] as! any ParameterizedLayer<Scalar>
        try body(&layer)
        layers[index] = layer
    }
}
