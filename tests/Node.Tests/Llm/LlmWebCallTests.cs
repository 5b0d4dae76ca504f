using System.Text.Json.Nodes;
using Orchestrator.Actors.Tests.Voice;
using Orchestrator.Dialogue.Tests.Llm;
using Orchestrator.Media.Codecs;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.Espeak;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests.Llm;

/// <summary>
/// An LLM agent in a web call, end to end (issue 9): a simulated browser (ICE-lite checks,
/// DTLS-SRTP, Opus both ways) talks to the real node through its WebSocket and UDP; the caller's
/// speech is recognised by the node's pocketsphinx, the reply comes from the local model server and
/// is spoken by espeak-ng sentence by sentence as the model streams it.
/// </summary>
public sealed class LlmWebCallTests(LlmNodeFixture fixture, ITestOutputHelper output) : IClassFixture<LlmNodeFixture>
{
    private const string CallerSays = "I would like to book a table for two people";
    private const string FirstSentence = "Your table for two people is booked.";
    private const string Rest = "We look forward to seeing you on Friday evening.";
    private const double Loud = 300; // RMS of a packet with speech in it; the line's noise bed is far below

    /// <summary>Words of the first sentence the stock model hears reliably in espeak-ng's en-us+f2.</summary>
    private static readonly string[] FirstSentenceWords = ["your", "table", "two", "people", "booked"];

    [Fact]
    public async Task The_first_sentence_is_heard_in_the_browser_while_the_model_still_holds_its_stream_and_the_rest_after_it_goes_on()
    {
        var model = fixture.Model;
        model.Reset();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        model.Reply(new FakeReply
        {
            // The first sentence in two pieces, then the stream stalls before the rest.
            Chunks = ["Your table for two ", "people is booked. ", "We look forward ", "to seeing you on Friday evening."],
            Hold = hold, HoldAfter = 2,
        });
        // Should the recogniser cut the caller's words into two turns, the second gets an answer too.
        model.ReplyText("Is there anything else?").ReplyText("Is there anything else?");

        var agentId = await LlmCallAgents.CreateAsync(fixture.Node, LlmCallAgents.Body(model.Endpoint,
            additionalData: new JsonObject { ["restaurant"] = "Trattoria Roma" }));
        var token = await LlmCallAgents.TokenAsync(fixture.Node, agentId, IntegrationFeatures.AllowWebCall);
        var callerSpeech = await SynthesizeAsync(CallerSays);

        await using var browser = new SimulatedBrowser { KeepAudio = true };
        await using var client = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri("token=" + Uri.EscapeDataString(token)));
        await using var frames = new FrameRecorder(client, () => browser.NowMs);
        await client.InitializeAsync("webCall", new JsonObject { ["firstName"] = "Ada" });
        var invite = await frames.WaitForAsync(f => f["type"]?.GetValue<string>() == "sdpInvite", ProtocolClient.StartWait, "sdpInvite");
        var answer = browser.Answer(invite.Frame["data"]!["sdpOffer"]!.GetValue<string>());
        await client.SendAsync(new JsonObject { ["type"] = "sdpAnswer", ["data"] = new JsonObject { ["sdpAnswer"] = answer } });
        await browser.ConnectAsync(TimeSpan.FromSeconds(20));
        await frames.WaitForAsync(f => f["type"]?.GetValue<string>() == "event" && f["name"]?.GetValue<string>() == "opened",
            TimeSpan.FromSeconds(20), "opened event");

        await Task.Delay(500); // the node's endpointer learns the line's noise floor from the first frames
        browser.Say(callerSpeech);
        var heard = await frames.WaitForAsync(f => FrameRecorder.IsText(f, "user", potential: false), TimeSpan.FromSeconds(60), "recognised caller text");
        var userText = FrameRecorder.Text(heard.Frame);
        output.WriteLine($"the node recognised: '{userText}'");

