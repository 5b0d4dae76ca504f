namespace Orchestrator.Actors.Voice;

/// <summary>What part of a line the caller heard, from how much of its audio was played.</summary>
public static class PlayedText
{
    /// <summary>
    /// The prefix of <paramref name="text"/> proportional to <paramref name="playedSamples"/> out of
    /// <paramref name="totalSamples"/>, cut back to a word boundary so the transcript never keeps
    /// half a word; empty when nothing was played, the whole text when all of it was.
    /// </summary>
    public static string Prefix(string text, long playedSamples, long totalSamples)
    {
        if (string.IsNullOrEmpty(text) || playedSamples <= 0 || totalSamples <= 0) return "";
        if (playedSamples >= totalSamples) return text;
        int chars = (int)Math.Floor(text.Length * (playedSamples / (double)totalSamples));
        if (chars <= 0) return "";
        // Inside a word (the next character is not a space): drop the partial word.
        int cut = chars;
        if (cut < text.Length && !char.IsWhiteSpace(text[cut]))
        {
            while (cut > 0 && !char.IsWhiteSpace(text[cut - 1])) cut--;
        }
        return text[..cut].TrimEnd();
    }
}
