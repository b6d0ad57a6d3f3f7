extension CoreSelection {
    /// What a process does at start-up.
    public enum Action: Sendable, Equatable {
        /// Run on; the status says why.
        case proceed(Status)
        /// Re-execute with `OPENBLAS_CORETYPE=core` in place of OpenBLAS's choice `replacing`.
        case select(core: String, replacing: String)
        /// Run the self-check of the selected `core`, then act on
        /// ``CoreSelection/action(afterSelfCheckOf:replacing:passed:)``.
        case verify(core: String, replacing: String)
        /// Re-execute without `OPENBLAS_CORETYPE`, on OpenBLAS's own choice `replacing`,
        /// after `core` failed its self-check.
        case revert(core: String, replacing: String)

        /// The environment changes of a re-execution (`nil` value: unset the variable), or
        /// `nil` for an action that does not re-execute.
        public var environmentChanges: [String: String?]? {
            switch self {
            case .proceed, .verify:
                nil
            case .select(let core, let original):
                [CoreSelection.coreTypeVariable: core,
                 CoreSelection.markerVariable: Marker.selected(core: core, original: original).value]
            case .revert(let core, let original):
                [CoreSelection.coreTypeVariable: String?.none,
                 CoreSelection.markerVariable: Marker.rejected(core: core, original: original).value]
            }
        }
    }
}
