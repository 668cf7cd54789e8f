using MessagingGateway.Core.Store;

namespace MessagingGateway.Gateway.Messages;

/// <summary>What to do with a request that carries an <c>Idempotency-Key</c>.</summary>
internal enum IdempotencyOutcome
{
    /// <summary>This request holds the key: do the work with <see cref="IdempotencyDecision.Record"/>'s ids.</summary>
    Proceed,

    /// <summary>The key already finished with this body: answer with its stored response.</summary>
    Replay,

    /// <summary>The key belongs to a different request.</summary>
    Mismatch,

    /// <summary>Another gateway node is working on the key right now.</summary>
    InProgress,

    /// <summary>
    /// The claim's owner died (or failed) before finishing: finish it with the claim's ids and time,
    /// appending only what the log does not have yet, and answer as a replay.
    /// </summary>
    TakeOver,
}

internal readonly record struct IdempotencyDecision(IdempotencyOutcome Outcome, IdempotencyRecord? Record);
