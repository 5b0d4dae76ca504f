using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>Lexical helpers shared by the header parsers: tokens, quoted strings, list splitting.</summary>
public static class SipSyntax
{
    private const string TokenPunctuation = "-.!%*_+`'~";

    public static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || TokenPunctuation.Contains(c);

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (char c in s)
            if (!IsTokenChar(c)) return false;
        return true;
    }

    /// <summary>
    /// Splits a header value on commas that are outside quoted strings and angle brackets, which is
    /// how several values of a list header (Via, Contact, Route…) share one header line.
    /// </summary>
    public static List<string> SplitList(string value)
    {
        var parts = new List<string>();
        bool quoted = false, escaped = false;
        int angle = 0, start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quoted)
            {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') quoted = false;
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case '<': angle++; break;
                case '>': if (angle > 0) angle--; break;
                case ',' when angle == 0:
                    AddPart(value[start..i]);
                    start = i + 1;
                    break;
            }
        }
        AddPart(value[start..]);
        return parts;

        void AddPart(string part)
        {
            part = part.Trim();
            if (part.Length > 0) parts.Add(part);
        }
    }

    /// <summary>Reads a quoted-string starting at <paramref name="index"/> (on the opening quote); unescapes it.</summary>
    public static bool TryReadQuoted(string s, ref int index, out string value)
    {
        value = "";
        if (index >= s.Length || s[index] != '"') return false;
        var sb = new StringBuilder();
        for (int i = index + 1; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\\')
            {
                if (++i >= s.Length) return false;
                sb.Append(s[i]);
            }
            else if (c == '"')
            {
                index = i + 1;
                value = sb.ToString();
                return true;
            }
            else sb.Append(c);
        }
        return false;
    }

    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Parses <c>;name=value;flag</c> parameters (values may be quoted) from <paramref name="s"/>
    /// starting at <paramref name="index"/>, stopping at <paramref name="stop"/> characters.
    /// </summary>
    public static bool TryReadParameters(string s, ref int index, SipParameters into, out string error, string stop = "")
    {
        error = "";
        while (index < s.Length)
        {
            SkipWhitespace(s, ref index);
            if (index >= s.Length || stop.Contains(s[index])) return true;
            if (s[index] != ';')
            {
                error = $"expected ';' at {index} in '{s}'";
                return false;
            }
            index++;
            SkipWhitespace(s, ref index);
            int nameStart = index;
            while (index < s.Length && (IsTokenChar(s[index]) || s[index] is '[' or ']' or ':')) index++;
            string name = s[nameStart..index];
            if (name.Length == 0)
            {
                error = $"empty parameter name in '{s}'";
                return false;
            }
            SkipWhitespace(s, ref index);
            string? value = null;
            if (index < s.Length && s[index] == '=')
            {
                index++;
                SkipWhitespace(s, ref index);
                if (index < s.Length && s[index] == '"')
                {
                    if (!TryReadQuoted(s, ref index, out var quoted))
                    {
                        error = $"unterminated quoted parameter in '{s}'";
                        return false;
                    }
                    value = SipSyntax.Quote(quoted);
                }
                else
                {
                    int valueStart = index;
                    while (index < s.Length && s[index] is not (';' or ',' or ' ' or '\t') && !stop.Contains(s[index])) index++;
                    value = s[valueStart..index];
                }
            }
            into.Set(name, value);
        }
        return true;
    }

    public static void SkipWhitespace(string s, ref int index)
    {
        while (index < s.Length && s[index] is ' ' or '\t') index++;
    }
}
