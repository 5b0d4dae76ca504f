using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Dialer.Scheduling;

/// <summary>
/// <c>retry: {maxAttempts, on, backoffSeconds}</c> (rest.md, Retries): which unanswered outcomes are
/// tried again and after how long. The last backoff repeats; the default is one attempt.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, IReadOnlyList<string> On, IReadOnlyList<int> BackoffSeconds)
{
    public const int MaxAllowedAttempts = 20;

    /// <summary>The outcomes a dial attempt can end with without the callee answering.</summary>
    public static readonly string[] UnansweredOutcomes = [FinishReasons.Busy, FinishReasons.NoAnswer, FinishReasons.Rejected, FinishReasons.Error];

    /// <summary>Used when a policy retries but names no backoff.</summary>
    public static readonly TimeSpan DefaultBackoff = TimeSpan.FromSeconds(60);

    public static readonly RetryPolicy Default = new(1, [], []);

    /// <summary>The wait after attempt <paramref name="attemptsDone"/> (from 1) before the next.</summary>
    public TimeSpan BackoffAfter(int attemptsDone)
    {
        if (BackoffSeconds.Count == 0) return DefaultBackoff;
        var index = Math.Clamp(attemptsDone - 1, 0, BackoffSeconds.Count - 1);
        return TimeSpan.FromSeconds(BackoffSeconds[index]);
    }

    public bool RetriesOn(string outcome) => On.Contains(outcome, StringComparer.OrdinalIgnoreCase);

    /// <summary>The policy as stored on a call and shown by the API.</summary>
    public JsonObject ToJson() => new()
    {
        ["maxAttempts"] = MaxAttempts,
        ["on"] = new JsonArray(On.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
        ["backoffSeconds"] = new JsonArray(BackoffSeconds.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
    };

    /// <summary>Reads a policy; null gives <see cref="Default"/>. Never throws: errors name their path.</summary>
    public static (RetryPolicy? Policy, IReadOnlyList<(string Path, string Message)> Errors) Parse(JsonNode? node, string path = "retry")
    {
        if (node is null) return (Default, []);
        if (node is not JsonObject obj) return (null, [(path, "retry must be an object {maxAttempts, on, backoffSeconds}.")]);
        var errors = new List<(string, string)>();
        int maxAttempts = 1;
        var on = new List<string>();
        var backoff = new List<int>();
        foreach (var (key, value) in obj)
        {
            if (key.Equals("maxAttempts", StringComparison.OrdinalIgnoreCase))
            {
                if (value is JsonValue v && v.TryGetValue<int>(out var n) && n is >= 1 and <= MaxAllowedAttempts) maxAttempts = n;
                else errors.Add(($"{path}.maxAttempts", $"maxAttempts must be an integer from 1 to {MaxAllowedAttempts}."));
            }
            else if (key.Equals("on", StringComparison.OrdinalIgnoreCase))
            {
                if (value is not JsonArray items) { errors.Add(($"{path}.on", "on must be an array of outcomes.")); continue; }
                for (var i = 0; i < items.Count; i++)
                {
                    var outcome = items[i] is JsonValue iv && iv.TryGetValue<string>(out var s) ? s : null;
                    var known = UnansweredOutcomes.FirstOrDefault(u => u.Equals(outcome, StringComparison.OrdinalIgnoreCase));
                    if (known is null)
                        errors.Add(($"{path}.on[{i}]", $"An outcome must be one of {string.Join(", ", UnansweredOutcomes)}."));
                    else if (!on.Contains(known)) on.Add(known);
                }
            }
            else if (key.Equals("backoffSeconds", StringComparison.OrdinalIgnoreCase))
            {
                if (value is not JsonArray items) { errors.Add(($"{path}.backoffSeconds", "backoffSeconds must be an array of seconds.")); continue; }
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is JsonValue iv && iv.TryGetValue<int>(out var s) && s is >= 0 and <= 7 * 86400) backoff.Add(s);
                    else errors.Add(($"{path}.backoffSeconds[{i}]", "A backoff must be an integer number of seconds from 0 to 604800 (a week)."));
                }
            }
            else errors.Add(($"{path}.{key}", $"Unknown retry field '{key}' (maxAttempts, on, backoffSeconds)."));
        }
        return errors.Count > 0 ? (null, errors) : (new RetryPolicy(maxAttempts, on, backoff), []);
    }
}
