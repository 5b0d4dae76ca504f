using Orchestrator.Speech.Text;

namespace Orchestrator.Speech.Tests.Text;

public sealed class SentenceSplitterTests
{
    [Fact]
    public void A_reply_splits_into_sentences_without_breaking_abbreviations_initials_or_numbers()
    {
        var sentences = SentenceSplitter.Split("Hello! Dr. Smith sees J. Doe at 3.30 today. Is that OK?\nGreat \"thanks.\" Bye…");
        Assert.Equal(["Hello!", "Dr. Smith sees J. Doe at 3.30 today.", "Is that OK?", "Great \"thanks.\"", "Bye…"], sentences);
    }

    [Fact]
    public void Streamed_text_yields_each_sentence_as_soon_as_it_is_complete()
    {
        var splitter = new SentenceSplitter();
        Assert.Empty(splitter.Append("Your table is booked"));
        Assert.Empty(splitter.Append(" for 7.")); // might still be "7.30"
        Assert.Equal(["Your table is booked for 7."], splitter.Append(" See you"));
        Assert.Empty(splitter.Append(" then"));
        Assert.Equal("See you then", splitter.Flush());
        Assert.Null(splitter.Flush());
    }

    [Fact]
    public void Decimals_split_across_chunks_stay_whole()
    {
        var splitter = new SentenceSplitter();
        Assert.Empty(splitter.Append("It costs 3."));
        Assert.Equal(["It costs 3.50 euros."], splitter.Append("50 euros. "));
    }
}
