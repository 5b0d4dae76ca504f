using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// An operator's campaign, end to end: Chromium opens the operator page from the demo page, types the
/// API key, uploads a CSV, and watches the campaign dial SIPp's <c>uas</c> until it completes; then
/// reads a call's transcript. Also pause, resume and cancel from the page, and what it refuses (a bad
/// row, a wrong key). The trunk and agent are made through the REST API, as an operator would.
/// </summary>
public sealed class OperatorPageTests(ITestOutputHelper output)
{
    private static readonly (string Endpoint, string FirstName)[] Recipients =
        [("+15550100", "Ada"), ("+15550101", "Bob"), ("+15550102", "Cyd"), ("+15550103", "Dee"), ("+15550104", "Eve")];

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>The demo agent dialling through a trunk to SIPp on <paramref name="sippPort"/>; it hangs up after a few seconds,
    /// since SIPp's <c>uas</c> waits for our BYE.</summary>
    private static async Task<string> CreateAgentAsync(HttpClient http, int sippPort)
    {
        var trunk = await http.PostAsJsonAsync("/api/v1/sip-trunks",
            new { name = "operator-page", server = $"127.0.0.1:{sippPort}", maxConcurrentCalls = 10 });
        Assert.Equal(HttpStatusCode.Created, trunk.StatusCode);
        var trunkId = (await trunk.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        var agent = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Demo", "demo-agent.json")))!.AsObject();
        agent["name"] = "Operator page agent";
        var config = agent["config"]!.AsObject();
        config["outboundSipConfig"] = new JsonObject { ["trunkId"] = trunkId };
        config["features"]!["maxDuration"] = new JsonObject { ["isEnabled"] = true, ["maxDurationSeconds"] = 3 };
        var created = await http.PostAsJsonAsync("/api/v1/agents", agent);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonObject>())!["agentId"]!.GetValue<string>();
    }

    /// <summary>Serves the operator page under a policy without <c>'unsafe-inline'</c>, the one the node is to send:
    /// an inline script or handler would be refused and say so on the console.</summary>
    private static Task EnforceContentSecurityPolicyAsync(IPage page) =>
        page.RouteAsync("**/operator.html", async route =>
        {
            var response = await route.FetchAsync();
            var headers = new Dictionary<string, string>(response.Headers)
            {
                ["content-security-policy"] = "default-src 'self'; img-src 'self' data:",
            };
            await route.FulfillAsync(new() { Response = response, Headers = headers });
        });

    private static void AssertNoPolicyViolation(ChromiumBrowser browser)
    {
        lock (browser.Console) Assert.DoesNotContain(browser.Console, line => line.Contains("Content Security Policy"));
    }

    private static async Task UseKeyAsync(IPage page, string key, string expectedStatus)
    {
        await page.FillAsync("#apiKey", key);
        await page.ClickAsync("#useKey");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync(expectedStatus, new() { Timeout = 15_000 });
    }

