namespace Orchestrator.Dialogue.Scripted;

/// <summary>What the engine says when the script does not say it itself.</summary>
public static class ScriptDefaults
{
    public const string Fallback = "Sorry, I didn't understand that.";
    public const string FallbackEnd = "Sorry, I can't help with that. Goodbye.";
    public const string Invalid = "Sorry, that doesn't look right.";
    public const string Silence = "Are you still there?";
    public const string Wait = "One moment, please.";
    public const string ToolError = "Sorry, something went wrong. Please try again later.";
}
