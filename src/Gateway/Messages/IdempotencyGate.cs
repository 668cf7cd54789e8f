using System.Collections.Concurrent;
using MessagingGateway.Core.Store;
using Microsoft.Extensions.Logging;

namespace MessagingGateway.Gateway.Messages;

/// <summary>
/// Makes a request with an <c>Idempotency-Key</c> happen once. The store's insert-if-absent decides
/// across nodes; inside one process, concurrent duplicates wait for the first one and then replay
/// its response instead of failing. A pending claim that no request of this process holds is
/// taken over, reusing its reserved message ids so nothing is accepted twice: at once when its
/// owner is this process (it failed after the append) or when the store belongs to this process
/// alone (the embedded store: another incarnation means the process that claimed it has died);
/// after <see cref="AbandonedAfter"/> when other live processes could share the store.
/// </summary>
/// <param name="incarnation">This process's incarnation, written into every claim.</param>
/// <param name="storeIsExclusive">Whether no other process can use the store at the same time.</param>
internal sealed partial class IdempotencyGate(IConversationStore store, TimeProvider time, Guid incarnation, bool storeIsExclusive, ILogger<IdempotencyGate> logger)
{
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan LocalWait = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Tenant, string Key), TaskCompletionSource> _inFlight = new();

    /// <param name="claim">The record to insert: request hash and freshly reserved ids.</param>
    public async ValueTask<IdempotencyDecision> EnterAsync(IdempotencyRecord claim, CancellationToken cancellationToken)
    {
        claim = claim with { Owner = incarnation };
        var slot = (claim.TenantId, claim.Key);
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_inFlight.TryAdd(slot, mine))
        {
            if (_inFlight.TryGetValue(slot, out var other))
            {
                try
                {
                    await other.Task.WaitAsync(LocalWait, cancellationToken);
                }
                catch (TimeoutException)
                {
                    return new(IdempotencyOutcome.InProgress, null);
                }
            }
        }

        try
        {
            var holder = await store.ClaimIdempotencyAsync(claim, cancellationToken);
            if (holder is null)
            {
                return new(IdempotencyOutcome.Proceed, claim);
            }

            IdempotencyDecision decision;
            if (holder.Operation != claim.Operation || !holder.RequestHash.AsSpan().SequenceEqual(claim.RequestHash))
            {
                decision = new(IdempotencyOutcome.Mismatch, holder);
            }
            else if (holder.IsCompleted)
            {
                decision = new(IdempotencyOutcome.Replay, holder);
            }
            else if (holder.Owner == incarnation || storeIsExclusive || time.GetUtcNow() - holder.CreatedAt > AbandonedAfter)
            {
                // We hold the key in this process, so nobody here works on the claim: its owner
                // died or failed after claiming, and may have appended already. Finish it with its
                // ids and time, so an append again is the same message and dedupes downstream.
                return new(IdempotencyOutcome.TakeOver, holder with { Owner = incarnation });
            }
            else
            {
                decision = new(IdempotencyOutcome.InProgress, holder);
            }

            Release(slot, mine);
            return decision;
        }
        catch
        {
            Release(slot, mine);
            throw;
        }
    }

    /// <summary>
    /// Stores the response to replay and lets waiting duplicates see it. Called once the work is
    /// done, so it never throws: if the record cannot be written the claim stays pending, and a
    /// retry takes it over with the same ids, which replays the same response.
    /// </summary>
    public async ValueTask CompleteAsync(IdempotencyRecord completed)
    {
        try
        {
            await store.PutIdempotencyAsync(completed, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogNotCompleted(completed.TenantId, completed.Operation, ex);
        }
        finally
        {
            ReleaseOwned((completed.TenantId, completed.Key));
        }
    }

    /// <summary>Nothing was accepted: free the key so a retry starts afresh.</summary>
    public async ValueTask AbandonAsync(IdempotencyRecord claim)
    {
        try
        {
            await store.DeleteIdempotencyAsync(claim.TenantId, claim.Key, CancellationToken.None);
        }
        finally
        {
            ReleaseOwned((claim.TenantId, claim.Key));
        }
    }

    /// <summary>Something failed after the append: leave the claim pending for a later takeover.</summary>
    public void Leave(IdempotencyRecord claim) => ReleaseOwned((claim.TenantId, claim.Key));

    private void ReleaseOwned((string, string) slot)
    {
        if (_inFlight.TryRemove(slot, out var owner))
        {
            owner.TrySetResult();
        }
    }

    private void Release((string, string) slot, TaskCompletionSource mine)
    {
        _inFlight.TryRemove(new KeyValuePair<(string, string), TaskCompletionSource>(slot, mine));
        mine.TrySetResult();
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Tenant {TenantId}: {Operation} succeeded but its idempotency record could not be completed; it stays pending, and a retry with the key takes it over with the same ids")]
    private partial void LogNotCompleted(string tenantId, string operation, Exception exception);
}