    /// <summary>Fills the new-campaign form and submits it with <paramref name="csv"/> as the chosen file.</summary>
    private static async Task CreateCampaignAsync(IPage page, string name, string agentId, string csv)
    {
        await page.FillAsync("#campaignName", name);
        await page.SelectOptionAsync("#agent", agentId);
        await page.FillAsync("#concurrency", "5");
        await page.FillAsync("#cpsLimit", "5");
        await page.SetInputFilesAsync("#csvFile", new FilePayload { Name = "calls.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.ClickAsync("#create");
    }

    [Fact]
    public async Task An_operator_uploads_a_csv_watches_the_campaign_complete_and_reads_a_transcript()
    {
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database);
        using var http = node.CreateClient();
        // SIPp starts right before the upload, with a global time-out longer than SippProcess's 30 s (the later
        // option wins) so a slow, busy machine fails on the page's own waits, which say what was missing.
        var sippPort = SippProcess.NextPortHint;
        var agentId = await CreateAgentAsync(http, sippPort);

        await using var browser = await ChromiumBrowser.LaunchAsync();
        var page = browser.Page;
        var pageErrors = new List<string>();
        page.PageError += (_, error) => { lock (pageErrors) pageErrors.Add(error); };
        await EnforceContentSecurityPolicyAsync(page);

        await page.GotoAsync(node.BaseAddress.ToString());
        await page.ClickAsync("text=Operator page");
        await Assertions.Expect(page).ToHaveTitleAsync("Orchestrator operator", new() { Timeout = 15_000 });

        await UseKeyAsync(page, TestNode.ApiKey, "Connected.");
        await Assertions.Expect(page.Locator($"#agent option[value='{agentId}']")).ToHaveTextAsync("Operator page agent");
        Assert.Equal(TestNode.ApiKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('orchestratorApiKey')"));

        var csv = new StringBuilder("endpoint,firstName\n");
        foreach (var (endpoint, firstName) in Recipients) csv.Append($"{endpoint},{firstName}\n");
        await using var sipp = await SippProcess.StartAsync("uas", extra: $"-m {Recipients.Length} -timeout 120s", port: sippPort);
        await CreateCampaignAsync(page, "Spring", agentId, csv.ToString());
        await Assertions.Expect(page.Locator("#createStatus")).ToHaveTextAsync($"Campaign Spring: {Recipients.Length} calls added.",
            new() { Timeout = 15_000 });

        // The page polls: the campaign's row goes to Completed with a full bar and counts that match the API's.
        var row = page.Locator("#campaigns tr", new() { HasText = "Spring" });
        await Assertions.Expect(row.Locator("td.status")).ToHaveTextAsync("Completed", new() { Timeout = (float)Generous.TotalMilliseconds });
        var bar = row.Locator("progress");
        Assert.Equal((Recipients.Length.ToString(), Recipients.Length.ToString()),
            (await bar.GetAttributeAsync("value"), await bar.GetAttributeAsync("max")));
        await Assertions.Expect(row.Locator(".percent")).ToHaveTextAsync($"{Recipients.Length} / {Recipients.Length} (100 %)");
        var campaignId = await row.GetAttributeAsync("data-campaign-id");
        var campaign = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{campaignId}"))!;
        Assert.Equal(("Completed", Recipients.Length, Recipients.Length),
            (campaign["status"]!.GetValue<string>(), campaign["counts"]!["total"]!.GetValue<int>(), campaign["counts"]!["Completed"]!.GetValue<int>()));
        await Assertions.Expect(row.Locator(".counts")).ToContainTextAsync($"total {Recipients.Length} · Completed {Recipients.Length}");
        foreach (var button in new[] { "Pause", "Resume", "Cancel" })
            await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = button })).ToBeDisabledAsync();

        // The queue and the results of the new campaign, selected on creation: every number, each call completed.
        await Assertions.Expect(row).ToHaveClassAsync("selected");
        await Assertions.Expect(page.Locator("#queueScope")).ToHaveTextAsync("(the selected campaign)");
        var calls = page.Locator("#calls tr");
        await Assertions.Expect(calls).ToHaveCountAsync(Recipients.Length, new() { Timeout = 15_000 });
        foreach (var (endpoint, _) in Recipients)
            await Assertions.Expect(page.Locator("#calls tr", new() { HasText = endpoint }).Locator("td.status")).ToHaveTextAsync("Completed");
        await Assertions.Expect(page.Locator("#results li")).ToHaveCountAsync(Recipients.Length, new() { Timeout = 15_000 });

