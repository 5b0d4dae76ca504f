using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

/// <summary>Runs the worked example of docs/scripted-dialogue.md, so the documentation cannot drift from the engine.</summary>
public partial class DocumentedExampleTests
{
    private static string Doc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "scripted-dialogue.md");
            if (File.Exists(path)) return File.ReadAllText(path);
        }
        throw new FileNotFoundException("docs/scripted-dialogue.md not found above " + AppContext.BaseDirectory);
    }

    private static string Block(string marker)
    {
        var match = Regex.Match(Doc(), $@"<!-- {Regex.Escape(marker)} -->\s*```\w*\n(?<body>.*?)\n```", RegexOptions.Singleline);
        Assert.True(match.Success, $"no code block after <!-- {marker} --> in the doc");
        return match.Groups["body"].Value;
    }

    [Fact]
    public void TheDocumentedScriptIsTheTestedCopy()
    {
        var documented = JsonNode.Parse(Block("example: restaurant"));
        Assert.True(JsonNode.DeepEquals(documented, Scripts.Restaurant()),
            "docs/scripted-dialogue.md and tests/Dialogue.Tests/Examples/restaurant.json differ");
    }

    [Fact]
    public void TheDocumentedScriptIsValidForAnAgentWithABookTableTool()
    {
        var result = ScriptParser.Parse(JsonNode.Parse(Block("example: restaurant")), ["book_table"]);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.False(ScriptParser.Parse(JsonNode.Parse(Block("example: restaurant")), ["other_tool"]).IsValid);
    }

    [GeneratedRegex(@"^(?<kind>[a-z]+):\s*(?<rest>.*)$|^\((?<kind>start|end)\)$")]
    private static partial Regex LineRegex();

    [Fact]
    public void TheDocumentedTranscriptRuns()
    {
        var script = JsonNode.Parse(Block("example: restaurant"))!.AsObject();
        var factory = new DialogueEngineFactory(time: new FixedTime(Scripts.Now));
        var engine = factory.Create(Scripts.Setup(script,
            additionalData: new JsonObject { ["firstName"] = "Maria", ["customerId"] = "C-1001" }));

        // Group the transcript into (input, expected actions) steps.
        var steps = new List<(DialogueInput Input, List<string> Expected)>();
        foreach (var raw in Block("transcript: restaurant").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var m = LineRegex().Match(line);
            Assert.True(m.Success, $"unreadable transcript line: {line}");
            var rest = m.Groups["rest"].Value.Trim();
            switch (m.Groups["kind"].Value)
            {
                case "start": steps.Add((new DialogueInput.Started(), [])); break;
                case "user": steps.Add((new DialogueInput.UserSaid(rest), [])); break;
                case "silence": steps.Add((new DialogueInput.Silence(int.Parse(rest)), [])); break;
                case "result":
                    var parts = rest.Split(' ', 3);
                    steps.Add((new DialogueInput.ToolFinished(parts[0], "book_table", JsonNode.Parse(parts[2]), parts[1]), []));
                    break;
                case "agent": steps[^1].Expected.Add("say:" + rest); break;
                case "call":
                    var call = rest.Split(' ', 3);
                    steps[^1].Expected.Add($"call:{call[0]}:{call[1]}:{JsonNode.Parse(call[2])!.ToJsonString()}");
                    break;
                case "end": steps[^1].Expected.Add("end"); break;
                default: Assert.Fail($"unknown transcript line kind: {line}"); break;
            }
        }
        Assert.True(steps.Count > 10);

        var conversation = new Conversation(engine);
        foreach (var (input, expected) in steps)
        {
            var step = conversation.Step(input);
            var actual = step.Actions.Select(a => a switch
            {
                DialogueAction.Say s => "say:" + s.Text,
                DialogueAction.CallTool c => $"call:{c.CallId}:{c.ToolName}:{JsonNode.Parse(c.Args.ToJsonString())!.ToJsonString()}",
                DialogueAction.End => "end",
                _ => "?",
            }).ToList();
            Assert.True(expected.SequenceEqual(actual),
                $"after {input}:\n expected: {string.Join(" | ", expected)}\n actual:   {string.Join(" | ", actual)}");
        }
        Assert.True(conversation.Ended);
    }
}
