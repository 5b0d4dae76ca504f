using System.Net;

namespace Orchestrator.Node.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(ApiNodeFixture fixture)
{
    [Fact]
    public async Task The_openapi_document_describes_the_rest_api()
    {
        using var client = fixture.Node.CreateClient(authorized: false);
        var document = await (await client.GetAsync("/openapi/v1.json")).ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith("3.", (string?)document["openapi"]);
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[]
                 {
                     "/api/v1/agents", "/api/v1/agents/{agentId}", "/api/v1/web-integrations", "/api/v1/web-integrations/{integrationId}",
                     "/api/v1/web-integrations/{integrationId}/tokens", "/api/v1/web-integrations/{integrationId}/tokens/{tokenId}",
                     "/api/v1/callresults/{conversationId}", "/api/v1/callresults/search",
                 })
            Assert.True(paths.ContainsKey(path), $"missing {path}");
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["ApiKey"]!["scheme"]);
        Assert.Equal("CreateAgent", (string?)paths["/api/v1/agents"]!["post"]!["operationId"]);
        Assert.Equal("Agents", (string?)paths["/api/v1/agents"]!["post"]!["tags"]![0]);
    }
}
