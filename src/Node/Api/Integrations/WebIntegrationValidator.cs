using System.Text.RegularExpressions;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage.Agents;

namespace Orchestrator.Node.Api.Integrations;

/// <summary>Checks a web integration against rest.md and against its agent (which must exist and own the listed tools).</summary>
public sealed partial class WebIntegrationValidator(IAgentStore agents)
{
    public const int MaxNameLength = 200;

    public static readonly string[] KnownFeatures =
    [
        IntegrationFeatures.AllowWebChat, IntegrationFeatures.AllowWebCall, IntegrationFeatures.AllowPhoneCall,
        IntegrationFeatures.SendCallResult, IntegrationFeatures.SendToolCallLogs,
    ];

    // scheme://host[:port], nothing after: what browsers send as Origin.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*://(\[[0-9A-Fa-f:.]+\]|[^/?#@\s:\[\]]+)(:[0-9]{1,5})?$")]
    private static partial Regex OriginPattern();

    /// <summary>Fills nulls with empty lists, spells feature names as the service does, drops client-sent tokens.</summary>
    public static WebIntegration Normalize(WebIntegration integration) => integration with
    {
        Origins = integration.Origins ?? [],
        Features = (integration.Features ?? []).Select(f => f is null ? null! : f with
        {
            Name = KnownFeatures.FirstOrDefault(k => string.Equals(k, f.Name, StringComparison.OrdinalIgnoreCase)) ?? f.Name,
        }).ToList(),
        Tools = integration.Tools ?? [],
        Tokens = [],
        Warnings = null,
    };

    public const string AnyOriginWarning =
        "origins is empty or '*': any website can open conversations with this integration's tokens. List the sites that may.";

    /// <summary>The integration as the API answers it: with its warnings (rest.md).</summary>
    public static WebIntegration Answer(WebIntegration integration) =>
        integration with { Warnings = integration.AcceptsAnyOrigin ? [AnyOriginWarning] : null };

    public async Task<Dictionary<string, string[]>> ValidateIntegrationAsync(WebIntegration integration, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(integration.Name))
            errors.Add("name", "name is required.");
        else if (integration.Name.Length > MaxNameLength)
            errors.Add("name", $"name must be at most {MaxNameLength} characters.");

        if (integration.MaxConcurrentConversations < 1)
            errors.Add("maxConcurrentConversations", "maxConcurrentConversations must be at least 1.");
        if (integration.MaxConversationsPerMinute < 1)
            errors.Add("maxConversationsPerMinute", "maxConversationsPerMinute must be at least 1.");

        for (var i = 0; i < integration.Origins.Count; i++)
        {
            var origin = integration.Origins[i];
            if (origin != "*" && (origin is null || !IsOrigin(origin)))
                errors.Add($"origins[{i}]", "An origin is '*' or scheme://host[:port] with no path, for example https://shop.example.com.");
        }

        for (var i = 0; i < integration.Features.Count; i++)
        {
            var feature = integration.Features[i];
            if (feature is null || !KnownFeatures.Contains(feature.Name))
                errors.Add($"features[{i}].name", $"name must be one of: {string.Join(", ", KnownFeatures)}.");
        }

        if (string.IsNullOrWhiteSpace(integration.AgentId))
        {
            errors.Add("agentId", "agentId is required.");
        }
        else if (await agents.GetAsync(integration.AgentId, cancellationToken) is not { } agent)
        {
            errors.Add("agentId", $"No agent with id '{integration.AgentId}'.");
        }
        else
        {
            var toolNames = agent.Config.Tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < integration.Tools.Count; i++)
            {
                if (integration.Tools[i] is not { } tool || !toolNames.Contains(tool))
                    errors.Add($"tools[{i}]", $"The agent has no tool named '{integration.Tools[i]}'.");
            }
        }
        return errors.ToDictionary();
    }

    private static bool IsOrigin(string origin) =>
        OriginPattern().IsMatch(origin) && Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Port is > 0 and <= 65535;
}
