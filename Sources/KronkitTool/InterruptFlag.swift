import Foundation
import Synchronization

/// Set by SIGINT (Ctrl-C) so that the training loop can stop at the next step
/// boundary, write a checkpoint and say how to resume. A second Ctrl-C exits at once.
enum InterruptFlag {
    static let raised = Atomic<Bool>(false)

    /// Installs the SIGINT handler.
    static func install() {
        signal(SIGINT) { _ in
            if InterruptFlag.raised.exchange(true, ordering: .relaxed) { _exit(130) }
        }
    }

    static var isRaised: Bool { raised.load(ordering: .relaxed) }
}
