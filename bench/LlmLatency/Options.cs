using System.Globalization;

namespace LlmLatency;

/// <summary>Command-line options; see bench/README.md.</summary>
public sealed class Options
{
    /// <summary>The model's reply every turn: a first sentence of 7 tokens (one a word), then the rest.</summary>
    public const string Reply = "Your table for two people is booked. "
        + "We look forward to seeing you tomorrow at eight. Is there anything else I can do for you today?";

    public const int FirstSentenceTokens = 7;

    public int[] Conversations { get; private set; } = [1, 200];
    public double TtftMs { get; private set; } = 300;
    public double TokensPerSecond { get; private set; } = 50;
    public int DurationSeconds { get; private set; } = 20;
    public int WarmupSeconds { get; private set; } = 5;
    public int ThinkMs { get; private set; } = 500;
    public int CallTurns { get; private set; } = 20;
    public int EndOfTurnSilenceMs { get; private set; } = 600;
    public bool ChatOnly { get; private set; }
    public bool CallOnly { get; private set; }
    public bool TtsCache { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--conversations": o.Conversations = [.. Next().Split(',').Select(int.Parse)]; break;
                case "--ttft-ms": o.TtftMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--tokens-per-second": o.TokensPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": o.DurationSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": o.WarmupSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--think-ms": o.ThinkMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--call-turns": o.CallTurns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--end-silence": o.EndOfTurnSilenceMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--chat-only": o.ChatOnly = true; break;
                case "--call-only": o.CallOnly = true; break;
                case "--tts-cache": o.TtsCache = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return o;
    }
}
