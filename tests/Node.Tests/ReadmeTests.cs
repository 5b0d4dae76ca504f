using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Node.Tests;

/// <summary>The README's complete agent example is the demo agent the node seeds, so it cannot rot.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void The_readme_agent_example_is_the_seeded_demo_agent()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Orchestrator.sln"))) root = Path.GetDirectoryName(root)!;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var block = Regex.Match(readme, "<!-- example: demo-agent -->\\s*```json\\n(.*?)\\n```", RegexOptions.Singleline);
        Assert.True(block.Success, "README has no demo-agent example block");
        var demo = File.ReadAllText(Path.Combine(root, "src", "Node", "Demo", "demo-agent.json"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(demo), JsonNode.Parse(block.Groups[1].Value)),
            "README example differs from src/Node/Demo/demo-agent.json");
    }
}
