using System.Text.Json.Nodes;
using Orchestrator.Dialogue.Analysis;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests.Llm;

public sealed class PostCallAnalysisTests : IAsyncLifetime
{
    private static readonly AnalysisForm[] Forms =
    [
        new("outcome",
        [
            new AnalysisLabel("booked", "Did the caller book a table?", "boolean", null),
            new AnalysisLabel("partySize", "How many people", "integer", null),
            new AnalysisLabel("sentiment", null, "enum", ["positive", "neutral", "negative"]),
            new AnalysisLabel("confirmation", null, null, null),
        ]),
    ];

    private static readonly AnalysisLine[] Transcript = [new("user", "A table for four, please"), new("assistant", "Booked, see you!")];

    private FakeOpenAiServer _model = null!;

    public async Task InitializeAsync() => _model = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _model.DisposeAsync();

    [Fact]
    public async Task The_model_answers_against_a_schema_of_the_labels_and_an_answer_that_does_not_fit_is_asked_again()
    {
        _model.ReplyText("""{"outcome":{"booked":"perhaps","partySize":4,"sentiment":"happy","confirmation":null}}""")
              .ReplyText("""{"outcome":{"booked":true,"partySize":4,"sentiment":"positive","confirmation":null}}""");
        var setup = new DialogueSetup("openai", null, "p", null, new JsonObject(), [])
        {
            Model = new DialogueModel(_model.Endpoint, "test-model", null, null),
        };
        var engine = (IDialogueAnalyzer)new DialogueEngineFactory().Create(setup);

        var filled = await engine.AnalyzeAsync(null, Forms, Transcript);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"outcome":{"booked":true,"partySize":4,"sentiment":"positive","confirmation":null}}"""), filled),
            filled.ToJsonString());
        var request = await _model.WaitForRequestAsync(2);
        var format = request["response_format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        var labels = format["json_schema"]!["schema"]!["properties"]!["outcome"]!["properties"]!;
        Assert.Equal(["positive", "neutral", "negative", null], labels["sentiment"]!["enum"]!.AsArray().Select(c => c?.GetValue<string>()));
        Assert.Contains("user: A table for four, please", request["messages"]!.ToJsonString());
    }

    [Fact]
    public async Task A_model_that_cannot_be_reached_leaves_every_label_null()
    {
        _model.Reply(new FakeReply { Status = 400 }).Reply(new FakeReply { Status = 400 });
        var setup = new DialogueSetup("openai", null, "p", null, new JsonObject(), []) { Model = new DialogueModel(_model.Endpoint, "m", null, null) };
        var filled = await ((IDialogueAnalyzer)new DialogueEngineFactory().Create(setup)).AnalyzeAsync(null, Forms, Transcript);
        Assert.All(filled["outcome"]!.AsObject(), p => Assert.Null(p.Value));
    }

    [Fact]
    public async Task A_scripted_agent_fills_labels_from_its_slots_and_its_last_tool_result()
    {
        var engine = ScriptedDialogueEngine.Create(Scripts.Setup(Scripts.Restaurant()));
        const string state = """{"v":1,"today":"2026-03-05","slots":{"partySize":4},"tool":{"name":"book_table","status":"ok","result":{"confirmation":"C1","booked":"true"}}}""";
        var filled = await engine.AnalyzeAsync(state, Forms, Transcript);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"outcome":{"booked":true,"partySize":4,"sentiment":null,"confirmation":"C1"}}"""), filled),
            filled.ToJsonString());
    }
}
