using System.Globalization;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>The CSeq header: a sequence number below 2^31 and a method.</summary>
public readonly record struct SipCSeq(uint Number, string Method)
{
    public static bool TryParse(string? text, out SipCSeq value, out string error)
    {
        value = default;
        error = "";
        var parts = (text ?? "").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint number)
            || number >= 1u << 31 || !SipSyntax.IsToken(parts[1]))
        {
            error = $"bad CSeq '{SipUri.Shorten(text ?? "")}'";
            return false;
        }
        value = new SipCSeq(number, parts[1]);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Number} {Method}");
}
