using System.Text;

namespace Orchestrator.Dialogue.Llm;

/// <summary>
/// Cuts a reply streamed in arbitrary pieces into sentences as soon as each is complete, so speech
/// can start on the first while the model writes the rest. A sentence ends at <c>. ! ?</c> (or
/// <c>…</c>) followed by white space, once it is at least <see cref="MinLength"/> characters long
/// (a short "Sure." waits and joins the next one, sparing the synthesizer a tiny request). A full
/// stop does not end a sentence after a known abbreviation ("Dr.", "e.g.") or a single-letter
/// initial, and "3.5" never splits since no space follows its point. The result does not depend on
/// how the text was cut into pieces: a boundary is decided only once the character after it is seen.
/// Not thread-safe: one per reply.
/// </summary>
public sealed class SentenceSplitter(int minLength = SentenceSplitter.DefaultMinLength)
{
    public const int DefaultMinLength = 12;

    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "approx", "no", "nr",
        "inc", "ltd", "co", "corp", "dept", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "a.m", "p.m", "u.s", "min", "max",
    };

    private readonly StringBuilder _buffer = new();
    private int _scan;

    public int MinLength { get; } = minLength;

    /// <summary>Adds the next piece of text; returns the sentences it completed, trimmed.</summary>
    public IReadOnlyList<string> Add(string piece)
    {
        _buffer.Append(piece);
        List<string>? done = null;
        var i = _scan;
        while (i < _buffer.Length)
        {
            if (!IsTerminator(_buffer[i]))
            {
                i++;
                continue;
            }
            var end = i + 1;
            while (end < _buffer.Length && (IsTerminator(_buffer[end]) || IsCloser(_buffer[end]))) end++;
            if (end == _buffer.Length)
            {
                _scan = i; // decided when the next character comes
                return done ?? [];
            }
            if (!char.IsWhiteSpace(_buffer[end]) || !EndsSentence(i, end))
            {
                i = end;
                continue;
            }
            done ??= [];
            done.Add(_buffer.ToString(0, end).Trim());
            _buffer.Remove(0, end);
            i = 0;
        }
        _scan = i;
        return done ?? [];
    }

    /// <summary>The rest of the reply once it has ended (null when only white space is left).</summary>
    public string? Flush()
    {
        var rest = _buffer.ToString().Trim();
        _buffer.Clear();
        _scan = 0;
        return rest.Length > 0 ? rest : null;
    }

    private bool EndsSentence(int terminator, int end)
    {
        if (_buffer.ToString(0, end).Trim().Length < MinLength) return false;
        if (_buffer[terminator] != '.' || (terminator + 1 < end && _buffer[terminator + 1] == '.')) return true;
        // The word before the full stop: an abbreviation or an initial keeps the sentence going.
        var start = terminator;
        while (start > 0 && !char.IsWhiteSpace(_buffer[start - 1]) && !IsOpener(_buffer[start - 1])) start--;
        var word = _buffer.ToString(start, terminator - start);
        if (word.Length == 1 && char.IsLetter(word[0])) return false;
        return !Abbreviations.Contains(word);
    }

    private static bool IsTerminator(char c) => c is '.' or '!' or '?' or '…';

    private static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '”' or '’' or '»';

    private static bool IsOpener(char c) => c is '"' or '(' or '[' or '“' or '«';
}
