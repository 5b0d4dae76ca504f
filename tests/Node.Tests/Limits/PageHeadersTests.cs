using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Node.Api.Integrations;
using Orchestrator.Node.Limits;
using Orchestrator.Node.Tests.Api;

namespace Orchestrator.Node.Tests.Limits;

[Collection(ApiCollection.Name)]
public sealed class PageHeadersTests(ApiNodeFixture fixture)
{
    [Fact]
    public async Task The_demo_page_is_served_with_a_csp_without_inline_script_nosniff_and_no_framing()
    {
        using var http = fixture.Node.CreateClient(authorized: false);
        var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));

        // The page must work under that policy: its script is a file, and no element has an inline handler.
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"demo.js\"></script>", html);
        Assert.DoesNotMatch(new Regex(@"<script(?![^>]*\bsrc=)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"javascript:", RegexOptions.IgnoreCase), html);

        var script = await http.GetAsync("/demo.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("nosniff", Assert.Single(script.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task An_integration_that_accepts_any_origin_carries_a_warning()
    {
        var agent = await fixture.Client.CreateAgentAsync();
        var open = await (await fixture.Client.PostAsync("/api/v1/web-integrations", new JsonObject
        {
            ["name"] = "anywhere", ["agentId"] = (string)agent["agentId"]!, ["origins"] = new JsonArray("*"),
        }.Json())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal([WebIntegrationValidator.AnyOriginWarning], open["warnings"]!.AsArray().Select(w => (string?)w));
        var read = await (await fixture.Client.GetAsync($"/api/v1/web-integrations/{open["id"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(WebIntegrationValidator.AnyOriginWarning, (string?)read["warnings"]![0]);

        var listed = await fixture.Client.CreateIntegrationAsync((string)agent["agentId"]!);
        Assert.False(listed.ContainsKey("warnings"));
    }
}
