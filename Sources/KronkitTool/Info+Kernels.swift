import BLASCoreSelection
import DenseLinearAlgebra

extension Info {
    /// The OpenBLAS kernel lines of the report: the core and how it was chosen
    /// (`BLASCoreSelection`), the CPU's capabilities, and the self-check of the core.
    /// - Complexity: runs ``BLASConfiguration/selfCheck()`` (a few milliseconds).
    static func kernelLines() -> [String] {
        let capabilities = BLASConfiguration.cpuCapabilities
        return [
            "BLAS core:    \(BLASConfiguration.coreName), \(CoreSelection.status(for: .current))",
            "CPU:          \(capabilities) (fastest OpenBLAS kernels: \(BLASKernelFamily(capabilities: capabilities)))",
            "Self-check:   \(BLASConfiguration.selfCheck())",
        ]
    }
}
