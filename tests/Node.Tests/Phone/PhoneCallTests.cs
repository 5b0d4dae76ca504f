using System.Text.Json.Nodes;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.Phone;

/// <summary>onPhone conversations dialled through a SIP trunk that is a real SIPp on 127.0.0.1.</summary>
public sealed class PhoneCallTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private Task<string> PhoneTokenAsync(SippProcess sipp, int? maxDurationSeconds = null) =>
        fixture.PhoneTokenAsync($"127.0.0.1:{sipp.Port}", maxDurationSeconds: maxDurationSeconds);

    [Fact]
    public async Task A_call_to_an_answering_phone_opens_greets_and_is_hung_up_by_the_agent_side()
    {
        await using var sipp = await SippProcess.StartAsync("uas", extra: "-rtp_echo");
        await using var client = await fixture.ConnectAsync(await PhoneTokenAsync(sipp));
        await client.DialAsync("1000");
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.ExpectAsync("event", "opened", TimeSpan.FromSeconds(15));
        await client.TerminateAsync();
        var result = (await client.ExpectAsync("conversationResult"))["result"]!;
        Assert.Equal(("onPhone", "user_terminated", "1000"), (result["callType"]!.GetValue<string>(),
            result["finishReason"]!.GetValue<string>(), result["endpoint"]!.GetValue<string>()));
        Assert.Contains(result["transcription"]!.AsArray(), t => t!["speaker"]!.GetValue<string>() == "assistant");
        // SIPp's uas ends its one call successfully only when it gets our BYE.
        await sipp.AssertSucceededAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_busy_callee_fails_the_open_and_the_result_says_busy()
    {
        await using var sipp = await SippProcess.StartAsync("busy.xml");
        await using var client = await fixture.ConnectAsync(await PhoneTokenAsync(sipp));
        await client.DialAsync("1001");
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        var failed = await client.ExpectAsync("event", "failedOpen", TimeSpan.FromSeconds(15));
        Assert.Contains("486", failed["data"]!["reason"]!.GetValue<string>());
        var result = (await client.ExpectAsync("conversationResult"))["result"]!;
        Assert.Equal(("busy", "Failed"), (result["finishReason"]!.GetValue<string>(), result["status"]!.GetValue<string>()));
        var stored = await fixture.Node.WaitForResultAsync(id, TimeSpan.FromSeconds(5));
        Assert.Equal("busy", stored["finishReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_callee_hanging_up_ends_the_conversation_with_callee_hangup()
    {
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml");
        await using var client = await fixture.ConnectAsync(await PhoneTokenAsync(sipp));
        await client.DialAsync("1002");
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.ExpectAsync("event", "opened", TimeSpan.FromSeconds(15));
        var closed = await client.ExpectAsync("event", "closed", TimeSpan.FromSeconds(15));
        Assert.Equal("callee_hangup", closed["data"]!["finishReason"]!.GetValue<string>());
        // The leg is released after the result; the callee's BYE and our release both end the media,
        // and that must dispose it once, quietly.
        await fixture.Node.WaitForResultAsync(id, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(fixture.Logs, line => line.Contains("disposal failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task What_the_callee_says_is_recognised_as_a_user_text()
    {
        var dir = Directory.CreateTempSubdirectory("sipp-speech").FullName;
        await SpeechFile.CreateAsync(Path.Combine(dir, "speech.ulaw"), "I would like to book a table for two people", "en-us+f2");
        await using var sipp = await SippProcess.StartAsync("stream-speech-long.xml", dir);
        await using var client = await fixture.ConnectAsync(await PhoneTokenAsync(sipp));
        await client.DialAsync("1003");
        await client.NextAsync("event", "connection");
        await client.ExpectAsync("event", "opened", TimeSpan.FromSeconds(15));

        JsonObject? heard = null;
        var seen = new List<string>();
        while (heard is null)
        {
            var frame = await client.ReceiveAsync(TimeSpan.FromSeconds(20))
                ?? throw new Xunit.Sdk.XunitException("closed before the callee's speech was recognised; saw: " + string.Join(" | ", seen));
            seen.Add(frame.ToJsonString());
            if (frame["type"]!.GetValue<string>() == "text" && frame["content"]!["source"]!.GetValue<string>() == "user"
                && frame["content"]!["type"] is null)
                heard = frame;
        }
        Assert.False(string.IsNullOrWhiteSpace(heard["content"]!["text"]!.GetValue<string>()));
        var closed = await client.ExpectAsync("event", "closed", TimeSpan.FromSeconds(15));
        Assert.Equal("callee_hangup", closed["data"]!["finishReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Audio_flows_both_ways_and_the_agent_side_hangs_up()
    {
        await using var sipp = await SippProcess.StartAsync("uas", extra: "-rtp_echo");
        await using var client = await fixture.ConnectAsync(await PhoneTokenAsync(sipp, maxDurationSeconds: 4));
        await client.DialAsync("1004");
        await client.NextAsync("event", "connection");
        await client.ExpectAsync("event", "opened", TimeSpan.FromSeconds(15));
        // The callee echoes our greeting back: hearing it as user speech proves audio went out and came in.
        var echoed = await client.ExpectAsync("text", wait: TimeSpan.FromSeconds(10));
        while (echoed["content"]!["source"]!.GetValue<string>() != "user")
            echoed = await client.ExpectAsync("text", wait: TimeSpan.FromSeconds(10));
        var closed = await client.ExpectAsync("event", "closed", TimeSpan.FromSeconds(15));
        // The agent side ends it: at max duration, or earlier when the scripted agent hears its own echo
        // as a goodbye or runs out of fallbacks. Either way the callee must get our BYE.
        Assert.Contains(closed["data"]!["finishReason"]!.GetValue<string>(), new[] { "max_duration", "agent_ended" });
        await sipp.AssertSucceededAsync(TimeSpan.FromSeconds(15)); // it got our BYE
    }
}
