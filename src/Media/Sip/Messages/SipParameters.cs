using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// Ordered <c>;name=value</c> parameters (URI, Via, name-addr). Names compare case-insensitively;
/// a null value is a flag such as <c>;lr</c> or an empty <c>;rport</c>. Quoted values keep their quotes.
/// </summary>
public sealed class SipParameters
{
    private readonly List<KeyValuePair<string, string?>> _items = [];

    public int Count => _items.Count;
    public IEnumerable<KeyValuePair<string, string?>> Items => _items;

    public bool Contains(string name) => IndexOf(name) >= 0;

    public string? Get(string name)
    {
        int i = IndexOf(name);
        return i < 0 ? null : _items[i].Value;
    }

    public void Set(string name, string? value)
    {
        int i = IndexOf(name);
        if (i < 0) _items.Add(new(name, value));
        else _items[i] = new(_items[i].Key, value);
    }

    public bool Remove(string name)
    {
        int i = IndexOf(name);
        if (i < 0) return false;
        _items.RemoveAt(i);
        return true;
    }

    public SipParameters Clone()
    {
        var copy = new SipParameters();
        copy._items.AddRange(_items);
        return copy;
    }

    public void AppendTo(StringBuilder sb, char separator = ';')
    {
        foreach (var (name, value) in _items)
        {
            sb.Append(separator).Append(name);
            if (value is not null) sb.Append('=').Append(value);
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    private int IndexOf(string name) => _items.FindIndex(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
}
