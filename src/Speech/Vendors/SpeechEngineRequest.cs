namespace Orchestrator.Speech.Vendors;

/// <summary>
/// What an agent asks of one speech engine (its <c>sttConfig</c> or <c>ttsConfig</c>). Every field is
/// optional: null takes the node's default. <see cref="Model"/> is the OpenAI model; the embedded
/// engines have none. <see cref="Endpoint"/> and <see cref="ApiKey"/> point an <c>openai</c> engine
/// at the agent's own server instead of the node's.
/// </summary>
public sealed record SpeechEngineRequest(string? Vendor = null, string? Model = null, string? Endpoint = null, string? ApiKey = null)
{
    public static readonly SpeechEngineRequest Default = new();

    /// <summary>The vendor as matched: trimmed and lower-case, null when blank.</summary>
    public string? NormalizedVendor => string.IsNullOrWhiteSpace(Vendor) ? null : Vendor.Trim().ToLowerInvariant();

    // The generated ToString would print the key into any log line that formats the request.
    public override string ToString() =>
        $"{{ Vendor = {Vendor}, Model = {Model}, Endpoint = {Endpoint}, ApiKey = {(ApiKey is null ? "" : "(set)")} }}";
}
