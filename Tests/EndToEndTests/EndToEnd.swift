import Testing

/// Every end-to-end suite runs inside this one, one after another: they start real processes on loopback ports and
/// share the machine's two cores, so running them side by side only adds port races and timeouts.
@Suite(.serialized) enum EndToEnd {}
