using System.Text.Json;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

public class TemplateTests
{
    private static readonly TemplateContext Context = new(
        JsonSerializer.SerializeToElement(new { firstName = "Maria", customer = new { tier = "gold", tags = new[] { "vip", "regular" } }, age = 42, member = true }),
        new Dictionary<string, JsonElement>
        {
            ["partySize"] = JsonSerializer.SerializeToElement(4),
            ["date"] = JsonSerializer.SerializeToElement("2026-03-06"),
        },
        "book_table", "ok",
        JsonSerializer.SerializeToElement(new { confirmation = "TR-1", tables = new[] { new { id = 7 } }, note = (string?)null }),
        "hello there");

    private static string Render(string source)
    {
        var template = Template.Parse(source, out var errors);
        Assert.Empty(errors);
        return template.Render(Context);
    }

    [Theory]
    [InlineData("Hi {{additionalData.firstName}}!", "Hi Maria!")]
    [InlineData("{{ additionalData.customer.tier }}", "gold")]
    [InlineData("{{additionalData.customer.tags[1]}}", "regular")]
    [InlineData("{{additionalData.age}} {{additionalData.member}}", "42 true")]
    [InlineData("{{additionalData.customer.tags}}", "[\"vip\",\"regular\"]")]
    [InlineData("{{slots.partySize}} on {{slots.date}}", "4 on 2026-03-06")]
    [InlineData("code {{tool.result.confirmation}}, table {{tool.result.tables[0].id}}", "code TR-1, table 7")]
    [InlineData("{{tool.status}}/{{tool.name}}", "ok/book_table")]
    [InlineData("you said: {{input}}", "you said: hello there")]
    [InlineData("[{{slots.missing}}]", "[]")]
    [InlineData("Hi {{additionalData.lastName|there}}!", "Hi there!")]
    [InlineData("{{tool.result.note|none}}", "none")]
    [InlineData("{{tool.result.tables[5].id|no table}}", "no table")]
    [InlineData("{{tool.result.confirmation.deeper|x}}", "x")]
    [InlineData("{{additionalData.firstName|ignored}}", "Maria")]
    [InlineData("no placeholders {single braces}", "no placeholders {single braces}")]
    public void Renders(string source, string expected) => Assert.Equal(expected, Render(source));

    [Fact]
    public void ReadsInsideAToolResultThatIsAJsonString()
    {
        var context = new TemplateContext(default, new Dictionary<string, JsonElement>(), "t", "ok",
            JsonSerializer.SerializeToElement("{\"confirmation\":\"X9\"}"), null);
        Assert.Equal("X9", Template.Parse("{{tool.result.confirmation}}", out _).Render(context));
        Assert.Equal("{\"confirmation\":\"X9\"}", Template.Parse("{{tool.result}}", out _).Render(context));
    }

    [Fact]
    public void MissingEverythingRendersEmpty()
    {
        var empty = new TemplateContext(default, new Dictionary<string, JsonElement>(), null, null, null, null);
        Assert.Equal("a  b", Template.Parse("a {{tool.result.x}}{{additionalData.y}}{{input}} b", out _).Render(empty));
    }

    [Theory]
    [InlineData("Hi {{name", "unclosed")]
    [InlineData("{{}}", "empty placeholder")]
    [InlineData("{{slots.}}", "ends with '.'")]
    [InlineData("{{a..b}}", "empty name")]
    [InlineData("{{items[x]}}", "index")]
    [InlineData("{{first name}}", "no spaces")]
    public void SyntaxErrorsAreReportedAndKeptAsText(string source, string message)
    {
        var template = Template.Parse(source, out var errors);
        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
        Assert.Equal(source, template.Render(Context));
    }

    [Fact]
    public void SoleVariableIsOnlySetForALonePlaceholder()
    {
        Assert.Equal("slots.partySize", Template.Parse("{{slots.partySize}}", out _).SoleVariable?.Text);
        Assert.Null(Template.Parse(" {{slots.partySize}}", out _).SoleVariable);
    }
}
