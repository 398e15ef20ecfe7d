import SluiceEngine

/// DIAGNOSE and checkpoint timeouts: the article's "when backpressure causes checkpoint
/// timeouts, unaligned checkpoints allow barriers to overtake buffered data".
extension Session {
    /// Checkpoints that expired (`checkpoint_timeout_ms`) in the metrics window (one that
    /// expired as RESET METRICS began it came before).
    func expiredInWindow() -> [ExpiredCheckpoint] {
        let since = engine.now - engine.metricsWindow
        return engine.expired.filter { $0.expiredAt > since }
    }

    /// The evidence row for checkpoints that expired in the window, nil when none did.
    func expiredEvidence(_ expired: [ExpiredCheckpoint]) -> [ResultValue]? {
        guard !expired.isEmpty else { return nil }
        let timeout = VirtualTime.format(Int64(engine.settings.checkpointTimeoutMs) * VirtualTime.millisecond)
        return [.text("checkpoints"), .text("expired (checkpoint_timeout_ms)"), .int(Int64(expired.count)),
                .text("not complete \(timeout) after injection: their barriers waited behind queued rows")]
    }

    /// What to do about expiring checkpoints: unaligned ones, whose barriers overtake the
    /// queued buffers; already unaligned, only the bottleneck's fix helps.
    func expiredAdvice(_ expired: [ExpiredCheckpoint]) -> String? {
        guard !expired.isEmpty else { return nil }
        guard engine.settings.checkpointMode == .aligned else {
            // Those still queued behind aligned barriers from before a switch expire with
            // them: a checkpoint completed since says unaligned ones get through.
            if let last = expired.last, let done = engine.checkpoints.last, done.completedAt > last.expiredAt { return nil }
            return "checkpoints expire even unaligned: the barriers wait in blocked outputs; only the fixes above help "
                + "(a longer checkpoint_timeout_ms hides the failures, not the backpressure)"
        }
        return "checkpoints expire behind the backpressure (\(expired.count) in the window): SET checkpoint_mode = unaligned "
            + "lets barriers overtake the queued buffers, which are stored with the checkpoint instead "
            + "(with aligned_checkpoint_timeout_ms, only by checkpoints slower than it)"
    }
}
