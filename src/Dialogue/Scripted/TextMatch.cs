namespace Orchestrator.Dialogue.Scripted;

/// <summary>Case-insensitive whole-word search, used for keywords and choices.</summary>
internal static class TextMatch
{
    /// <summary>Index of the first whole-word occurrence of <paramref name="phrase"/> in <paramref name="text"/>, or -1.</summary>
    public static int FindWholeWord(string text, string phrase, int from = 0)
    {
        if (phrase.Length == 0) return -1;
        var i = from;
        while (i <= text.Length - phrase.Length)
        {
            var at = text.IndexOf(phrase, i, StringComparison.OrdinalIgnoreCase);
            if (at < 0) return -1;
            var end = at + phrase.Length;
            var startOk = at == 0 || !IsWordChar(text[at - 1]) || !IsWordChar(phrase[0]);
            var endOk = end == text.Length || !IsWordChar(text[end]) || !IsWordChar(phrase[^1]);
            if (startOk && endOk) return at;
            i = at + 1;
        }
        return -1;
    }

    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>
    /// Collapses whitespace runs to one space and trims, so phrases with single spaces match; typographic
    /// apostrophes become ASCII ones, so "that’s all" matches the keyword "that's all".
    /// </summary>
    public static string Normalize(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        var space = false;
        foreach (var raw in text)
        {
            var c = raw is '\u2019' or '\u2018' ? '\'' : raw;
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Blanks out a span so a later extraction does not read the same words again.</summary>
    public static string Mask(string text, int start, int length) =>
        string.Concat(text.AsSpan(0, start), new string(' ', length), text.AsSpan(start + length));
}
