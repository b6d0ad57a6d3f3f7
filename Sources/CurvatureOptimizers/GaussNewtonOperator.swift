import DenseLinearAlgebra
import LinearOperators
import NeuralNetworks

/// The exact generalised Gauss–Newton matrix of a ``/NeuralNetworks/Sequential`` network on one
/// batch, as a matrix-free symmetric positive semidefinite operator over the flattened
/// parameter vector (``ParameterShapes/flatten(_:)``): the true curvature that every member of
/// the K-FAC family approximates block by block.
///
/// For the batch-mean loss `L = (1/b) Σᵢ ℓ(f(xᵢ, θ), tᵢ)` it is
/// `G = (1/b) Σᵢ Jᵢᵀ·∇²ℓ(yᵢ)·Jᵢ`, `Jᵢ = ∂f(xᵢ, θ)/∂θ` (Schraudolph 2002; Martens 2020, §8),
/// applied to a vector `v` in three passes:
/// 1. `J·v` forward: each layer's tangent map (``TangentLinearLayer``) carries `dx` from the
///    layer below, and a parameterised layer adds its weight direction `(∂y/∂W̃)·dW̃`;
/// 2. `u = H·J·v` per example, with the loss Hessian from its square root
///    (``GaussNewtonLoss/hessianSquareRootColumns(output:)``, `∇²ℓ = Σ_c h_c h_cᵀ`) and the
///    batch mean's `1/b`;
/// 3. `Jᵀ·u` by the network's own backward pass (the weight gradients for the output
///    gradient `u`).
///
/// **Fisher.** For the losses of this library — softmax cross-entropy, sigmoid cross-entropy
/// and squared error — the output is the natural parameter of the predictive distribution
/// (categorical, Bernoulli, Gaussian `N(y, I)`), so the GGN *is* the Fisher information of the
/// model's predictive distribution, `E_{t∼p(t|y)}[∇ℓ∇ℓᵀ]` (Martens 2020, §9.2); it is not the
/// empirical Fisher built from the data's labels.
///
/// The batch is evaluated once, when the operator is built: products at the same parameters
/// reuse that evaluation. The operator holds a copy of the model, so training the model
/// afterwards does not change it.
///
/// - Complexity: building: one forward pass. Each product with one vector: about two forward
///   passes (the tangent pass evaluates each parameterised layer with the weight direction and,
///   above the first, with its bias-free weight on `dx`), one backward pass, and
///   `O(C²·b)` for the loss Hessian of `C` outputs. A block of `k` vectors costs `k` times that.
public struct GaussNewtonOperator<Scalar: LinearAlgebraScalar>: SymmetricOperator {
    /// The layers' weight shapes: the layout of the flattened parameter vector.
    public let layout: ParameterShapes
    /// The model after its forward pass on the batch (its captures serve every backward pass).
    let model: Sequential<Scalar>
    /// The input of every layer on the batch, then the network's output.
    let activations: [Matrix<Scalar>]
    /// `h_c/√b` for each column `c` of the loss Hessian's square root: `H = Σ_c h̃_c h̃_cᵀ` per example.
    let hessianRoots: [Matrix<Scalar>]