        // The first sentence is played while the model's stream is held after it. (A voice call shows no
        // streamed fragments: its assistant text is what was played, sent once the reply is over.)
        var request = await model.WaitForRequestAsync(1);
        double firstAudio = await WaitForLoudPacketsAsync(browser, after: heard.AtMs, count: 25, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3)); // the rest of the sentence (about 2.5 s of speech)
        Assert.False(hold.Task.IsCompleted);
        Assert.DoesNotContain(frames.Frames, f => FrameRecorder.IsText(f.Frame, "assistant", potential: false));
        Assert.Single(model.Requests);
        var heldAudio = browser.ReceivedAudio.Where(p => p.AtMs > heard.AtMs).ToList();
        int loudWhileHeld = browser.Received.Count(r => r.AtMs > heard.AtMs && r.Rms > Loud);

        // Released, the rest is streamed and spoken after the first sentence. (The final text comes when the
        // model's step is done, which is before its last sentence has been played.)
        double releasedAt = browser.NowMs;
        hold.SetResult();
        var recognised = await RecogniseAsync(heldAudio.SelectMany(p => p.Pcm).ToArray(), browser.ReceivedSampleRate);
        output.WriteLine($"first loud packet {firstAudio - heard.AtMs:F0} ms after the caller's final text; "
            + $"{loudWhileHeld} loud packets while the model held its stream, heard as '{recognised}'");
        Assert.InRange(loudWhileHeld, 40, 250); // the sentence's voiced frames (it lasts about 2.5 s): not a blip, not the whole reply
        var words = recognised.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(FirstSentenceWords.Any(w => words.Contains(w, StringComparer.OrdinalIgnoreCase)),
            $"the audio played while the stream was held was recognised as '{recognised}', none of [{string.Join(' ', FirstSentenceWords)}]");

        var final = await frames.WaitForAsync(f => FrameRecorder.IsText(f, "assistant", potential: false), TimeSpan.FromSeconds(30), "the reply's final text");
        Assert.Equal(FirstSentence + " " + Rest, FrameRecorder.Text(final.Frame));
        double restAudio = await WaitForLoudPacketsAsync(browser, after: releasedAt, count: 40, TimeSpan.FromSeconds(30));
        output.WriteLine($"the rest: final text {final.AtMs - releasedAt:F0} ms and first loud packet {restAudio - releasedAt:F0} ms after the release");

        // What the model was sent: the prompt with the call's and the agent's additionalData filled, and the caller's words.
        var messages = request["messages"]!.AsArray();
        Assert.Equal(("system", "You book tables for Ada at Trattoria Roma."),
            (messages[0]!["role"]!.GetValue<string>(), messages[0]!["content"]!.ToString()));
        Assert.Equal(("user", userText), (messages[^1]!["role"]!.GetValue<string>(), messages[^1]!["content"]!.ToString()));
        Assert.True(request["stream"]!.GetValue<bool>());

        await client.TerminateAsync();
        var result = await frames.WaitForAsync(f => f["type"]?.GetValue<string>() == "conversationResult", TimeSpan.FromSeconds(15), "conversationResult");
        var transcript = result.Frame["result"]!["transcription"]!.AsArray();
        Assert.Contains(transcript, t => t!["speaker"]!.GetValue<string>() == "assistant" && t["text"]!.GetValue<string>() == FirstSentence + " " + Rest);
        Assert.Equal("webCall", result.Frame["result"]!["callType"]!.GetValue<string>());
    }

    /// <summary>Waits for <paramref name="count"/> loud packets after <paramref name="after"/>; returns the first one's arrival.</summary>
    private static async Task<double> WaitForLoudPacketsAsync(SimulatedBrowser browser, double after, int count, TimeSpan timeout)
    {
        var deadline = browser.NowMs + timeout.TotalMilliseconds;
        while (true)
        {
            var loud = browser.Received.Where(r => r.AtMs > after && r.Rms > Loud).ToList();
            if (loud.Count >= count) return loud[0].AtMs;
            if (browser.NowMs > deadline) throw new TimeoutException($"{loud.Count} loud packets reached the browser, not {count}");
            await Task.Delay(20);
        }
    }

    private static async Task<short[]> SynthesizeAsync(string text)
    {
        var all = new List<short>();
        await foreach (var chunk in new EspeakSynthesizer().SynthesizeAsync(text, new VoiceOptions { Voice = "en-us+f2" }))
            all.AddRange(chunk);
        return [.. all];
    }

    /// <summary>What the browser heard, as pocketsphinx hears it (a decoder of the test's own, not the node's).</summary>
    private static async Task<string> RecogniseAsync(short[] pcm, int rate)
    {
        using var recognizer = new PocketsphinxRecognizer();
        using var stream = recognizer.CreateStream();
        var pcm16k = rate == 16000 ? pcm : Resampler.Resample(pcm, rate, 16000);
        for (int i = 0; i < pcm16k.Length; i += 320)
            stream.Push(pcm16k.AsSpan(i, Math.Min(320, pcm16k.Length - i)));
        return (await stream.EndOfUtteranceAsync()).Text;
    }
}
