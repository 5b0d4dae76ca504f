namespace Orchestrator.Storage;

/// <summary>A page of a list, serialized as <c>{items, total}</c> (rest.md).</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Total);
