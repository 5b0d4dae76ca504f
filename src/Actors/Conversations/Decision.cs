using System.Collections.Immutable;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// The outcome of deciding one input: effects to run at once, events to record, and effects to run
/// once all of them are recorded (each recorded event also has its own reactions).
/// </summary>
/// <param name="Async">Record with PersistAsync: later inputs are not held back while it is written.</param>
public sealed record Decision(
    ConversationRuntime Runtime,
    ImmutableArray<ConversationEffect> Now,
    ImmutableArray<object> Events,
    ImmutableArray<ConversationEffect> Then,
    bool Async = false)
{
    public static Decision None(ConversationRuntime runtime) => new(runtime, [], [], []);

    public static Decision Do(ConversationRuntime runtime, params ConversationEffect[] effects) => new(runtime, [.. effects], [], []);

    public static Decision Record(ConversationRuntime runtime, IEnumerable<object> events, params ConversationEffect[] then) =>
        new(runtime, [], [.. events], [.. then]);

    /// <summary>Adds effects to run before anything is recorded.</summary>
    public Decision First(params ConversationEffect[] effects) => this with { Now = [.. effects, .. Now] };

    public bool IsEmpty => Now.IsEmpty && Events.IsEmpty && Then.IsEmpty;
}
