using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Dialogue.Llm;

namespace Orchestrator.Dialogue.Tests.Llm;

public sealed class SentenceSplitterTests
{
    private static readonly string[] Words =
    [
        "the", "table", "is", "booked", "for", "3.5", "hours", "Dr.", "Smith", "e.g.", "Mr.", "J.", "price", "$12.99", "ok",
        "Yes.", "No!", "Really?", "wait...", "\"Quoted.\"", "(aside.)", "v1.2.3", "10", "a.m.", "Great!", "fine.", "",
    ];

    private static readonly Gen<string> Reply =
        Gen.ListOf(Gen.Elements(Words)).Select(ws => string.Join(" ", ws));

    /// <summary>A reply and the places it is cut into stream pieces.</summary>
    private static readonly Gen<(string Text, int[] Cuts)> Streamed =
        Reply.SelectMany(text => Gen.ListOf(Gen.Choose(0, text.Length)).Select(cuts => (text, cuts.Distinct().Order().ToArray())));

    private static List<string> Split(IEnumerable<string> pieces, int minLength = SentenceSplitter.DefaultMinLength)
    {
        var splitter = new SentenceSplitter(minLength);
        var sentences = pieces.SelectMany(splitter.Add).ToList();
        if (splitter.Flush() is { } rest) sentences.Add(rest);
        return sentences;
    }

    private static IEnumerable<string> Pieces(string text, int[] cuts)
    {
        var from = 0;
        foreach (var cut in cuts.Append(text.Length))
        {
            yield return text[from..cut];
            from = cut;
        }
    }

    private static string NoSpace(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));

    [Property(MaxTest = 300)]
    public Property How_the_stream_is_cut_never_changes_the_sentences() =>
        Prop.ForAll(Arb.From(Streamed), x => Split(Pieces(x.Text, x.Cuts)).SequenceEqual(Split([x.Text])));

    [Property(MaxTest = 300)]
    public Property Nothing_is_lost_or_added() =>
        Prop.ForAll(Arb.From(Streamed), x => NoSpace(string.Concat(Split(Pieces(x.Text, x.Cuts)))) == NoSpace(x.Text));

    [Property(MaxTest = 300)]
    public Property Every_sentence_but_the_last_is_at_least_the_minimum_and_ends_at_a_sentence_end() =>
        Prop.ForAll(Arb.From(Gen.Zip(Reply, Gen.Choose(1, 40))), x =>
        {
            var sentences = Split([x.Item1], x.Item2);
            return sentences.SkipLast(1).All(s => s.Length >= x.Item2 && ".!?…\"')".Contains(s[^1]));
        });

    [Property(MaxTest = 300)]
    public Property Decimals_abbreviations_and_initials_never_end_a_sentence() =>
        Prop.ForAll(Arb.From(Reply), text =>
            Split([text], 1).SkipLast(1).All(s =>
                !s.EndsWith(" Dr.") && !s.EndsWith("e.g.") && !s.EndsWith("Mr.") && !s.EndsWith(" J.") && s != "Dr." && s != "J."
                && !s.EndsWith("3.") && !s.EndsWith("$12.") && !s.EndsWith("v1.")));

    [Fact]
    public void Sentences_come_out_as_soon_as_the_next_character_shows_they_ended()
    {
        var splitter = new SentenceSplitter();
        Assert.Empty(splitter.Add("Your table for 3"));
        Assert.Empty(splitter.Add(".5 hours is booked."));
        Assert.Equal(["Your table for 3.5 hours is booked."], splitter.Add(" Dr. Smith will"));
        Assert.Equal(["Dr. Smith will greet you!"], splitter.Add(" greet you! See"));
        Assert.Equal("See", splitter.Flush());
    }

    [Fact]
    public void A_short_sentence_waits_to_join_the_next()
    {
        Assert.Equal(["Sure. I can book that for you.", "Anything else?"], Split(["Sure. I can book that for you. Anything else?"]));
    }
}
