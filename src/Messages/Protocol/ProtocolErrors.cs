namespace Orchestrator.Messages.Protocol;

/// <summary>The error texts protocol.md fixes; clients match on them.</summary>
public static class ProtocolErrors
{
    public const string MissingToken = "Missing token";
    public const string InvalidToken = "Invalid token";
    public const string IntegrationNotEnabled = "Web integration is not enabled";
    public const string OriginNotAllowed = "Origin not allowed";
    public const string InitNotReceived = "Init message not received";
    public const string MultipleInit = "Multiple init messages received";
    public const string TooLarge = "Too large message";
    public const string RateLimitExceeded = "Rate limit exceeded";
    public const string TooManyFailedAttempts = "Too many failed attempts";
    public const string TooManyConversations = "Too many conversations";
}

/// <summary>WebSocket close codes of protocol.md.</summary>
public static class CloseCodes
{
    public const int Normal = 1000;
    public const int UnsupportedData = 1003;
    public const int InvalidPayload = 1007;
    public const int PolicyViolation = 1008;
    public const int TooLarge = 1009;
    public const int ServerError = 1011;
}
