import DenseLinearAlgebra
import Foundation

extension CoreSelection {
    /// Everything the start-up decision depends on.
    public struct Facts: Sendable, Equatable {
        /// The process environment (only ``CoreSelection/coreTypeVariable``,
        /// ``CoreSelection/markerVariable`` and ``CoreSelection/optOutVariable`` are read).
        public var environment: [String: String]
        /// The core OpenBLAS runs (`openblas_get_corename()`).
        public var runningCore: String
        /// The CPU's instruction-set extensions.
        public var capabilities: CPUCapabilities
        /// Whether OpenBLAS honours `OPENBLAS_CORETYPE` (a `DYNAMIC_ARCH` build).
        public var isDynamicArchitecture: Bool

        /// Creates the facts from their parts (tests; other platforms' start-up code).
        public init(environment: [String: String], runningCore: String, capabilities: CPUCapabilities,
                    isDynamicArchitecture: Bool) {
            self.environment = environment
            self.runningCore = runningCore
            self.capabilities = capabilities
            self.isDynamicArchitecture = isDynamicArchitecture
        }

        /// This process's facts, from its environment, OpenBLAS and `/proc/cpuinfo`.
        public static var current: Facts {
            Facts(environment: ProcessInfo.processInfo.environment, runningCore: BLASConfiguration.coreName,
                  capabilities: BLASConfiguration.cpuCapabilities,
                  isDynamicArchitecture: BLASConfiguration.isDynamicArchitecture)
        }
    }
}
