// swift-tools-version: 6.1
// KronKit: structured linear-algebra kernels on OpenBLAS, LAPACKE and FFTW,
// with a second-order optimizer module on top. Layering: Notes/ARCHITECTURE.md.

import PackageDescription

/// Kernel modules: each is a library product of its own, and `KronKit` re-exports them all.
let kernelModules = [
    "DenseLinearAlgebra",
    "LinearOperators",
    "SymmetricEigen",
    "KroneckerOperators",
    "RandomizedRange",
    "OnlineEigenUpdates",
    "HierarchicalMatrices",
    "StructuredFactors",
]

let package = Package(
    name: "KronKit",
    products: kernelModules.map { .library(name: $0, targets: [$0]) } + [
        .library(name: "KronKit", targets: ["KronKit"]),
        .library(name: "NeuralNetworks", targets: ["NeuralNetworks"]),
        .library(name: "CurvatureOptimizers", targets: ["CurvatureOptimizers"]),
        .library(name: "Distributed", targets: ["Distributed"]),
        .library(name: "MPIDistributed", targets: ["MPIDistributed"]),
        .executable(name: "kronkit", targets: ["kronkit"]),
        .executable(name: "kernel-report", targets: ["KernelReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.0.0"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
        // Documentation only (`make docs`): the `generate-documentation` command plugin.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev", "libfftw3-dev", "pkg-config"])]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Open MPI, for MPIDistributed only (the tool and the MPI check link it; no kernel module does).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(
            name: "DenseLinearAlgebra",
            dependencies: ["CLinearAlgebra", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .target(name: "LinearOperators", dependencies: ["DenseLinearAlgebra"]),
        .target(name: "SymmetricEigen", dependencies: ["DenseLinearAlgebra", "LinearOperators"]),
        .target(name: "KroneckerOperators", dependencies: ["DenseLinearAlgebra", "LinearOperators", "SymmetricEigen"]),
        .target(name: "RandomizedRange", dependencies: ["DenseLinearAlgebra", "LinearOperators", "SymmetricEigen"]),
        .target(name: "OnlineEigenUpdates", dependencies: ["DenseLinearAlgebra", "SymmetricEigen"]),
        .target(name: "HierarchicalMatrices", dependencies: ["DenseLinearAlgebra", "LinearOperators", "RandomizedRange"]),
        .target(name: "StructuredFactors", dependencies: ["DenseLinearAlgebra", "LinearOperators"]),
        .target(name: "KronKit", dependencies: kernelModules.map { .target(name: $0) }),
        .target(name: "NeuralNetworks", dependencies: ["DenseLinearAlgebra", "CZlib"]),
        // The Communicator protocol and the single-process default: no C dependency (Notes/Distributed.md).
        .target(name: "Distributed", dependencies: ["DenseLinearAlgebra"]),
        // The Communicator on Open MPI, for processes started by mpirun.
        .target(name: "MPIDistributed", dependencies: ["Distributed", "CMPI"]),
        // The executables' start-up choice of OpenBLAS kernels (re-executes the process); not a product.
        .target(name: "BLASCoreSelection", dependencies: ["DenseLinearAlgebra"]),
        .target(
            name: "CurvatureOptimizers",
            dependencies: [
                "DenseLinearAlgebra", "LinearOperators", "SymmetricEigen", "KroneckerOperators", "RandomizedRange",
                "OnlineEigenUpdates", "StructuredFactors", "NeuralNetworks", "Distributed",
            ]
        ),
        .target(
            name: "KronkitTool",
            dependencies: [
                "KronKit", "NeuralNetworks", "CurvatureOptimizers", "BLASCoreSelection", "Distributed", "MPIDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "kronkit", dependencies: ["KronkitTool", "BLASCoreSelection"]),
        .executableTarget(
            name: "KernelReport",
            dependencies: [
                "KronKit", "NeuralNetworks", "CurvatureOptimizers", "CLinearAlgebra", "BLASCoreSelection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/KernelReport"
        ),
        // make bench-mpi: data-parallel step time, communication time and bytes against the formula.
        .executableTarget(
            name: "MPIBench",
            dependencies: ["CurvatureOptimizers", "NeuralNetworks", "DenseLinearAlgebra", "Distributed", "MPIDistributed"],
            path: "Benchmarks/MPIBench"
        ),
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: ["KronKit", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The data-parallel check under mpirun (make test-mpi): data-parallel steps against one process's.
        .executableTarget(
            name: "MPITrainingCheck",
            dependencies: ["DataParallelTestSupport", "DenseLinearAlgebra", "Distributed", "MPIDistributed"],
            path: "Tests/MPITrainingCheck"
        ),
        // The data-parallel comparison shared by DataParallelTests (threads) and MPITrainingCheck (mpirun).
        .target(
            name: "DataParallelTestSupport",
            dependencies: ["CurvatureOptimizers", "NeuralNetworks", "DenseLinearAlgebra", "Distributed"],
            path: "Tests/DataParallelTestSupport"
        ),
        // Shared test checkers and derived tolerances (not a product): every test target depends on it.
        .target(
            name: "KronKitTestSupport", dependencies: ["DenseLinearAlgebra", "LinearOperators"], path: "Tests/KronKitTestSupport"
        ),
        .testTarget(name: "DenseLinearAlgebraTests", dependencies: ["KronKitTestSupport", "DenseLinearAlgebra"]),
        .testTarget(
            name: "KronKitTests",
            dependencies: ["KronKitTestSupport", "KronKit", "NeuralNetworks", "CurvatureOptimizers", "StructuredFactors"]
        ),
        .testTarget(
            name: "LinearOperatorsTests",
            dependencies: [
                "KronKitTestSupport", "LinearOperators", "SymmetricEigen", "KroneckerOperators", "HierarchicalMatrices",
                "StructuredFactors",
            ]
        ),
        .testTarget(name: "SymmetricEigenTests", dependencies: ["KronKitTestSupport", "SymmetricEigen"]),
        .testTarget(name: "KroneckerOperatorsTests", dependencies: ["KronKitTestSupport", "KroneckerOperators"]),
        .testTarget(name: "RandomizedRangeTests", dependencies: ["KronKitTestSupport", "RandomizedRange"]),
        .testTarget(name: "OnlineEigenUpdatesTests", dependencies: ["KronKitTestSupport", "OnlineEigenUpdates"]),
        .testTarget(name: "HierarchicalMatricesTests", dependencies: ["KronKitTestSupport", "HierarchicalMatrices"]),
        .testTarget(name: "StructuredFactorsTests", dependencies: ["KronKitTestSupport", "StructuredFactors"]),
        .testTarget(name: "DistributedTests", dependencies: ["KronKitTestSupport", "Distributed"]),
        .testTarget(name: "NeuralNetworksTests", dependencies: ["KronKitTestSupport", "NeuralNetworks", "CZlib"]),
        .testTarget(
            name: "CurvatureOptimizersTests",
            dependencies: [
                "KronKitTestSupport", "CurvatureOptimizers", "KroneckerOperators", "LinearOperators", "NeuralNetworks",
                "StructuredFactors", "Distributed", "DataParallelTestSupport",
            ]
        ),
        .testTarget(
            name: "KronkitToolTests",
            dependencies: [
                "KronKitTestSupport", "KronkitTool", "CurvatureOptimizers", "NeuralNetworks", "DenseLinearAlgebra",
                "BLASCoreSelection",
            ]
        ),
    ]
)
