using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.Dialogue.Scripted;

/// <summary>A value found in an utterance for a slot: valid (with its normalised value) or recognised but invalid.</summary>
internal readonly record struct SlotMatch(bool IsValid, JsonElement Value, int Start, int Length)
{
    public static SlotMatch Valid<T>(T value, int start, int length) =>
        new(true, JsonSerializer.SerializeToElement(value), start, length);

    public static SlotMatch Invalid(int start, int length) => new(false, default, start, length);
}

/// <summary>
/// Reads slot values from free text. Pure and deterministic: relative dates are resolved against the
/// <c>today</c> passed in, never against a clock.
/// </summary>
internal static partial class SlotExtractor
{
    private const int RegexTimeoutMs = 200;

    /// <summary>
    /// Finds a value for <paramref name="slot"/> in <paramref name="text"/>: null when nothing of the slot's type
    /// is there, an invalid match when something is but it fails validation. When <paramref name="prompted"/> the
    /// engine has just asked for this slot, so the whole utterance is a text slot's value and a wrong-length
    /// phone number or a malformed e-mail address counts as an (invalid) answer.
    /// </summary>
    public static SlotMatch? Extract(SlotDefinition slot, string text, bool prompted, DateOnly today)
    {
        try
        {
            return slot.Type switch
            {
                SlotType.Number or SlotType.Integer => ExtractNumber(slot, text),
                SlotType.Date => ExtractDate(text, today),
                SlotType.Time => ExtractTime(text),
                SlotType.Phone => ExtractPhone(text, prompted),
                SlotType.Email => ExtractEmail(text, prompted),
                SlotType.Choice => ExtractChoice(slot, text),
                SlotType.Text => prompted ? ExtractText(text) : null,
                _ => null,
            };
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    /// <summary>Validates a raw value (from a pattern's named group) against the slot's type and bounds.</summary>
    public static SlotMatch FromCapture(SlotDefinition slot, string captured, DateOnly today)
    {
        var text = TextMatch.Normalize(captured);
        if (slot.Type == SlotType.Text)
            return text.Length > 0 ? SlotMatch.Valid(text, 0, 0) : SlotMatch.Invalid(0, 0);
        var m = Extract(slot, text, prompted: true, today);
        return m is { } found ? found with { Start = 0, Length = 0 } : SlotMatch.Invalid(0, 0);
    }

    // ---- numbers -------------------------------------------------------------------------

    private static readonly Dictionary<string, int> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6,
        ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12,
        ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17,
        ["eighteen"] = 18, ["nineteen"] = 19,
    };

    private static readonly Dictionary<string, int> Tens = new(StringComparer.OrdinalIgnoreCase)
    {
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70,
        ["eighty"] = 80, ["ninety"] = 90,
    };

    [GeneratedRegex(@"(?<![\w.])-?\d+(?:\.\d+)?(?!\w|\.\d)", RegexOptions.CultureInvariant, RegexTimeoutMs)]
    private static partial Regex DigitsRegex();

    [GeneratedRegex(@"(?<![\w-])(?:(?<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?<unit>one|two|three|four|five|six|seven|eight|nine))?|(?<unit>zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))(?:\s(?<hundred>hundred))?(?![\w-])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeoutMs)]
    private static partial Regex NumberWordsRegex();

    private static SlotMatch? ExtractNumber(SlotDefinition slot, string text)
    {
        var digits = DigitsRegex().Match(text);
        var words = NumberWordsRegex().Match(text);
        double value;
        Match used;
        if (digits.Success && (!words.Success || digits.Index <= words.Index))
        {
            if (!double.TryParse(digits.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                    CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
                return SlotMatch.Invalid(digits.Index, digits.Length);
            used = digits;
        }
        else if (words.Success)
        {
            value = (words.Groups["tens"].Success ? Tens[words.Groups["tens"].Value] : 0)
                    + (words.Groups["unit"].Success ? Units[words.Groups["unit"].Value] : 0);
            if (words.Groups["hundred"].Success) value *= 100;
            used = words;
        }
        else
        {
            return null;
        }

        if (slot.Min is { } min && value < min) return SlotMatch.Invalid(used.Index, used.Length);
        if (slot.Max is { } max && value > max) return SlotMatch.Invalid(used.Index, used.Length);
        if (slot.Type == SlotType.Integer)
        {
            if (value != Math.Floor(value) || Math.Abs(value) > 9_007_199_254_740_991d)
                return SlotMatch.Invalid(used.Index, used.Length);
            return SlotMatch.Valid((long)value, used.Index, used.Length);
        }
        return SlotMatch.Valid(value, used.Index, used.Length);
    }

    // ---- dates ---------------------------------------------------------------------------

    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    [GeneratedRegex(@"(?<![\w-])(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})(?![\w-])", RegexOptions.CultureInvariant, RegexTimeoutMs)]
    private static partial Regex IsoDateRegex();

    [GeneratedRegex(@"(?<!\w)(?:(?<rel>day after tomorrow|tomorrow|today|tonight)|(?:(?<next>next|this|on)\s)?(?<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?<d>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:,?\s(?<y>\d{4}))?|(?<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\s(?<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s(?<y>\d{4}))?)(?!\w)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeoutMs)]
    private static partial Regex WordDateRegex();

    private static SlotMatch? ExtractDate(string text, DateOnly today)
    {
        var iso = IsoDateRegex().Match(text);
        var word = WordDateRegex().Match(text);
        if (iso.Success && (!word.Success || iso.Index <= word.Index))
        {
            var ok = int.TryParse(iso.Groups["y"].Value, CultureInfo.InvariantCulture, out var y)
                     & int.TryParse(iso.Groups["m"].Value, CultureInfo.InvariantCulture, out var mo)
                     & int.TryParse(iso.Groups["d"].Value, CultureInfo.InvariantCulture, out var d);
            return ok && TryDate(y, mo, d, out var date)
                ? SlotMatch.Valid(Iso(date), iso.Index, iso.Length)
                : SlotMatch.Invalid(iso.Index, iso.Length);
        }
        if (!word.Success) return null;

        if (word.Groups["rel"].Success)
        {
            var offset = word.Groups["rel"].Value.ToLowerInvariant() switch
            {
                "tomorrow" => 1,
                "day after tomorrow" => 2,
                _ => 0,
            };
            return SlotMatch.Valid(Iso(today.AddDays(offset)), word.Index, word.Length);
        }
        if (word.Groups["wd"].Success)
        {
            var target = Enum.Parse<DayOfWeek>(word.Groups["wd"].Value, ignoreCase: true);
            var days = ((int)target - (int)today.DayOfWeek + 7) % 7;
            // "next friday" on a Friday is a week away; plain "friday" on a Friday is today.
            if (days == 0 && string.Equals(word.Groups["next"].Value, "next", StringComparison.OrdinalIgnoreCase)) days = 7;
            return SlotMatch.Valid(Iso(today.AddDays(days)), word.Index, word.Length);
        }

        var monText = word.Groups["mon"].Value.ToLowerInvariant();
        var month = Array.FindIndex(MonthNames, m => m.StartsWith(monText[..3], StringComparison.Ordinal)) + 1;
        var day = int.Parse(word.Groups["d"].Value, CultureInfo.InvariantCulture);
        if (word.Groups["y"].Success)
        {
            var year = int.Parse(word.Groups["y"].Value, CultureInfo.InvariantCulture);
            return TryDate(year, month, day, out var explicitDate)
                ? SlotMatch.Valid(Iso(explicitDate), word.Index, word.Length)
                : SlotMatch.Invalid(word.Index, word.Length);
        }
        // Without a year: the next such date on or after today (Feb 29 may be years away).
        for (var year = today.Year; year <= today.Year + 8; year++)
            if (TryDate(year, month, day, out var candidate) && candidate >= today)
                return SlotMatch.Valid(Iso(candidate), word.Index, word.Length);
        return SlotMatch.Invalid(word.Index, word.Length);
    }

    private static bool TryDate(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---- times ---------------------------------------------------------------------------

    [GeneratedRegex(@"(?<![\w:.])(?:(?<h>\d{1,2})(?:(?::(?<m>\d{2}))|(?:\.(?<m>\d{2}))(?=\s?[ap]\.?m))?|(?<hw>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))(?:\s?(?<ap>[ap])\.?m\.?|\s?(?<oc>o'?clock))?(?![\w:])|(?<![\w])(?<named>noon|midday|midnight)(?!\w)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeoutMs)]
    private static partial Regex TimeRegex();

    private static SlotMatch? ExtractTime(string text)
    {
        foreach (Match m in TimeRegex().Matches(text))
        {
            if (m.Groups["named"].Success)
            {
                var named = m.Groups["named"].Value.Equals("midnight", StringComparison.OrdinalIgnoreCase) ? "00:00" : "12:00";
                return SlotMatch.Valid(named, m.Index, m.Length);
            }
            var hasMinutes = m.Groups["m"].Success;
            var hasAmPm = m.Groups["ap"].Success;
            // A bare number ("for 4") is not a time: it needs minutes, am/pm or o'clock.
            if (!hasMinutes && !hasAmPm && !m.Groups["oc"].Success) continue;
            var hour = m.Groups["h"].Success
                ? int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture)
                : Units[m.Groups["hw"].Value];
            if (!m.Groups["h"].Success && hasMinutes) continue;
            var minute = hasMinutes ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            if (minute > 59) return SlotMatch.Invalid(m.Index, m.Length);
            if (hasAmPm)
            {
                if (hour is < 1 or > 12) return SlotMatch.Invalid(m.Index, m.Length);
                var pm = char.ToLowerInvariant(m.Groups["ap"].Value[0]) == 'p';
                hour = hour % 12 + (pm ? 12 : 0);
            }
            else if (hour > 23)
            {
                return SlotMatch.Invalid(m.Index, m.Length);
            }
            return SlotMatch.Valid($"{hour:00}:{minute:00}", m.Index, m.Length);
        }
        return null;
    }

    // ---- phone numbers -------------------------------------------------------------------

    [GeneratedRegex(@"(?<![\w+])\+?(?:\(\d{1,5}\)|\d+)(?:[\s.\-/]?(?:\(\d{1,5}\)|\d+))*(?!\w)", RegexOptions.CultureInvariant, RegexTimeoutMs)]
    private static partial Regex PhoneRegex();

    private static SlotMatch? ExtractPhone(string text, bool prompted)
    {
        SlotMatch? invalid = null;
        foreach (Match m in PhoneRegex().Matches(text))
        {
            var digits = new string(m.Value.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length is >= 7 and <= 15)
            {
                var normalized = (m.Value.StartsWith('+') ? "+" : "") + digits;
                return SlotMatch.Valid(normalized, m.Index, m.Length);
            }
            invalid ??= SlotMatch.Invalid(m.Index, m.Length);
        }
        // Short digit runs are ordinary numbers unless we asked for a phone number.
        return prompted ? invalid : null;
    }

    // ---- e-mail addresses ----------------------------------------------------------------

    [GeneratedRegex(@"(?<![\w.%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?![\w\-])", RegexOptions.CultureInvariant, RegexTimeoutMs)]
    private static partial Regex EmailRegex();

    private static SlotMatch? ExtractEmail(string text, bool prompted)
    {
        var m = EmailRegex().Match(text);
        if (m.Success)
        {
            var at = m.Value.IndexOf('@');
            var normalized = m.Value[..at] + m.Value[at..].ToLowerInvariant();
            return SlotMatch.Valid(normalized, m.Index, m.Length);
        }
        var sign = text.IndexOf('@');
        return prompted && sign >= 0 ? SlotMatch.Invalid(sign, 1) : null;
    }

    // ---- choices and free text -----------------------------------------------------------

    private static SlotMatch? ExtractChoice(SlotDefinition slot, string text)
    {
        SlotMatch? best = null;
        foreach (var choice in slot.Choices)
        {
            var at = TextMatch.FindWholeWord(text, choice);
            if (at >= 0 && (best is null || at < best.Value.Start))
                best = SlotMatch.Valid(choice, at, choice.Length);
        }
        return best;
    }

    private static SlotMatch? ExtractText(string text)
    {
        var value = text.Trim().TrimEnd('.', '!', '?', ',', ';').Trim();
        return value.Length > 0 ? SlotMatch.Valid(value, 0, text.Length) : null;
    }
}
