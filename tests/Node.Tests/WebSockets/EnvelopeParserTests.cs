using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Messages.Protocol;
using Orchestrator.Node.WebSockets;

namespace Orchestrator.Node.Tests.WebSockets;

public sealed class EnvelopeParserTests
{
    private static ParsedFrame Parse(string text) => EnvelopeParser.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Every_client_type_is_read_with_its_documented_payload()
    {
        var init = Assert.IsType<ParsedFrame.Message>(Parse(
            """{"type":"initialize","timestamp":"2024-01-01T00:00:00.000Z","channelId":null,"request":{"callType":"chat","additionalData":{"a":1},"endpoint":"+49301234"}}"""));
        var i = Assert.IsType<ClientMessage.Initialize>(init.Value);
        Assert.Equal(("chat", "+49301234", 1), (i.CallType, i.Endpoint, (int)i.AdditionalData!["a"]!));

        Assert.Equal("hi", Assert.IsType<ClientMessage.IncomingChatMessage>(
            Assert.IsType<ParsedFrame.Message>(Parse("""{"type":"incomingChatMessage","content":"hi"}""")).Value).Content);
        Assert.Equal("v=0", Assert.IsType<ClientMessage.SdpAnswer>(
            Assert.IsType<ParsedFrame.Message>(Parse("""{"type":"sdpAnswer","data":{"sdpAnswer":"v=0"}}""")).Value).Sdp);
        var tool = Assert.IsType<ClientMessage.WebsocketToolResponse>(Assert.IsType<ParsedFrame.Message>(
            Parse("""{"type":"websocketToolResponse","channelId":null,"content":{"id":"t1","result":{"ok":true}}}""")).Value);
        Assert.Equal(("t1", true), (tool.Id, (bool)tool.Result!["ok"]!));
        Assert.IsType<ClientMessage.Terminate>(Assert.IsType<ParsedFrame.Message>(Parse("""{"type":"terminate"}""")).Value);
    }

    [Theory]
    [InlineData("""{"type":"initialize","data":{"callType":"chat"}}""")]
    [InlineData("""{"type":"incomingChatMessage","data":"hi"}""")]
    [InlineData("""{"type":"websocketToolResponse","data":{"id":"x","result":1}}""")]
    [InlineData("""{"type":"sdpAnswer","content":{"sdpAnswer":"v=0"}}""")]
    [InlineData("""{"type":"initialize","request":{"resume":"conv-1"}}""")]
    [InlineData("""{"type":"websocketToolResponse","content":{"id":42,"result":null}}""")]
    public void Aliases_are_accepted(string frame) => Assert.IsType<ParsedFrame.Message>(Parse(frame));

    [Theory]
    [InlineData("""{"type":"initialize"}""")]
    [InlineData("""{"type":"initialize","request":{}}""")]
    [InlineData("""{"type":"initialize","request":{"callType":5}}""")]
    [InlineData("""{"type":"initialize","request":{"callType":"chat","additionalData":[1]}}""")]
    [InlineData("""{"type":"incomingChatMessage","content":""}""")]
    [InlineData("""{"type":"incomingChatMessage"}""")]
    [InlineData("""{"type":"websocketToolResponse","content":{"result":1}}""")]
    [InlineData("""{"type":"sdpAnswer","data":{}}""")]
    [InlineData("""{"type":7}""")]
    [InlineData("""{"type":"a","type":"b"}""")]
    [InlineData("\"just a string\"")]
    [InlineData("")]
    public void Unusable_frames_are_invalid_payloads(string frame)
    {
        var invalid = Assert.IsType<ParsedFrame.Invalid>(Parse(frame));
        Assert.Equal(CloseCodes.InvalidPayload, invalid.CloseCode);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_a_stack_overflow()
    {
        var deep = """{"type":"incomingChatMessage","content":""" + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.IsType<ParsedFrame.Invalid>(Parse(deep));
    }

    [Fact]
    public void Invalid_utf8_is_an_invalid_payload() =>
        Assert.IsType<ParsedFrame.Invalid>(EnvelopeParser.Parse([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));

    [Property(MaxTest = 2000)]
    public bool Random_bytes_never_throw(byte[] bytes) => EnvelopeParser.Parse(bytes) is not null;

    [Property(MaxTest = 2000)]
    public bool Random_text_never_throws(string text) => Parse(text ?? "") is not null;

    /// <summary>Structurally valid envelopes with random types and random payload shapes.</summary>
    [Property(MaxTest = 1000)]
    public Property Random_envelopes_give_a_message_an_unknown_type_or_a_clear_error()
    {
        var types = Gen.Elements("initialize", "incomingChatMessage", "sdpAnswer", "websocketToolResponse", "terminate", "other", "");
        var payloads = Gen.Elements<JsonNode?>(null, JsonValue.Create(1), JsonValue.Create("text"), new JsonArray(),
            new JsonObject(), new JsonObject { ["callType"] = "chat" }, new JsonObject { ["id"] = "1", ["result"] = 2 },
            new JsonObject { ["sdpAnswer"] = 3 }, new JsonObject { ["callType"] = new JsonObject() });
        var keys = Gen.Elements("request", "content", "data", "result", "x");
        var envelopes = from type in types
                        from key in keys
                        from payload in payloads
                        select new JsonObject { ["type"] = type, [key] = payload?.DeepClone() }.ToJsonString();
        return Prop.ForAll(envelopes.ToArbitrary(), json => Parse(json) switch
        {
            ParsedFrame.Invalid invalid => invalid.CloseCode == CloseCodes.InvalidPayload && !invalid.Error.Contains("Exception"),
            _ => true,
        });
    }
}
