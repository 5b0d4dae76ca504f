using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Node.Api.Campaigns;

namespace Orchestrator.Node.Tests.Api;

public class CsvReaderTests
{
    private static async Task<List<CsvRecord>> Read(string text)
    {
        var list = new List<CsvRecord>();
        await foreach (var r in new CsvRecordReader(new StringReader(text)).ReadAllAsync()) list.Add(r);
        return list;
    }

    [Fact]
    public async Task Quotes_doubled_quotes_and_line_breaks_inside_fields_keep_their_lines()
    {
        var records = await Read("endpoint,note\r\n+1,\"say \"\"hi\"\"\"\n\n+2,\"two\r\nlines\"\n+3,");
        Assert.Equal([1, 2, 4, 6], records.Select(r => r.Line));
        Assert.Equal(["+1", "say \"hi\""], records[1].Fields);
        Assert.Equal(["+2", "two\r\nlines"], records[2].Fields);
        Assert.Equal(["+3", ""], records[3].Fields);
    }

    [Theory]
    [InlineData("a,b\n1,\"open", 2, "never closed")]
    [InlineData("a,b\n1,x\"y\n", 2, "quote inside an unquoted field")]
    [InlineData("a,b\n\n1,\"x\"y\n", 3, "after a closing quote")]
    public async Task Malformed_csv_names_the_line(string text, int line, string words)
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => Read(text));
        Assert.Equal(line, e.Line);
        Assert.Contains(words, e.Message);
    }

    [Fact]
    public async Task Rows_become_call_requests_with_other_columns_as_additional_data()
    {
        var rows = new List<(int, Orchestrator.Messages.Calls.CallRequest)>();
        await foreach (var r in CsvCallRows.ReadAsync(new StringReader("Endpoint,firstName,priority,timezone,notBefore\n+1,Ada,5,Europe/Berlin,2030-01-01T00:00:00Z\n")))
            rows.Add(r);
        var (line, call) = Assert.Single(rows);
        Assert.Equal(2, line);
        Assert.Equal(("+1", 5, "Europe/Berlin"), (call.Endpoint, call.Priority, call.Timezone));
        Assert.Equal("Ada", (string?)call.AdditionalData!["firstName"]);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), call.NotBefore);
    }

    [Theory]
    [InlineData("name\nAda\n", 1, "no endpoint column")]
    [InlineData("endpoint,priority\n+1,high\n", 2, "not an integer")]
    [InlineData("endpoint,x\n+1\n", 2, "1 fields where the header has 2")]
    [InlineData("endpoint,callDeadline\n+1,soon\n", 2, "ISO 8601")]
    [InlineData("endpoint,Endpoint\n+1,+2\n", 1, "appears twice")]
    [InlineData("", 1, "empty")]
    public async Task Bad_rows_name_their_line(string text, int line, string words)
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(async () =>
        {
            await foreach (var _ in CsvCallRows.ReadAsync(new StringReader(text))) { }
        });
        Assert.Equal(line, e.Line);
        Assert.Contains(words, e.Message);
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 || field.Length == 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    [Property(MaxTest = 300)]
    public Property Written_records_read_back_the_same() =>
        Prop.ForAll(Gen.NonEmptyListOf(Gen.NonEmptyListOf(Gen.ArrayOf(Gen.Elements('a', ',', '"', '\n', '\r', ' ', 'é')).Select(c => new string(c))))
            .ToArbitrary(), records =>
        {
            var text = string.Join("\r\n", records.Select(r => string.Join(",", r.Select(Quote))));
            var back = Read(text).GetAwaiter().GetResult();
            return back.Count == records.Count && back.Zip(records).All(p => p.Item1.Fields.SequenceEqual(p.Item2));
        });

    [Property(MaxTest = 300)]
    public Property Any_text_reads_or_fails_with_a_line_never_a_crash() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Elements('a', ',', '"', '\n', '\r', ' ')).Select(c => new string(c)).ToArbitrary(), text =>
        {
            try
            {
                var lines = text.Count(c => c == '\n') + text.Count(c => c == '\r') + 1;
                return Read(text).GetAwaiter().GetResult().All(r => r.Line >= 1 && r.Line <= lines);
            }
            catch (CsvFormatException e)
            {
                return e.Line >= 1 && e.Message.StartsWith($"Line {e.Line}:");
            }
        });
}
