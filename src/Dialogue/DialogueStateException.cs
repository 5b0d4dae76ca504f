namespace Orchestrator.Dialogue;

/// <summary>The opaque state handed back to an engine cannot be read (corrupt, or from another script).</summary>
public sealed class DialogueStateException(string message, Exception? inner = null) : Exception(message, inner);
