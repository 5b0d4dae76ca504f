using System.Text.RegularExpressions;
using Orchestrator.Media.Tests.Sip;

namespace Orchestrator.Node.Tests.Phone;

/// <summary>
/// SIPp's own record of the messages it saw (-trace_msg): the first line of each, in order, with
/// whether SIPp received or sent it. Tests judge the dialer by what reached the callee.
/// </summary>
public static partial class SippMessageLog
{
    public const string TraceArgs = "-trace_msg";

    public sealed record Message(DateTime At, bool Received, string FirstLine)
    {
        public bool IsRequest(string method) => FirstLine.StartsWith(method + " ", StringComparison.Ordinal);
    }

    public static IReadOnlyList<Message> Read(SippProcess sipp)
    {
        var file = Directory.GetFiles(sipp.WorkDir, "*_messages.log").SingleOrDefault()
            ?? throw new InvalidOperationException($"SIPp wrote no message log in {sipp.WorkDir} (run it with {TraceArgs})");
        var text = File.ReadAllText(file);
        var messages = new List<Message>();
        foreach (Match m in Header().Matches(text))
            messages.Add(new Message(DateTime.Parse(m.Groups["at"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["dir"].Value == "received", m.Groups["line"].Value.Trim()));
        return messages;
    }

    [GeneratedRegex(@"-{10,} (?<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s*\nUDP message (?<dir>received|sent) (?:\[\d+\] bytes :|\(\d+ bytes\):)\s*\n\s*\n?(?<line>[^\r\n]+)")]
    private static partial Regex Header();
}