        // A result's transcript: the agent greeted the callee by the name from the CSV.
        var (chosen, name) = Recipients[2];
        await page.Locator("#results li", new() { HasText = chosen }).ClickAsync();
        await Assertions.Expect(page.Locator("#transcriptOf")).ToContainTextAsync(chosen, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#transcript li.assistant").First)
            .ToContainTextAsync($"Hello {name}, welcome to Trattoria Roma", new() { Timeout = 15_000 });

        output.WriteLine("console: " + string.Join(" | ", browser.Console));
        Assert.Empty(pageErrors);
        AssertNoPolicyViolation(browser);
        await sipp.AssertSucceededAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task An_operator_pauses_resumes_and_cancels_a_campaign_and_a_bad_csv_row_is_refused_by_its_line()
    {
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database);
        using var http = node.CreateClient();
        // Nothing is dialled: every call waits for a notBefore far ahead, so only the operator's buttons move it.
        var agentId = await CreateAgentAsync(http, SippProcess.NextPortHint);
        await using var browser = await ChromiumBrowser.LaunchAsync();
        var page = browser.Page;
        await EnforceContentSecurityPolicyAsync(page);
        await page.GotoAsync(new Uri(node.BaseAddress, "/operator.html").ToString());

        await UseKeyAsync(page, "not-the-key", "The API key was refused (401).");
        Assert.Empty(await page.Locator("#agent option").AllAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('orchestratorApiKey')"));
        await UseKeyAsync(page, TestNode.ApiKey, "Connected.");

        // The name is markup: the page must show it as text, never build elements from it.
        const string broken = "<b id=\"injected\">Broken</b>";
        await CreateCampaignAsync(page, broken, agentId, "endpoint,firstName\n+15550200,Ada\n,Bob\n");
        await Assertions.Expect(page.Locator("#createStatus")).ToContainTextAsync("Line 3:", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#createStatus")).ToContainTextAsync("nothing was added and the empty campaign was canceled");
        var brokenRow = page.Locator("#campaigns tr", new() { HasText = broken });
        await Assertions.Expect(brokenRow.Locator("td.status")).ToHaveTextAsync("Canceled", new() { Timeout = 15_000 });
        await Assertions.Expect(brokenRow.Locator("td").First).ToHaveTextAsync(broken);
        await Assertions.Expect(brokenRow.Locator(".percent")).ToHaveTextAsync("0 / 0 (0 %)");
        Assert.Equal(0, await page.Locator("#injected").CountAsync());

        const string later = "2099-01-01T09:00:00Z", deadline = "2099-01-02T09:00:00Z";
        await CreateCampaignAsync(page, "Next year", agentId,
            $"endpoint,notBefore,callDeadline\n+15550300,{later},{deadline}\n+15550301,{later},{deadline}\n+15550302,{later},{deadline}\n");
        await Assertions.Expect(page.Locator("#createStatus")).ToHaveTextAsync("Campaign Next year: 3 calls added.", new() { Timeout = 15_000 });
        var row = page.Locator("#campaigns tr", new() { HasText = "Next year" });
        await Assertions.Expect(row.Locator(".counts")).ToHaveTextAsync("total 3 · Queued 3", new() { Timeout = 15_000 });
        await Assertions.Expect(row.Locator(".percent")).ToHaveTextAsync("0 / 3 (0 %)");
        await Assertions.Expect(page.Locator("#calls tr", new() { HasText = "+15550301" }).Locator("td.status")).ToHaveTextAsync("Queued",
            new() { Timeout = 15_000 });

        async Task PressAsync(string button, string status)
        {
            await row.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
            await Assertions.Expect(page.Locator("#actionStatus")).ToHaveTextAsync($"Campaign Next year is {status}.", new() { Timeout = 15_000 });
            await Assertions.Expect(row.Locator("td.status")).ToHaveTextAsync(status, new() { Timeout = 15_000 });
            var campaignId = await row.GetAttributeAsync("data-campaign-id");
            Assert.Equal(status, (await http.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{campaignId}"))!["status"]!.GetValue<string>());
        }
        await PressAsync("Pause", "Paused");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeDisabledAsync();
        await PressAsync("Resume", "Active");
        await PressAsync("Cancel", "Canceled");

        // Cancelled calls are done: the bar is full, and the queue says why each ended.
        await Assertions.Expect(row.Locator(".counts")).ToContainTextAsync("total 3 · Canceled 3", new() { Timeout = 15_000 });
        await Assertions.Expect(row.Locator(".percent")).ToHaveTextAsync("3 / 3 (100 %)");
        await Assertions.Expect(page.Locator("#calls tr", new() { HasText = "campaign_canceled" })).ToHaveCountAsync(3, new() { Timeout = 15_000 });
        foreach (var button in new[] { "Pause", "Resume", "Cancel" })
            await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = button })).ToBeDisabledAsync();

        // Forgetting the key clears it from the tab and the page.
        await page.ClickAsync("#forgetKey");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("No key yet.");
        await Assertions.Expect(page.Locator("#campaigns tr")).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('orchestratorApiKey')"));
        AssertNoPolicyViolation(browser);
    }
}
