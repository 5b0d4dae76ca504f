namespace Orchestrator.Storage;

/// <summary>A write that would break a uniqueness rule (the REST API answers 409).</summary>
public sealed class StorageConflictException(string message, Exception? inner = null) : Exception(message, inner);
