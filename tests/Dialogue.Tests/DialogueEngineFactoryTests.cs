using System.Text.Json.Nodes;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

public class DialogueEngineFactoryTests
{
    private sealed class StubEngine : IDialogueEngine
    {
        public ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new DialogueStep([], "stub"));
    }

    [Theory]
    [InlineData("scripted")]
    [InlineData("Scripted")]
    [InlineData("")]
    [InlineData(null)]
    public void ScriptedIsTheDefault(string? vendor)
    {
        var engine = new DialogueEngineFactory().Create(Scripts.Setup(Scripts.Restaurant(), vendor: vendor!));
        Assert.IsType<ScriptedDialogueEngine>(engine);
    }

    [Fact]
    public void UnknownVendorIsAConfigError()
    {
        var e = Assert.Throws<DialogueConfigException>(() => new DialogueEngineFactory().Create(Scripts.Setup(null, vendor: "anthropic")));
        Assert.Equal("Unknown dialogue vendor 'anthropic'", e.Message);
    }

    [Fact]
    public void OpenAiIsBuiltInAndRefusesAnAgentWithoutAModelOrWithABadEndpoint()
    {
        var factory = new DialogueEngineFactory();
        Assert.Equal("An LLM agent needs llmConfig.model.",
            Assert.Throws<DialogueConfigException>(() => factory.Create(Scripts.Setup(null, vendor: "openai"))).Message);
        var badEndpoint = Scripts.Setup(null, vendor: "openai") with { Model = new DialogueModel("ftp://x/v1", "m", null, null) };
        Assert.Equal("llmConfig.endpoint 'ftp://x/v1' is not an http(s) URL.",
            Assert.Throws<DialogueConfigException>(() => factory.Create(badEndpoint)).Message);
        var ok = Scripts.Setup(null, vendor: "openai") with { Model = new DialogueModel("http://127.0.0.1:1/v1", "m", null, null) };
        Assert.IsType<Orchestrator.Dialogue.Llm.LlmDialogueEngine>(factory.Create(ok));
    }

    [Fact]
    public void OtherVendorsCanBeRegisteredAndScriptedStays()
    {
        var factory = new DialogueEngineFactory(new Dictionary<string, Func<DialogueSetup, IDialogueEngine>> { ["openai"] = _ => new StubEngine() });
        Assert.IsType<StubEngine>(factory.Create(Scripts.Setup(null, vendor: "OpenAI")));
        Assert.IsType<ScriptedDialogueEngine>(factory.Create(Scripts.Setup(Scripts.Restaurant())));
        Assert.Equal(["openai", "scripted"], factory.Vendors.Order());
    }

    [Fact]
    public void MissingOrInvalidScriptIsAConfigError()
    {
        var factory = new DialogueEngineFactory();
        Assert.Contains("config.script", Assert.Throws<DialogueConfigException>(() => factory.Create(Scripts.Setup(null))).Message);
        var bad = JsonNode.Parse("""{"intents":[{"name":"a","match":{"keywords":["x"]},"tool":{"name":"nope"}}]}""")!.AsObject();
        var e = Assert.Throws<DialogueConfigException>(() => factory.Create(Scripts.Setup(bad)));
        Assert.Contains("script.intents[0].tool.name: unknown tool 'nope'", e.Message);
    }

    [Fact]
    public void ConversationsOfOneScriptGetTheirOwnAdditionalData()
    {
        var factory = new DialogueEngineFactory(time: new FixedTime(Scripts.Now));
        var script = Scripts.Restaurant();
        var a = new Conversation(factory.Create(Scripts.Setup(script, additionalData: new JsonObject { ["firstName"] = "Ann" })));
        var b = new Conversation(factory.Create(Scripts.Setup(script, additionalData: new JsonObject { ["firstName"] = "Bob" })));
        Assert.StartsWith("Hello Ann,", a.Start()[0]);
        Assert.StartsWith("Hello Bob,", b.Start()[0]);
    }

    [Fact]
    public void CreateOnTheEngineThrowsOnABadScript()
    {
        var setup = Scripts.Setup(JsonNode.Parse("""{"intents":[{"name":"a"}]}""")!.AsObject());
        Assert.Throws<DialogueConfigException>(() => ScriptedDialogueEngine.Create(setup));
    }
}
