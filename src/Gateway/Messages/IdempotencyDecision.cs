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
}

internal readonly record struct IdempotencyDecision(IdempotencyOutcome Outcome, IdempotencyRecord? Record);
