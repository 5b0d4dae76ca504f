using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Messages.Integrations;
using Orchestrator.Messages.Telephony;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Speech.Audio;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests.Phone;

/// <summary>
/// onPhone conversations dialled to baresip 1.0.0, a real softphone and a SIP stack we did not write
/// (SIPp only plays scripts): speech both ways, the callee hanging up, rejecting and not answering,
/// DTMF, hold and resume, over UDP and TCP.
/// </summary>
public sealed class BaresipCallTests(ChatNodeFixture fixture, ITestOutputHelper output) : IClassFixture<ChatNodeFixture>
{
    private const string Phrase = "I would like to book a table for two people";

    /// <summary>A trunk to <paramref name="baresip"/>, an agent on it and a token allowed to phone.</summary>
    private async Task<string> PhoneTokenAsync(BaresipProcess baresip, string transport = SipTrunkTransports.Udp,
        int ringTimeoutSeconds = 10, int? maxDurationSeconds = null)
    {
        var trunk = await fixture.Node.Services.GetRequiredService<Orchestrator.Storage.Telephony.ISipTrunkStore>().CreateAsync(new SipTrunk
        {
            Name = "baresip-" + Guid.NewGuid().ToString("N")[..8], Server = $"127.0.0.1:{baresip.Port}", Transport = transport,
        });
        var agent = ChatNodeFixture.DemoAgent();
        agent = await fixture.CreateAgentAsync(agent with
        {
            Config = agent.Config with
            {
                OutboundSipConfig = new JsonObject { ["trunkId"] = trunk.Id, ["ringTimeoutSeconds"] = ringTimeoutSeconds },
                Features = maxDurationSeconds is int max
                    ? agent.Config.Features with { MaxDuration = new() { IsEnabled = true, MaxDurationSeconds = max } }
                    : agent.Config.Features,
            },
        });
        return await fixture.TokenAsync(agent: agent,
            features: [IntegrationFeatures.AllowPhoneCall, IntegrationFeatures.SendCallResult, IntegrationFeatures.SendToolCallLogs]);
    }

    private static async Task<string> SpeechAsync(string text = Phrase)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("baresip-speech").FullName, "speech.wav");
        await SpeechFile.CreateWavAsync(path, text, "en-us+f2", silenceSeconds: 30);
        return path;
    }

    private static async Task<string> DialAsync(ProtocolClient client, string endpoint)
    {
        await client.SendAsync(new JsonObject
        {
            ["type"] = "initialize",
            ["request"] = new JsonObject { ["callType"] = "onPhone", ["endpoint"] = endpoint },
        });
        return (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
    }

    /// <summary>The user texts (the callee's speech or digits, recognised) until the call's closed event, or fails with what came.</summary>
    private static async Task<(List<string> Texts, JsonObject Closed)> UserTextsUntilClosedAsync(ProtocolClient client, TimeSpan wait)
    {
        var seen = new List<string>();
        var texts = new List<string>();
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            var frame = await client.ReceiveAsync(deadline - DateTime.UtcNow)
                ?? throw new Xunit.Sdk.XunitException("socket closed before the closed event; saw: " + string.Join(" | ", seen));
            seen.Add(frame.ToJsonString());
            if (frame["type"]?.GetValue<string>() == "text" && frame["content"]?["source"]?.GetValue<string>() == "user")
                texts.Add(frame["content"]!["text"]!.GetValue<string>());
            if (frame["type"]?.GetValue<string>() == "event" && frame["name"]?.GetValue<string>() == "closed")
                return (texts, frame);
        }
        throw new Xunit.Sdk.XunitException("no closed event; saw: " + string.Join(" | ", seen));
    }

    [Theory]
    [InlineData(SipTrunkTransports.Udp)]
    [InlineData(SipTrunkTransports.Tcp)]
    public async Task An_answered_call_carries_speech_both_ways_and_the_agent_side_hangs_up(string transport)
    {
        await using var baresip = await BaresipProcess.StartAsync(await SpeechAsync(), "2000");
        await using var client = await fixture.ConnectAsync(await PhoneTokenAsync(baresip, transport, maxDurationSeconds: 8));
        var id = await DialAsync(client, "2000");
        await client.ExpectAsync("event", "opened", TimeSpan.FromSeconds(15));
        await baresip.WaitForEventAsync("CALL_ESTABLISHED", TimeSpan.FromSeconds(5));

        // What baresip played is recognised: at least one of the phrase's longer words, in what the callee said.
        var (userTexts, closed) = await UserTextsUntilClosedAsync(client, TimeSpan.FromSeconds(30));
        output.WriteLine("recognised: " + string.Join(" | ", userTexts));
        var words = userTexts.SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(words, word => word.Length > 3 && Phrase.Split(' ').Contains(word, StringComparer.OrdinalIgnoreCase));
        Assert.Contains(closed["data"]!["finishReason"]!.GetValue<string>(), new[] { "max_duration", "agent_ended" });
        await baresip.WaitForEventAsync("CALL_CLOSED", TimeSpan.FromSeconds(10));
        var result = await fixture.Node.WaitForResultAsync(id, TimeSpan.FromSeconds(10));
        Assert.Contains(result["transcription"]!.AsArray(), t => t!["speaker"]!.GetValue<string>() == "assistant");

        // What baresip heard is the agent's speech: seconds of it, with energy.
        var recording = await RecordingAsync(baresip);
        output.WriteLine($"baresip recorded {recording.Seconds:F1} s, rms {recording.Rms:F0}");
        Assert.InRange(recording.Seconds, 1.5, 30);
        Assert.True(recording.Rms > 200, $"baresip's recording is near silence (rms {recording.Rms:F0})");
    }

    /// <summary>The longest of baresip's recordings of what it heard, as duration and RMS of its samples.</summary>
    private static async Task<(double Seconds, double Rms)> RecordingAsync(BaresipProcess baresip)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (baresip.DecodedRecordings.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        var file = Assert.Single(baresip.DecodedRecordings);
        var bytes = await File.ReadAllBytesAsync(file);
        var (format, pcm) = WavStreamReader.ReadAll(bytes);
        int rate = format.SampleRate;
        double sum = 0;
        foreach (var s in pcm) sum += (double)s * s;
        return (pcm.Length / (double)rate, pcm.Length == 0 ? 0 : Math.Sqrt(sum / pcm.Length));
    }
}
