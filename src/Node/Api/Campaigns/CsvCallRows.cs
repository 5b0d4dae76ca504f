using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Node.Api.Campaigns;

/// <summary>
/// CSV rows as call requests (rest.md, Campaigns): the header names the columns (case-insensitively);
/// <c>endpoint</c> is required; <c>priority</c>, <c>timezone</c>, <c>callDeadline</c>, <c>notBefore</c>
/// and <c>idempotencyKey</c> are the call's fields; every other column is a string in additionalData.
/// </summary>
public static class CsvCallRows
{
    private static readonly string[] CallFields = ["endpoint", "priority", "timezone", "callDeadline", "notBefore", "idempotencyKey"];

    /// <summary>Each data row as a request with its line, or a <see cref="CsvFormatException"/> naming the bad line.</summary>
    public static async IAsyncEnumerable<(int Line, CallRequest Request)> ReadAsync(TextReader text,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        string[]? header = null;
        await foreach (var record in new CsvRecordReader(text).ReadAllAsync(ct))
        {
            if (header is null)
            {
                header = record.Fields.Select(f => f.Trim().TrimStart('\uFEFF')).ToArray();
                if (!header.Contains("endpoint", StringComparer.OrdinalIgnoreCase))
                    throw new CsvFormatException(record.Line, $"Line {record.Line}: the header has no endpoint column.");
                var duplicate = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                    throw new CsvFormatException(record.Line, $"Line {record.Line}: the column '{duplicate.Key}' appears twice.");
                continue;
            }
            if (record.Fields.Count != header.Length)
                throw new CsvFormatException(record.Line, $"Line {record.Line}: {record.Fields.Count} fields where the header has {header.Length}.");
            yield return (record.Line, ToRequest(header, record));
        }
        if (header is null) throw new CsvFormatException(1, "Line 1: the CSV is empty (a header row with an endpoint column is required).");
    }

    private static CallRequest ToRequest(string[] header, CsvRecord record)
    {
        var data = new JsonObject();
        string? endpoint = null, timezone = null, key = null;
        int? priority = null;
        DateTimeOffset? deadline = null, notBefore = null;
        for (var i = 0; i < header.Length; i++)
        {
            var value = record.Fields[i];
            var name = CallFields.FirstOrDefault(f => f.Equals(header[i], StringComparison.OrdinalIgnoreCase));
            switch (name)
            {
                case "endpoint": endpoint = value.Trim(); break;
                case "timezone": timezone = Empty(value); break;
                case "idempotencyKey": key = Empty(value); break;
                case "priority":
                    if (Empty(value) is { } p)
                        priority = int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                            : throw new CsvFormatException(record.Line, $"Line {record.Line}: priority '{p}' is not an integer.");
                    break;
                case "callDeadline": deadline = Date(value, "callDeadline", record.Line); break;
                case "notBefore": notBefore = Date(value, "notBefore", record.Line); break;
                default: data[header[i]] = value; break;
            }
        }
        return new CallRequest
        {
            Endpoint = endpoint, Priority = priority, Timezone = timezone, CallDeadline = deadline, NotBefore = notBefore,
            IdempotencyKey = key, AdditionalData = data,
        };
    }

    private static string? Empty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? Date(string value, string field, int line) =>
        Empty(value) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw new CsvFormatException(line, $"Line {line}: {field} '{text}' is not an ISO 8601 date-time.");
}
