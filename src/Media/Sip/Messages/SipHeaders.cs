namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// The header fields of a message in their received order, names normalised to their long form
/// (compact <c>v</c> → Via). List headers may carry several comma-separated values per line and
/// may repeat; <see cref="GetValues"/> flattens both.
/// </summary>
public sealed class SipHeaders
{
    private static readonly Dictionary<string, string> Compact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["i"] = "Call-ID", ["m"] = "Contact", ["e"] = "Content-Encoding", ["l"] = "Content-Length",
        ["c"] = "Content-Type", ["f"] = "From", ["s"] = "Subject", ["k"] = "Supported", ["t"] = "To",
        ["v"] = "Via", ["o"] = "Event", ["r"] = "Refer-To", ["b"] = "Referred-By", ["u"] = "Allow-Events",
        ["a"] = "Accept-Contact", ["j"] = "Reject-Contact", ["d"] = "Request-Disposition",
        ["x"] = "Session-Expires", ["y"] = "Identity", ["n"] = "Identity-Info",
    };

    private static readonly Dictionary<string, string> Canonical = new[]
    {
        "Call-ID", "Contact", "Content-Encoding", "Content-Length", "Content-Type", "From", "Subject", "Supported",
        "To", "Via", "Event", "Refer-To", "Referred-By", "Allow-Events", "CSeq", "Max-Forwards", "Route",
        "Record-Route", "Allow", "Require", "Proxy-Require", "Unsupported", "Accept", "User-Agent", "Server",
        "WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Proxy-Authorization", "Expires",
        "Retry-After", "Reason", "Session-Expires", "Min-SE", "P-Asserted-Identity", "Warning",
    }.ToDictionary(n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1).</summary>
    private static readonly HashSet<string> ListHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Via", "Contact", "Route", "Record-Route", "Allow", "Supported", "Require", "Proxy-Require",
        "Unsupported", "Accept", "Accept-Encoding", "Accept-Language", "Allow-Events", "Content-Encoding",
        "In-Reply-To", "Alert-Info", "Call-Info", "Error-Info", "Path", "Service-Route", "P-Asserted-Identity",
    };

    private readonly List<KeyValuePair<string, string>> _items = [];

    public int Count => _items.Count;

    /// <summary>Changes on every edit, so parsed views of a header (see <see cref="SipMessage"/>) know when they are stale.</summary>
    internal int Version { get; private set; }
    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    public static string Normalize(string name) =>
        Compact.TryGetValue(name, out var full) ? full : Canonical.TryGetValue(name, out var canonical) ? canonical : name;

    public static bool IsList(string name) => ListHeaders.Contains(Normalize(name));

    public void Add(string name, string value)
    {
        _items.Add(new(Normalize(name), value));
        Version++;
    }

    /// <summary>Replaces every occurrence of the header by a single one (or removes it when null).</summary>
    public void Set(string name, string? value)
    {
        name = Normalize(name);
        int first = _items.FindIndex(h => Is(h, name));
        Remove(name);
        Version++;
        if (value is null) return;
        if (first < 0 || first > _items.Count) _items.Add(new(name, value));
        else _items.Insert(first, new(name, value));
    }

    public void Insert(int index, string name, string value)
    {
        _items.Insert(index, new(Normalize(name), value));
        Version++;
    }

    public int Remove(string name)
    {
        name = Normalize(name);
        Version++;
        return _items.RemoveAll(h => Is(h, name));
    }

    public bool Contains(string name)
    {
        name = Normalize(name);
        return _items.Exists(h => Is(h, name));
    }

    /// <summary>The first occurrence's whole value.</summary>
    public string? Get(string name)
    {
        name = Normalize(name);
        foreach (var h in _items)
            if (Is(h, name)) return h.Value;
        return null;
    }

    /// <summary>Every value, splitting comma lists for list headers; in message order.</summary>
    public List<string> GetValues(string name)
    {
        name = Normalize(name);
        bool list = ListHeaders.Contains(name);
        var values = new List<string>();
        foreach (var h in _items)
        {
            if (!Is(h, name)) continue;
            if (list) values.AddRange(SipSyntax.SplitList(h.Value));
            else values.Add(h.Value);
        }
        return values;
    }

    public SipHeaders Clone()
    {
        var copy = new SipHeaders();
        copy._items.AddRange(_items);
        copy.Version = Version + 1;
        return copy;
    }

    private static bool Is(KeyValuePair<string, string> h, string name) => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase);
}
