using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Protocol;
using Orchestrator.Messages.Results;

namespace Orchestrator.Node.WebSockets;

/// <summary>
/// Reads client frames of protocol.md, accepting every documented payload alias. Never throws:
/// anything it cannot use becomes <see cref="ParsedFrame.Invalid"/> with a message safe to show
/// the client (no exception text).
/// </summary>
public static class EnvelopeParser
{
    // Duplicate keys are refused while parsing; JsonObject would otherwise throw later, on first access.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static ParsedFrame Parse(ReadOnlySpan<byte> utf8)
    {
        JsonObject envelope;
        try
        {
            if (JsonNode.Parse(utf8, documentOptions: DocumentOptions) is not JsonObject obj)
                return Invalid("Message must be a JSON object");
            envelope = obj;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return Invalid("Message is not valid JSON");
        }

        string? type = null;
        try
        {
            if (envelope["type"] is not JsonValue typeValue || !typeValue.TryGetValue(out type) || type.Length == 0)
                return Invalid("Message has no 'type'");
            return type switch
            {
                "initialize" => ParseInitialize(Payload(envelope, "request", "data")),
                "incomingChatMessage" => ParseChat(Payload(envelope, "content", "data")),
                "sdpAnswer" => ParseSdpAnswer(Payload(envelope, "data", "content")),
                "websocketToolResponse" => ParseToolResponse(Payload(envelope, "content", "data")),
                "terminate" => new ParsedFrame.Message(new ClientMessage.Terminate()),
                _ => new ParsedFrame.UnknownType(type),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException)
        {
            // JsonNode accessors throw these for a value of an unexpected kind.
            return Invalid($"Invalid payload for '{type}'");
        }
    }

    /// <summary>The payload under its documented name, or under the generic alias.</summary>
    private static JsonNode? Payload(JsonObject envelope, string name, string alias) =>
        envelope.TryGetPropertyValue(name, out var value) && value is not null ? value : envelope[alias];

    private static ParsedFrame ParseInitialize(JsonNode? payload)
    {
        if (payload is not JsonObject request)
            return Invalid("initialize needs a 'request' object");
        var resume = OptionalString(request, "resume", out var resumeError);
        if (resumeError is not null) return Invalid(resumeError);
        var callType = OptionalString(request, "callType", out var callTypeError);
        if (callTypeError is not null) return Invalid(callTypeError);
        if (resume is null && callType is null)
            return Invalid("initialize needs 'callType'");
        if (callType is not null && !CallTypes.All.Contains(callType))
            return Invalid($"Unknown callType '{callType}': expected chat, webCall or onPhone");
        var endpoint = OptionalString(request, "endpoint", out var endpointError);
        if (endpointError is not null) return Invalid(endpointError);

        JsonObject? additionalData = null;
        if (request["additionalData"] is { } data)
        {
            if (data is not JsonObject dataObject) return Invalid("'additionalData' must be a JSON object");
            additionalData = (JsonObject)dataObject.DeepClone();
        }
        return new ParsedFrame.Message(new ClientMessage.Initialize(callType, additionalData, endpoint, resume));
    }

    private static ParsedFrame ParseChat(JsonNode? payload)
    {
        if (payload is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text))
            return new ParsedFrame.Message(new ClientMessage.IncomingChatMessage(text));
        return Invalid("incomingChatMessage needs 'content' to be a non-empty string");
    }

    private static ParsedFrame ParseSdpAnswer(JsonNode? payload)
    {
        var sdp = payload switch
        {
            JsonObject o => o["sdpAnswer"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(sdp)
            ? Invalid("sdpAnswer needs 'data.sdpAnswer' to be a non-empty string")
            : new ParsedFrame.Message(new ClientMessage.SdpAnswer(sdp));
    }

    private static ParsedFrame ParseToolResponse(JsonNode? payload)
    {
        if (payload is not JsonObject content)
            return Invalid("websocketToolResponse needs a 'content' object");
        var id = content["id"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<long>(out var n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        if (string.IsNullOrEmpty(id))
            return Invalid("websocketToolResponse needs 'content.id'");
        return new ParsedFrame.Message(new ClientMessage.WebsocketToolResponse(id, content["result"]?.DeepClone()));
    }

    private static string? OptionalString(JsonObject obj, string name, out string? error)
    {
        error = null;
        var node = obj[name];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s.Length == 0 ? null : s;
        error = $"'{name}' must be a string";
        return null;
    }

    private static ParsedFrame.Invalid Invalid(string error) => new(error, Messages.Protocol.CloseCodes.InvalidPayload);
}
