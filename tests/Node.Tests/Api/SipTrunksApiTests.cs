using System.Net;
using System.Text.Json.Nodes;

namespace Orchestrator.Node.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SipTrunksApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static JsonObject Trunk(string name) => new()
    {
        ["name"] = name, ["server"] = "sip.example.net:5070", ["domain"] = "example.net", ["transport"] = "UDP",
        ["authUser"] = "acme", ["authPassword"] = "s3cret!", ["cpsLimit"] = 5, ["maxConcurrentCalls"] = 20,
        ["fromUser"] = "+15550100", ["displayName"] = "Acme",
    };

    [Fact]
    public async Task Crud_round_trip_and_the_password_is_never_returned()
    {
        string name = "trunk-" + Guid.NewGuid().ToString("N")[..8];
        var response = await Client.PostAsync("/api/v1/sip-trunks", Trunk(name).Json());
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal($"/api/v1/sip-trunks/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("udp", (string?)created["transport"]);
        Assert.True((bool)created["hasAuthPassword"]!);
        Assert.Null(created["authPassword"]);
        Assert.DoesNotContain("s3cret", created.ToJsonString());

        var fetched = await (await Client.GetAsync($"/api/v1/sip-trunks/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("sip.example.net:5070", (string?)fetched["server"]);
        Assert.Equal(20, (int)fetched["maxConcurrentCalls"]!);
        Assert.DoesNotContain("s3cret", fetched.ToJsonString());

        var list = await (await Client.GetAsync("/api/v1/sip-trunks?take=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(list["items"]!.AsArray(), t => (string?)t!["id"] == id);
        Assert.DoesNotContain("s3cret", list.ToJsonString());

        // A PUT without a password keeps the stored one.
        var replacement = Trunk(name);
        replacement.Remove("authPassword");
        replacement["transport"] = "tcp";
        var replaced = await (await Client.PutAsync($"/api/v1/sip-trunks/{id}", replacement.Json())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("tcp", (string?)replaced["transport"]);
        Assert.True((bool)replaced["hasAuthPassword"]!);
        Assert.Equal((string?)created["createdTime"], (string?)replaced["createdTime"]);

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/sip-trunks/{id}")).StatusCode);
        await (await Client.GetAsync($"/api/v1/sip-trunks/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.DeleteAsync($"/api/v1/sip-trunks/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.PutAsync($"/api/v1/sip-trunks/{id}", replacement.Json())).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_second_trunk_with_the_same_name_is_a_409()
    {
        string name = "dup-" + Guid.NewGuid().ToString("N")[..8];
        await (await Client.PostAsync("/api/v1/sip-trunks", Trunk(name).Json())).ExpectAsync(HttpStatusCode.Created);
        await (await Client.PostAsync("/api/v1/sip-trunks", Trunk(name).Json())).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    public static TheoryData<string, string> InvalidTrunks => new()
    {
        { """{"name": "", "server": "sip.example.net"}""", "name" },
        { """{"name": "t"}""", "server" },
        { """{"name": "t", "server": "bad host:x"}""", "server" },
        { """{"name": "t", "server": "sip.example.net", "transport": "tls"}""", "transport" },
        { """{"name": "t", "server": "sip.example.net", "cpsLimit": 0}""", "cpsLimit" },
        { """{"name": "t", "server": "sip.example.net", "maxConcurrentCalls": -1}""", "maxConcurrentCalls" },
        { """{"name": "t", "server": "sip.example.net", "authPassword": "x"}""", "authUser" },
        { """{"name": "t", "server": "sip.example.net", "fromUser": "a b"}""", "fromUser" },
        { """{"name": "t", "server": "sip.example.net", "domain": "a@b"}""", "domain" },
    };

    [Theory, MemberData(nameof(InvalidTrunks))]
    public async Task Validation_errors_name_the_field(string body, string field)
    {
        var post = await (await Client.PostAsync("/api/v1/sip-trunks", ApiTestExtensions.RawJson(body))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(post.Errors().ContainsKey(field), post.ToJsonString());
    }
}
