using System.Text;

namespace Orchestrator.Speech.Text;

/// <summary>
/// Cuts a reply into sentences so each can be spoken as soon as it is complete. Feed text as it
/// streams from the dialogue engine with <see cref="Append"/>; <see cref="Flush"/> gives the rest.
/// A sentence ends at . ! ? … (with any closing quotes or brackets) followed by whitespace, or at a
/// line break; common abbreviations, initials and decimal numbers do not end one. Not thread-safe.
/// </summary>
public sealed class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "approx", "no", "tel", "fig", "inc", "ltd", "co",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    };

    private readonly StringBuilder _buffer = new();

    /// <summary>Adds text; returns the sentences it completed, trimmed.</summary>
    public IReadOnlyList<string> Append(string text)
    {
        _buffer.Append(text);
        var done = new List<string>();
        int start = 0;
        string s = _buffer.ToString();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '\n' or '\r')
            {
                Take(s, start, i, done);
                start = i + 1;
                continue;
            }
            if (c is not ('.' or '!' or '?' or '…' or '。')) continue;
            int end = i + 1;
            while (end < s.Length && s[end] is '.' or '!' or '?' or '…' or '"' or '\'' or ')' or ']' or '”' or '’') end++;
            if (end >= s.Length) break; // the next chunk decides: "3." may become "3.5"
            if (!char.IsWhiteSpace(s[end])) { i = end - 1; continue; }
            if (c == '.' && IsNotAnEnd(s, start, i)) { i = end - 1; continue; }
            Take(s, start, end, done);
            start = end;
            i = end - 1;
        }
        _buffer.Remove(0, start);
        return done;
    }

    /// <summary>Whatever is left, as a final sentence (null if only whitespace).</summary>
    public string? Flush()
    {
        string rest = _buffer.ToString().Trim();
        _buffer.Clear();
        return rest.Length == 0 ? null : rest;
    }

    /// <summary>Splits a whole text.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var splitter = new SentenceSplitter();
        var all = new List<string>(splitter.Append(text));
        if (splitter.Flush() is { } last) all.Add(last);
        return all;
    }

    private static bool IsNotAnEnd(string s, int start, int dot)
    {
        int w = dot;
        while (w > start && !char.IsWhiteSpace(s[w - 1])) w--;
        string word = s[w..dot].TrimStart('(', '"', '\'');
        if (word.Length == 1 && char.IsUpper(word[0])) return true; // an initial: "J. Smith"
        return Abbreviations.Contains(word);
    }

    private static void Take(string s, int from, int to, List<string> into)
    {
        string sentence = s[from..to].Trim();
        if (sentence.Length > 0) into.Add(sentence);
    }
}
