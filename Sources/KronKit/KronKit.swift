// KronKit: the umbrella module. `import KronKit` brings in every kernel module;
// depend on a single module's product to take only that kernel.
@_exported import DenseLinearAlgebra
@_exported import LinearOperators
@_exported import SymmetricEigen
@_exported import KroneckerOperators
@_exported import RandomizedRange
@_exported import OnlineEigenUpdates
@_exported import HierarchicalMatrices
@_exported import StructuredFactors
