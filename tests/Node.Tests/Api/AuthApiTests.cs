using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Node.Api.Auth;

namespace Orchestrator.Node.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuthApiTests(ApiNodeFixture fixture)
{
    [Theory]
    [InlineData("GET", "/api/v1/agents")]
    [InlineData("POST", "/api/v1/agents")]
    [InlineData("GET", "/api/v1/agents/some-id")]
    [InlineData("PUT", "/api/v1/agents/some-id")]
    [InlineData("DELETE", "/api/v1/agents/some-id")]
    [InlineData("GET", "/api/v1/web-integrations")]
    [InlineData("POST", "/api/v1/web-integrations/some-id/tokens")]
    [InlineData("DELETE", "/api/v1/web-integrations/some-id/tokens/t")]
    [InlineData("GET", "/api/v1/callresults/some-id")]
    [InlineData("POST", "/api/v1/callresults/search")]
    public async Task Every_route_refuses_a_missing_key(string method, string path)
    {
        using var client = fixture.Node.CreateClient(authorized: false);
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = ApiTestExtensions.RawJson("{}") });

        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task A_wrong_key_is_refused()
    {
        using var client = fixture.Node.CreateClient(authorized: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key");

        var response = await client.GetAsync("/api/v1/agents");

        var problem = await response.ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The API key is not valid.", (string?)problem["detail"]);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task The_development_key_is_refused_outside_development()
    {
        using var client = fixture.Node.CreateClient(authorized: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeyOptions.DevelopmentKey);
        await (await client.GetAsync("/api/v1/agents")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_scheme_is_refused()
    {
        using var client = fixture.Node.CreateClient(authorized: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", TestNodeKey);
        await (await client.GetAsync("/api/v1/agents")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_configured_key_is_accepted()
    {
        var response = await fixture.Client.GetAsync("/api/v1/agents");
        await response.ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unknown_api_route_is_a_problem_404()
    {
        await (await fixture.Client.GetAsync("/api/v1/no-such-resource")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    private static string TestNodeKey => Infrastructure.TestNode.ApiKey;

    // The environment rules, on the validator the node registers.
    private static ApiKeyValidator Validator(string environment, params string[] keys) =>
        new(Options.Create(new ApiKeyOptions { Keys = [.. keys] }), new Environment(environment));

    [Fact]
    public void Development_without_keys_accepts_only_the_development_key()
    {
        var validator = Validator(Environments.Development);
        Assert.True(validator.UsesDevelopmentKey);
        Assert.True(validator.IsValid(ApiKeyOptions.DevelopmentKey));
        Assert.False(validator.IsValid("dev-api-key "));
        Assert.False(validator.IsValid(null));
        Assert.False(validator.IsValid(""));
    }

    [Fact]
    public void Development_with_keys_does_not_accept_the_development_key()
    {
        var validator = Validator(Environments.Development, "real-key");
        Assert.False(validator.UsesDevelopmentKey);
        Assert.True(validator.IsValid("real-key"));
        Assert.False(validator.IsValid(ApiKeyOptions.DevelopmentKey));
    }

    [Fact]
    public void Production_without_keys_refuses_everything()
    {
        var validator = Validator(Environments.Production);
        Assert.False(validator.HasKeys);
        Assert.False(validator.IsValid(ApiKeyOptions.DevelopmentKey));
        Assert.False(validator.IsValid("anything"));
    }

    [Fact]
    public void Keys_come_from_an_array_or_a_comma_separated_value()
    {
        var array = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:ApiKeys:0"] = "k1", ["Orchestrator:ApiKeys:1"] = " ", ["Orchestrator:ApiKeys:2"] = "k2",
        }).Build();
        Assert.Equal(["k1", "k2"], ApiKeyOptions.ReadKeys(array));

        var flat = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:ApiKeys"] = "k1, k2;k3",
        }).Build();
        Assert.Equal(["k1", "k2", "k3"], ApiKeyOptions.ReadKeys(flat));
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
