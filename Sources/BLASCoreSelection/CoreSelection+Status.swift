extension CoreSelection {
    /// How the OpenBLAS core of a process came about.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        /// `KRONKIT_NO_CORE_SELECTION` turned the selection off.
        case optedOut
        /// The user set `OPENBLAS_CORETYPE` to this value.
        case userChoice(String)
        /// OpenBLAS was built for one target and ignores `OPENBLAS_CORETYPE`.
        case fixedBuild
        /// OpenBLAS's own choice is of the CPU's fastest kernel family (or of a family this
        /// selection does not know).
        case noFasterCore
        /// `core` was selected in place of OpenBLAS's choice `original`. A process runs on with it
        /// only after its self-check passed (unless re-executing after a failure was impossible,
        /// which ``CoreSelection/applyAtStartup(program:)`` warns about).
        case autoSelected(core: String, original: String)
        /// `core` failed the self-check; the process runs OpenBLAS's own choice `original`.
        case rejected(core: String, original: String)
        /// `core` was requested but OpenBLAS runs `running` (it does not carry that kernel set).
        case ignored(requested: String, running: String)
        /// `core` would be faster than `running`, but this process was not re-executed.
        case available(core: String, running: String)
        /// The marker variable holds a value KronKit did not write; nothing is done.
        case malformedMarker(String)

        /// Whether the process runs a core that the selection chose.
        public var isAutoSelected: Bool {
            if case .autoSelected = self { true } else { false }
        }

        /// One line for `kronkit info` and the benchmark header.
        public var description: String {
            switch self {
            case .optedOut:
                "off (\(CoreSelection.optOutVariable) is set)"
            case .userChoice(let value):
                "set by the user (\(CoreSelection.coreTypeVariable)=\(value))"
            case .fixedBuild:
                "not possible (OpenBLAS is not a DYNAMIC_ARCH build)"
            case .noFasterCore:
                "OpenBLAS's own choice (no faster kernel set for this CPU)"
            case .autoSelected(let core, let original):
                "auto-selected \(core) in place of OpenBLAS's \(original) "
                    + "(\(CoreSelection.optOutVariable)=1 turns this off)"
            case .rejected(let core, let original):
                "OpenBLAS's own choice \(original): the auto-selected \(core) failed the start-up self-check"
            case .ignored(let requested, let running):
                "\(requested) was requested, but OpenBLAS runs \(running)"
            case .available(let core, let running):
                "OpenBLAS's own choice \(running); \(core) would be faster (set \(CoreSelection.coreTypeVariable)=\(core))"
            case .malformedMarker(let value):
                "not attempted (\(CoreSelection.markerVariable)=\(value) was not set by KronKit)"
            }
        }
    }
}