    /// The GGN of `model` on the batch `input` (features × b) under `loss`.
    /// - Complexity: one forward pass and the loss Hessian's square root.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` naming a layer that does
    ///   not conform to ``TangentLinearLayer``, or for an empty batch; as the forward pass and
    ///   ``GaussNewtonLoss/hessianSquareRootColumns(output:)``.
    public init(model: Sequential<Scalar>, input: Matrix<Scalar>, loss: some GaussNewtonLoss<Scalar>) throws {
        let operation = "GaussNewtonOperator"
        for (index, layer) in model.layers.enumerated() where !(layer is any TangentLinearLayer<Scalar>) {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "layer \(index) (\(type(of: layer))) has no Jacobian-vector product (conform it to TangentLinearLayer)")
        }
        guard input.columns > 0 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "the batch has no examples")
        }
        try input.requireFinite(operation, argument: "input")
        // One forward pass, layer by layer, keeping every layer's input; the layers keep their
        // captures for the backward passes.
        var layers = model.layers
        var activations = [input]
        activations.reserveCapacity(layers.count + 1)
        var x = input
        for index in layers.indices {
            x = try layers[index].forward(x)
            activations.append(x)
        }
        let scale = 1 / Scalar(input.columns).squareRoot()
        hessianRoots = try loss.hessianSquareRootColumns(output: x).map { $0.scaled(by: scale) }
        self.model = try Sequential(layers)
        self.activations = activations
        layout = ParameterShapes(model)
    }

    /// `P`, the number of parameters. - Complexity: `O(layers)`.
    public var rows: Int { layout.parameterCount }
    /// `P`. - Complexity: `O(layers)`.
    public var columns: Int { layout.parameterCount }

    /// `G·X` for `X` of `P` rows, one GGN-vector product per column.
    /// - Complexity: per column about two forward passes and one backward pass (see the type).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `P` rows, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `X`.
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: rows, "GaussNewtonOperator.apply")
        try x.requireFinite("GaussNewtonOperator.apply", argument: "X")
        var result = try Matrix<Scalar>(rows: rows, columns: x.columns)
        for j in 0..<x.columns {
            let tangent = try jacobianProduct(layout.split(x.column(j)))
            try result.setColumn(j, to: layout.flatten(jacobianTransposedProduct(outputHessianProduct(tangent))))
        }
        return result
    }

    /// `J·v`: the change of the network's output (`outputSize × b`) along the parameter
    /// direction `v`, given as one matrix per parameterised layer.
    /// - Complexity: about two forward passes (one for the first parameterised layer).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   direction has the layers' shapes.
    public func jacobianProduct(_ direction: [Matrix<Scalar>]) throws -> Matrix<Scalar> {
        let shapes = direction.map { [$0.rows, $0.columns] }
        guard shapes == layout.shapes else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "GaussNewtonOperator.jacobianProduct", expected: "directions of shapes \(layout.shapes)",
                actual: "\(shapes)")
        }
        // `nil` while the tangent is zero (below the first parameterised layer).
        var tangent: Matrix<Scalar>?
        var parameterized = 0
        for (index, layer) in model.layers.enumerated() {
            let (x, y) = (activations[index], activations[index + 1])
            let propagated = try tangent.map { dx in
                try (layer as! any TangentLinearLayer<Scalar>).inputTangent(dx, input: x, output: y)
            }
            if let weighted = layer as? any ParameterizedLayer<Scalar> {
                var sum = try weighted.weightTangent(direction[parameterized], input: x)
                if let propagated { try sum.add(propagated, scaledBy: 1) }
                tangent = sum
                parameterized += 1
            } else {
                tangent = propagated
            }
        }
        return tangent ?? Matrix(shapeOf: activations[activations.count - 1])
    }

    /// `H·U`: the Hessian of the batch-mean loss in the output applied to `U` (`outputSize × b`),
    /// example by example: `(1/b) Σ_c h_c (h_cᵀ uᵢ)`.
    /// - Complexity: `2·C²·b` flops for `C` outputs.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `U` has
    ///   the output's shape.
    public func outputHessianProduct(_ u: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let output = activations[activations.count - 1]
        try output.requireSameShape(as: u, "GaussNewtonOperator.outputHessianProduct")
        var result = Matrix<Scalar>(shapeOf: u)
        let (classes, batch) = (u.rows, u.columns)
        for root in hessianRoots {
            root.withUnsafeBufferPointer { h in
                u.withUnsafeBufferPointer { v in
                    result.withUnsafeMutableBufferPointer { r in
                        for i in 0..<batch {
                            let column = i * classes
                            var projection: Scalar = 0
                            for k in column..<column + classes { projection += h[k] * v[k] }
                            for k in column..<column + classes { r[k] += projection * h[k] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// `Jᵀ·U`: the weight gradients, one matrix per parameterised layer, that the network's
    /// backward pass produces for the output gradient `U` (`outputSize × b`).
    /// - Complexity: one backward pass without the input gradient.
    /// - Throws: as ``/NeuralNetworks/Sequential/backward(_:producing:)`` for a `U` of another shape.
    public func jacobianTransposedProduct(_ u: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        var pass = model
        try pass.backward(u, producing: .parameterGradients)
        return pass.parameterizedLayers.map { $0.weightGradient }
    }
}
