using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Api.Auth;

namespace Orchestrator.Node.Tests.Api;

/// <summary>Scoped keys of rest.md: every REST endpoint declares a scope, and a key without it gets 403.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiKeyScopeTests(ApiNodeFixture fixture)
{
    // The only routes under /api/v1 that take no API-key scope: the socket authenticates on its own.
    private static readonly string[] Unscoped = ["/api/v1/ws/webCall"];

    [Fact]
    public async Task Every_endpoint_declares_a_scope_and_refuses_a_key_without_it()
    {
        var endpoints = fixture.Node.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => ("/" + e.RoutePattern.RawText!.TrimStart('/')).StartsWith("/api/v1/", StringComparison.Ordinal))
            .Where(e => !Unscoped.Contains("/" + e.RoutePattern.RawText!.TrimStart('/')))
            .ToList();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found");

        var undeclared = endpoints.Where(e => e.Metadata.GetMetadata<RequiredScope>() is null).Select(Describe).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a RequiredScope: " + string.Join(", ", undeclared));

        // One key per scope set "everything but X" (admin excluded from all of them).
        var without = new Dictionary<string, string>();
        foreach (var scope in ApiKeyScopes.All)
            without[scope] = await CreateKeyAsync(ApiKeyScopes.All.Where(s => s != scope && s != ApiKeyScopes.Admin).ToArray());

        foreach (var endpoint in endpoints)
        {
            var scope = endpoint.Metadata.GetMetadata<RequiredScope>()!.Scope;
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single();
            var path = Fill(endpoint.RoutePattern.RawText!);

            var refused = await SendAsync(without[scope], method, path);
            var problem = await refused.ExpectProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal($"This API key does not have the '{scope}' scope this endpoint needs.", (string?)problem["detail"]);

            // The declared scope is the one that lets the request through (whatever the handler then says).
            var allowed = await SendAsync(await KeyWithAsync(scope), method, path);
            Assert.True(allowed.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized),
                $"{Describe(endpoint)} with the '{scope}' scope got {(int)allowed.StatusCode}");
        }
    }

    [Fact]
    public async Task A_created_key_is_shown_once_listed_without_its_secret_and_revocable()
    {
        var response = await fixture.Client.PostAsync("/api/v1/api-keys",
            new JsonObject { ["name"] = "reporting", ["scopes"] = new JsonArray("results"), ["expiresAt"] = DateTimeOffset.UtcNow.AddDays(1) }.Json());
        var issued = await response.ExpectAsync(HttpStatusCode.Created);
        var key = (string)issued["key"]!;
        var id = (string)issued["apiKeyId"]!;
        Assert.StartsWith("oak_", key);
        Assert.Equal(["results"], issued["scopes"]!.AsArray().Select(s => (string)s!));

        await (await SendAsync(key, "POST", "/api/v1/callresults/search")).ExpectAsync(HttpStatusCode.OK);
        await (await SendAsync(key, "GET", "/api/v1/agents")).ExpectProblemAsync(HttpStatusCode.Forbidden);

        var list = await (await fixture.Client.GetAsync("/api/v1/api-keys?take=1000")).ExpectAsync(HttpStatusCode.OK);
        var listed = list["items"]!.AsArray().Single(k => (string)k!["apiKeyId"]! == id)!;
        Assert.Equal("reporting", (string)listed["name"]!);
        Assert.NotNull(listed["lastUsedAt"]);
        Assert.DoesNotContain(key, list.ToJsonString());

        await (await fixture.Client.DeleteAsync($"/api/v1/api-keys/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await SendAsync(key, "POST", "/api/v1/callresults/search")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await fixture.Client.DeleteAsync($"/api/v1/api-keys/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_key_request_names_known_scopes_and_a_future_expiry()
    {
        var response = await fixture.Client.PostAsync("/api/v1/api-keys",
            new JsonObject { ["scopes"] = new JsonArray("agents", "root"), ["expiresAt"] = "2020-01-01T00:00:00Z" }.Json());
        var errors = (await response.ExpectProblemAsync(HttpStatusCode.BadRequest)).Errors();
        Assert.Equal("name is required.", (string?)errors["name"]![0]);
        Assert.Equal("'root' is not a scope; use agents, calls, results, admin.", (string?)errors["scopes[1]"]![0]);
        Assert.Equal("expiresAt must be in the future.", (string?)errors["expiresAt"]![0]);
    }

    private readonly Dictionary<string, string> _withScope = [];

    private async Task<string> KeyWithAsync(string scope)
    {
        if (!_withScope.TryGetValue(scope, out var key)) _withScope[scope] = key = await CreateKeyAsync(scope);
        return key;
    }

    private async Task<string> CreateKeyAsync(params string[] scopes)
    {
        var response = await fixture.Client.PostAsync("/api/v1/api-keys",
            new JsonObject { ["name"] = "scope-test", ["scopes"] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]) }.Json());
        return (string)(await response.ExpectAsync(HttpStatusCode.Created))["key"]!;
    }

    private async Task<HttpResponseMessage> SendAsync(string key, string method, string path)
    {
        using var client = fixture.Node.CreateClient(authorized: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT") request.Content = ApiTestExtensions.RawJson("{}");
        return await client.SendAsync(request);
    }

    /// <summary>Route parameters filled with an id that exists nowhere.</summary>
    private static string Fill(string pattern) =>
        "/" + System.Text.RegularExpressions.Regex.Replace(pattern.TrimStart('/'), @"\{[^}]+\}", "no-such-id");

    private static string Describe(RouteEndpoint e) =>
        $"{string.Join("/", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}";
}
