using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Orchestrator.Actors.Ports;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Tests;

/// <summary>
/// A small deterministic engine: greets on start, "book" calls book_table, a tool result is read
/// back, "bye" ends, "boom" always throws, "flaky" throws once per conversation then answers.
/// Its state counts steps, so tests can see it survive recovery.
/// </summary>
public sealed class FakeEngine : IDialogueEngine
{
    private readonly ConcurrentDictionary<string, int> _flakyFailures = new();

    public ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, CancellationToken cancellationToken = default)
    {
        var steps = int.Parse(state ?? "0") + 1;
        var next = steps.ToString();
        IReadOnlyList<DialogueAction> actions = input switch
        {
            DialogueInput.Started => [new DialogueAction.Say("Hello, how can I help?")],
            DialogueInput.UserSaid { Text: "book" } => [new DialogueAction.Say("Booking."),
                new DialogueAction.CallTool($"call-{steps}", "book_table", new JsonObject { ["people"] = 2 })],
            DialogueInput.UserSaid { Text: "secret" } => [new DialogueAction.CallTool($"call-{steps}", "server_tool", new JsonObject())],
            DialogueInput.UserSaid { Text: "bye" } => [new DialogueAction.Say("Goodbye."), new DialogueAction.End()],
            DialogueInput.UserSaid { Text: "boom" } => throw new InvalidOperationException("engine exploded"),
            DialogueInput.UserSaid { Text: "slow" } => SlowReply(next, cancellationToken),
            DialogueInput.UserSaid { Text: "flaky" } when _flakyFailures.AddOrUpdate(state ?? "", 1, (_, n) => n + 1) == 1
                => throw new InvalidOperationException("transient"),
            DialogueInput.UserSaid said => [new DialogueAction.Say($"You said: {said.Text} (step {steps})")],
            DialogueInput.ToolFinished done => [new DialogueAction.Say($"Tool {done.ToolName} {done.Status}: {done.Result?.ToJsonString()}")],
            DialogueInput.Silence s => [new DialogueAction.Say($"Are you there? ({s.Attempt})")],
            _ => [],
        };
        return ValueTask.FromResult(new DialogueStep(actions, next));
    }

    /// <summary>Lets a test act while a step is still running.</summary>
    private static IReadOnlyList<DialogueAction> SlowReply(string state, CancellationToken cancellationToken)
    {
        Task.Delay(500, cancellationToken).Wait(cancellationToken);
        return [new DialogueAction.Say("Slowly.")];
    }
}

public sealed class FakeEngineFactory(IDialogueEngine engine) : IDialogueEngineFactory
{
    public int Created;

    public IDialogueEngine Create(DialogueSetup setup)
    {
        Interlocked.Increment(ref Created);
        if (setup.Vendor == "broken") throw new DialogueConfigException("Unknown dialogue vendor 'broken'");
        return engine;
    }
}

/// <summary>Keeps saved results; can be told to fail the first saves.</summary>
public sealed class FakeResultStore : IConversationResultStore
{
    public readonly ConcurrentDictionary<string, ConversationResult> Saved = new();
    public int FailuresLeft;
    public int Attempts;

    public Task SaveAsync(ConversationResult result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Attempts);
        if (Interlocked.Decrement(ref FailuresLeft) >= 0)
            return Task.FromException(new IOException("database unavailable"));
        Saved[result.ConversationId] = result;
        return Task.CompletedTask;
    }
}

/// <summary>An in-memory live-conversation index.</summary>
public sealed class FakeLiveIndex : ILiveConversationIndex
{
    public readonly ConcurrentDictionary<string, DateTimeOffset> Live = new();
    public readonly ConcurrentBag<string> Finished = [];

    public Task MarkLiveAsync(string conversationId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        Live[conversationId] = startedAt;
        return Task.CompletedTask;
    }

    public Task MarkFinishedAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        Live.TryRemove(conversationId, out _);
        Finished.Add(conversationId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListLiveAsync(string? afterId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(
            [.. Live.Keys.Where(k => string.CompareOrdinal(k, afterId ?? "") > 0).Order(StringComparer.Ordinal).Take(limit)]);
}
