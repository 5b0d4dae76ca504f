using System.Collections.Immutable;
using System.Text.Json;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

public class SlotExtractorTests
{
    private static readonly DateOnly Thursday = new(2026, 3, 5);

    private static SlotDefinition Slot(SlotType type, double? min = null, double? max = null, params string[] choices) =>
        new("x", type, true, null, null, min, max, [.. choices]);

    private static string? Value(SlotType type, string text, bool prompted = false, double? min = null, double? max = null, params string[] choices)
    {
        var m = SlotExtractor.Extract(Slot(type, min, max, choices), text, prompted, Thursday);
        if (m is null) return null;
        return m.Value.IsValid ? Template.ToText(m.Value.Value) : "INVALID";
    }

    [Theory]
    [InlineData("a table for 4 please", "4")]
    [InlineData("for four people", "4")]
    [InlineData("twenty-one guests", "21")]
    [InlineData("thirty five", "35")]
    [InlineData("ninety", "90")]
    [InlineData("two hundred", "200")]
    [InlineData("2.5 kilos", "2.5")]
    [InlineData("-3 degrees", "-3")]
    [InlineData("at 7pm", null)]
    [InlineData("no numbers here", null)]
    [InlineData("someone", null)]
    public void Numbers(string text, string? expected) => Assert.Equal(expected, Value(SlotType.Number, text));

    [Theory]
    [InlineData("we are 13", "INVALID")]
    [InlineData("zero", "INVALID")]
    [InlineData("twelve", "12")]
    [InlineData("1", "1")]
    public void NumberBounds(string text, string expected) => Assert.Equal(expected, Value(SlotType.Number, text, min: 1, max: 12));

    [Theory]
    [InlineData("2.5", "INVALID")]
    [InlineData("3", "3")]
    [InlineData("seven", "7")]
    public void Integers(string text, string expected) => Assert.Equal(expected, Value(SlotType.Integer, text));

    [Theory]
    [InlineData("on 2026-04-01 please", "2026-04-01")]
    [InlineData("2026-02-30", "INVALID")]
    [InlineData("today", "2026-03-05")]
    [InlineData("tonight", "2026-03-05")]
    [InlineData("Tomorrow evening", "2026-03-06")]
    [InlineData("the day after tomorrow", "2026-03-07")]
    [InlineData("on Thursday", "2026-03-05")]
    [InlineData("next thursday", "2026-03-12")]
    [InlineData("friday", "2026-03-06")]
    [InlineData("monday", "2026-03-09")]
    [InlineData("12 March", "2026-03-12")]
    [InlineData("the 1st of march", "2027-03-01")]
    [InlineData("March 5th", "2026-03-05")]
    [InlineData("feb 29", "2028-02-29")]
    [InlineData("31 april", "INVALID")]
    [InlineData("dec 24, 2030", "2030-12-24")]
    [InlineData("sometime soon", null)]
    public void Dates(string text, string? expected) => Assert.Equal(expected, Value(SlotType.Date, text));

    [Theory]
    [InlineData("at 7pm", "19:00")]
    [InlineData("7 PM", "19:00")]
    [InlineData("19:30", "19:30")]
    [InlineData("7:30 pm", "19:30")]
    [InlineData("7.30pm", "19:30")]
    [InlineData("12am", "00:00")]
    [InlineData("12 p.m.", "12:00")]
    [InlineData("seven pm", "19:00")]
    [InlineData("8 o'clock", "08:00")]
    [InlineData("noon", "12:00")]
    [InlineData("midnight", "00:00")]
    [InlineData("13pm", "INVALID")]
    [InlineData("25:00", "INVALID")]
    [InlineData("9:75", "INVALID")]
    [InlineData("for 4", null)]
    [InlineData("2026-03-01", null)]
    public void Times(string text, string? expected) => Assert.Equal(expected, Value(SlotType.Time, text));

    [Theory]
    [InlineData("call me on +1 (555) 123-4567", false, "+15551234567")]
    [InlineData("0171 555 1234", false, "01715551234")]
    [InlineData("555.123.4567 thanks", false, "5551234567")]
    [InlineData("12345", true, "INVALID")]
    [InlineData("12345", false, null)]
    [InlineData("1234567890123456", true, "INVALID")]
    [InlineData("no number", false, null)]
    public void Phones(string text, bool prompted, string? expected) => Assert.Equal(expected, Value(SlotType.Phone, text, prompted));

    [Theory]
    [InlineData("mail me at Jane.Doe+x@Example.COM please", false, "Jane.Doe+x@example.com")]
    [InlineData("jane at example dot com", true, null)]
    [InlineData("jane@", true, "INVALID")]
    [InlineData("jane@", false, null)]
    public void Emails(string text, bool prompted, string? expected) => Assert.Equal(expected, Value(SlotType.Email, text, prompted));

    [Theory]
    [InlineData("outside please", "outside")]
    [InlineData("OUTSIDE", "outside")]
    [InlineData("by the window", null)]
    [InlineData("a window seat inside", "window seat")]
    [InlineData("outsider", null)]
    public void Choices(string text, string? expected) =>
        Assert.Equal(expected, Value(SlotType.Choice, text, false, null, null, "inside", "outside", "window seat"));

    [Fact]
    public void ChoicePhraseMatchesWholeWords()
    {
        Assert.Equal("window seat", Value(SlotType.Choice, "a Window Seat, please", false, null, null, "inside", "window seat"));
    }

    [Theory]
    [InlineData("Maria Rossi.", true, "Maria Rossi")]
    [InlineData("  ", true, null)]
    [InlineData("Maria Rossi", false, null)]
    public void Text(string text, bool prompted, string? expected) => Assert.Equal(expected, Value(SlotType.Text, text, prompted));

    [Fact]
    public void CaptureIsValidatedAgainstTheSlot()
    {
        var slot = Slot(SlotType.Integer, 1, 12);
        Assert.True(SlotExtractor.FromCapture(slot, "four", Thursday).IsValid);
        Assert.False(SlotExtractor.FromCapture(slot, "forty", Thursday).IsValid);
        Assert.False(SlotExtractor.FromCapture(slot, "some", Thursday).IsValid);
        Assert.Equal(JsonValueKind.Number, SlotExtractor.FromCapture(slot, "4", Thursday).Value.ValueKind);
    }
}
