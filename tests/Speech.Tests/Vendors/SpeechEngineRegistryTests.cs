using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Speech.Audio;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.OpenAi;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.OpenAi;
using Orchestrator.Speech.Tests.Support;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Speech.Tests.Vendors;

/// <summary>Issue 9: each call gets the engines its agent names, the node's settings standing in for what it leaves out.</summary>
public sealed class SpeechEngineRegistryTests : IAsyncLifetime
{
    private sealed class FixedRecognizer : ISpeechRecognizer
    {
        public IRecognitionStream CreateStream() => throw new NotSupportedException();
    }

    /// <summary>Speaks every text as one chunk of a constant sample, so two engines' audio can be told apart.</summary>
    private sealed class ConstantSynthesizer(short sample) : ISpeechSynthesizer
    {
        public int Calls;

        public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            await Task.Yield();
            yield return Enumerable.Repeat(sample, 320).ToArray();
        }
    }

    private sealed record Seen(string Path, string? Authorization, string? Model, string? Voice, string? Input);

    private readonly ConcurrentQueue<Seen> _node = new(), _agent = new();
    private FakeServer _nodeServer = null!, _agentServer = null!;
    private readonly FixedRecognizer _pocketsphinx = new();
    private readonly ConstantSynthesizer _espeak = new(1000);
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _nodeServer = await StartAsync(_node, 3000);
        _agentServer = await StartAsync(_agent, 5000);
    }

    public async Task DisposeAsync()
    {
        await _nodeServer.DisposeAsync();
        await _agentServer.DisposeAsync();
        _http.Dispose();
    }

    /// <summary>An OpenAI-compatible audio server whose speech is a constant <paramref name="sample"/> and whose transcription names the model.</summary>
    private static Task<FakeServer> StartAsync(ConcurrentQueue<Seen> seen, short sample) => FakeServer.StartAsync(app =>
    {
        app.MapPost("/v1/audio/speech", async (HttpContext ctx) =>
        {
            var body = (await JsonDocument.ParseAsync(ctx.Request.Body)).RootElement;
            seen.Enqueue(new Seen("speech", ctx.Request.Headers.Authorization, body.GetProperty("model").GetString(),
                body.GetProperty("voice").GetString(), body.GetProperty("input").GetString()));
            await ctx.Response.Body.WriteAsync(WavWriter.Write(Enumerable.Repeat(sample, 1600).ToArray()));
        });
        app.MapPost("/v1/audio/transcriptions", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            seen.Enqueue(new Seen("transcriptions", ctx.Request.Headers.Authorization, form["model"], null, null));
            return Results.Json(new { text = $"heard by {form["model"]}" });
        });
    });

    private SpeechEngineRegistry Registry(Uri? nodeEndpoint = null, EmbeddedEngine<ISpeechRecognizer>? pocketsphinx = null,
        SynthesisCache? cache = null, string recognizer = SpeechVendors.Pocketsphinx, string synthesizer = SpeechVendors.Espeak) =>
        new(new SpeechEngineDefaults
            {
                Recognizer = recognizer, Synthesizer = synthesizer, OpenAiBaseAddress = nodeEndpoint, OpenAiApiKey = "node-key",
                TranscriptionModel = "node-whisper", SpeechModel = "node-tts",
            },
            pocketsphinx ?? EmbeddedEngine<ISpeechRecognizer>.Usable(() => _pocketsphinx),
            EmbeddedEngine<ISpeechSynthesizer>.Usable(() => _espeak),
            () => _http, cache);

    private static async Task<short[]> SpeakAsync(ISpeechSynthesizer synthesizer, string text, string? voice = null)
    {
        var all = new List<short>();
        await foreach (var chunk in synthesizer.SynthesizeAsync(text, new VoiceOptions { Voice = voice })) all.AddRange(chunk);
        return [.. all];
    }

    private static async Task<string> HearAsync(ISpeechRecognizer recognizer)
    {
        using var stream = recognizer.CreateStream();
        stream.Push(new short[1600]);
        return (await stream.EndOfUtteranceAsync()).Text;
    }

    [Fact]
    public async Task An_agent_that_names_nothing_gets_the_nodes_embedded_engines()
    {
        var engines = Registry(cache: new SynthesisCache(1 << 20)).Resolve(null, new SpeechEngineRequest());

        Assert.Null(engines.Problem);
        Assert.Same(_pocketsphinx, engines.Recognizer);
        var cached = Assert.IsType<CachingSpeechSynthesizer>(engines.Synthesizer);
        Assert.Same(_espeak, cached.Inner);
        Assert.Equal("espeak", cached.Engine);
        Assert.Equal(1000, (await SpeakAsync(engines.Synthesizer!, "Hello."))[0]);
    }

    [Fact]
    public async Task Openai_without_an_endpoint_uses_the_nodes_server_key_and_models()
    {
        var engines = Registry(_nodeServer.BaseAddress).Resolve(new SpeechEngineRequest("openai"), new SpeechEngineRequest(" OpenAI "));

        Assert.IsType<OpenAiTranscriptionRecognizer>(engines.Recognizer);
        Assert.Equal("heard by node-whisper", await HearAsync(engines.Recognizer!));
        Assert.Equal(3000, (await SpeakAsync(engines.Synthesizer!, "Hello.", "nova"))[0]);
        Assert.Equal([
            new Seen("transcriptions", "Bearer node-key", "node-whisper", null, null),
            new Seen("speech", "Bearer node-key", "node-tts", "nova", "Hello."),
        ], _node.ToArray());
        Assert.Empty(_agent);
    }

    [Fact]
    public async Task An_agents_own_endpoint_model_and_key_reach_its_server_and_the_nodes_key_never_does()
    {
        var registry = Registry(_nodeServer.BaseAddress);
        var agent = _agentServer.BaseAddress.ToString();
        var engines = registry.Resolve(new SpeechEngineRequest("openai", "whisper-large", agent, "agent-key"),
            new SpeechEngineRequest("openai", "gpt-4o-mini-tts", agent));

        Assert.Equal("heard by whisper-large", await HearAsync(engines.Recognizer!));
        Assert.Equal(5000, (await SpeakAsync(engines.Synthesizer!, "Hi there.", "coral"))[0]);
        Assert.Equal([
            new Seen("transcriptions", "Bearer agent-key", "whisper-large", null, null),
            // No key of its own: none is sent, rather than the node's to a server the agent chose.
            new Seen("speech", null, "gpt-4o-mini-tts", "coral", "Hi there."),
        ], _agent.ToArray());
        Assert.Empty(_node);
    }

    [Fact]
    public async Task Two_vendors_never_share_cached_audio_and_each_reuses_its_own()
    {
        var cache = new SynthesisCache(1 << 20);
        var registry = Registry(_nodeServer.BaseAddress, cache: cache);
        var agent = _agentServer.BaseAddress.ToString();
        var espeak = registry.Resolve(null, null).Synthesizer!;
        var openai = registry.Resolve(null, new SpeechEngineRequest("openai")).Synthesizer!;
        var otherServer = registry.Resolve(null, new SpeechEngineRequest("openai", Endpoint: agent)).Synthesizer!;
        var otherModel = registry.Resolve(null, new SpeechEngineRequest("openai", "tts-1-hd")).Synthesizer!;

        Assert.Equal(1000, (await SpeakAsync(espeak, "Welcome.", "alloy"))[0]);
        Assert.Equal(3000, (await SpeakAsync(openai, "Welcome.", "alloy"))[0]);
        Assert.Equal(5000, (await SpeakAsync(otherServer, "Welcome.", "alloy"))[0]);
        Assert.Equal(3000, (await SpeakAsync(otherModel, "Welcome.", "alloy"))[0]);
        Assert.Equal(0, cache.Hits);

        // Again, through engines made for other calls: each from its own entry, none asked again.
        Assert.Equal(1000, (await SpeakAsync(registry.Resolve(null, null).Synthesizer!, "Welcome.", "alloy"))[0]);
        Assert.Equal(3000, (await SpeakAsync(registry.Resolve(null, new SpeechEngineRequest("openai")).Synthesizer!, "Welcome.", "alloy"))[0]);
        Assert.Equal(2, cache.Hits);
        Assert.Equal(1, _espeak.Calls);
        Assert.Equal(["node-tts", "tts-1-hd"], _node.Select(s => s.Model!).ToArray());
        Assert.Single(_agent);

        // Another voice of the same engine is other audio.
        await SpeakAsync(openai, "Welcome.", "nova");
        Assert.Equal(3, _node.Count);
    }

    [Theory]
    [InlineData(SpeechEngineKind.Recognizer, "espeak", "vendor must be one of: pocketsphinx, openai.")]
    [InlineData(SpeechEngineKind.Synthesizer, "pocketsphinx", "vendor must be one of: espeak, openai.")]
    [InlineData(SpeechEngineKind.Synthesizer, "", "vendor must be one of: espeak, openai.")]
    [InlineData(SpeechEngineKind.Recognizer, "google", "vendor must be one of: pocketsphinx, openai.")]
    public void An_unknown_vendor_is_named_with_the_allowed_ones(SpeechEngineKind kind, string vendor, string message)
    {
        var registry = Registry(_nodeServer.BaseAddress);
        Assert.Equal([("vendor", message)], registry.Check(kind, new SpeechEngineRequest(vendor)).ToArray());

        var engines = kind == SpeechEngineKind.Recognizer
            ? registry.Resolve(new SpeechEngineRequest(vendor), null)
            : registry.Resolve(null, new SpeechEngineRequest(vendor));
        Assert.Null(engines.Recognizer);
        Assert.Equal($"The agent's speech settings cannot be used: {(kind == SpeechEngineKind.Recognizer ? "stt" : "tts")}Config.vendor: {message}",
            engines.Problem);
    }

    [Fact]
    public void Openai_needs_an_endpoint_from_the_agent_or_the_node_and_a_url_when_named()
    {
        var withoutNode = Registry();
        Assert.Equal("endpoint", Assert.Single(withoutNode.Check(SpeechEngineKind.Synthesizer, new SpeechEngineRequest("openai"))).Field);
        Assert.Contains("The openai vendor needs an endpoint", withoutNode.Check(SpeechEngineKind.Recognizer, new SpeechEngineRequest("openai")).Single().Message);
        Assert.StartsWith("The agent's speech settings cannot be used: sttConfig.endpoint: The openai vendor needs an endpoint",
            withoutNode.Resolve(new SpeechEngineRequest("openai"), null).Problem);
        Assert.Empty(withoutNode.Check(SpeechEngineKind.Recognizer, new SpeechEngineRequest("openai", Endpoint: "http://127.0.0.1:8000/v1")));
        Assert.Empty(Registry(_nodeServer.BaseAddress).Check(SpeechEngineKind.Recognizer, new SpeechEngineRequest("openai")));
        Assert.Equal([("endpoint", "endpoint must be an http(s) URL such as https://api.openai.com/v1.")],
            withoutNode.Check(SpeechEngineKind.Synthesizer, new SpeechEngineRequest("openai", Endpoint: "ftp://host/v1")).ToArray());
        // The embedded vendors take no endpoint, and the check does not ask for one.
        Assert.Empty(withoutNode.Check(SpeechEngineKind.Synthesizer, new SpeechEngineRequest("espeak", "ignored")));
    }

    [Fact]
    public async Task A_missing_embedded_engine_fails_only_the_calls_that_need_it_and_is_never_loaded()
    {
        var registry = Registry(_nodeServer.BaseAddress,
            EmbeddedEngine<ISpeechRecognizer>.Unusable("pocketsphinx model file not found: /x (Debian package pocketsphinx-en-us)"),
            recognizer: SpeechVendors.OpenAi);

        var openai = registry.Resolve(null, null);
        Assert.Null(openai.Problem);
        Assert.Equal("heard by node-whisper", await HearAsync(openai.Recognizer!));
        Assert.Null(registry.DefaultsProblem);

        var pocketsphinx = registry.Resolve(new SpeechEngineRequest("pocketsphinx"), null);
        Assert.Equal("Voice calls are not available on this node: pocketsphinx model file not found: /x (Debian package pocketsphinx-en-us)",
            pocketsphinx.Problem);
        Assert.Contains("recognizer pocketsphinx: pocketsphinx model file not found: /x (Debian package pocketsphinx-en-us)", registry.Describe());
        Assert.Contains("recognizer openai: usable with the node's endpoint or the agent's (default)", registry.Describe());
        Assert.Contains("synthesizer espeak: usable (default)", registry.Describe());
    }

    [Fact]
    public void The_embedded_engines_are_made_once_and_only_when_a_call_needs_them()
    {
        var made = 0;
        var registry = new SpeechEngineRegistry(new SpeechEngineDefaults { OpenAiBaseAddress = _nodeServer.BaseAddress },
            EmbeddedEngine<ISpeechRecognizer>.Usable(() => { made++; return new FixedRecognizer(); }),
            EmbeddedEngine<ISpeechSynthesizer>.Usable(() => _espeak), () => _http);

        registry.Resolve(new SpeechEngineRequest("openai"), null);
        Assert.Equal(0, made);
        Assert.False(registry.Pocketsphinx.IsCreated);
        var first = registry.Resolve(null, null).Recognizer;
        Assert.Same(first, registry.Resolve(new SpeechEngineRequest("pocketsphinx"), null).Recognizer);
        Assert.Equal(1, made);
    }

    [Fact]
    public void A_request_printed_into_a_log_line_does_not_show_its_key()
    {
        var text = new SpeechEngineRequest("openai", "m", "http://h/v1", "sk-secret-1234").ToString();
        Assert.DoesNotContain("sk-secret-1234", text);
        Assert.Contains("(set)", text);
    }
}
