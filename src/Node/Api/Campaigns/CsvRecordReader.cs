using System.Text;

namespace Orchestrator.Node.Api.Campaigns;

/// <summary>A CSV record and the line (from 1) it starts on.</summary>
public readonly record struct CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>A CSV text that is not well formed, at <see cref="Line"/>.</summary>
public sealed class CsvFormatException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads RFC 4180 CSV one record at a time from a stream (never the whole text): comma-separated
/// fields, double-quoted fields with doubled quotes and line breaks inside, CRLF or LF line ends.
/// Blank lines are skipped. A quote in the middle of an unquoted field, text after a closing quote
/// and an unterminated quote are errors naming their line.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private int _line = 1;

    public async IAsyncEnumerable<CsvRecord> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var buffer = new char[8192];
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var afterQuote = false;     // just closed a quoted field: only a comma or line end may follow
        var quotePending = false;   // inside quotes, saw a quote: it closes the field unless another follows
        var fieldStarted = false;
        var recordLine = _line;
        var pendingCr = false;

        CsvRecord? EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            var record = fields.Count == 1 && fields[0].Length == 0 && !fieldStarted ? (CsvRecord?)null : new CsvRecord(recordLine, fields.ToArray());
            fields.Clear();
            afterQuote = false;
            fieldStarted = false;
            return record;
        }

        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (pendingCr)
                {
                    pendingCr = false;
                    if (c == '\n') continue; // CRLF already ended the record
                }
                if (quotePending)
                {
                    quotePending = false;
                    if (c == '"') { field.Append('"'); continue; }
                    inQuotes = false;
                    afterQuote = true;
                }
                if (inQuotes)
                {
                    if (c == '"') { quotePending = true; continue; }
                    // A line break inside quotes is data, but still a line of the text (CRLF counts once).
                    if (c == '\n' || (c == '\r' && !(i + 1 < read && buffer[i + 1] == '\n'))) _line++;
                    field.Append(c);
                    continue;
                }
                switch (c)
                {
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        afterQuote = false;
                        fieldStarted = true;
                        break;
                    case '\r' or '\n':
                        if (EndRecord() is { } record) yield return record;
                        _line++;
                        recordLine = _line;
                        pendingCr = c == '\r';
                        break;
                    case '"':
                        if (afterQuote || field.Length > 0)
                            throw new CsvFormatException(_line, $"Line {_line}: a quote inside an unquoted field (quote the whole field and double its quotes).");
                        inQuotes = true;
                        fieldStarted = true;
                        break;
                    default:
                        if (afterQuote) throw new CsvFormatException(_line, $"Line {_line}: text after a closing quote.");
                        field.Append(c);
                        fieldStarted = true;
                        break;
                }
            }
        }
        if (quotePending) { inQuotes = false; afterQuote = true; }
        if (inQuotes) throw new CsvFormatException(recordLine, $"Line {recordLine}: a quoted field is never closed.");
        if (EndRecord() is { } last) yield return last;
    }
}
