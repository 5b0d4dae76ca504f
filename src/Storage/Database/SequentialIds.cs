using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Orchestrator.Storage.Database;

/// <summary>
/// UUIDv7 ids (RFC 9562) that strictly increase within this process, so rows created in the same
/// millisecond (a CSV upload, a bulk request) still sort by id in the order they were made.
/// <see cref="Guid.CreateVersion7()"/> fills the bits after the timestamp at random, so two ids of one
/// millisecond come out in either order. Here those 12 bits (rand_a) count within the millisecond, as
/// RFC 9562 §6.2 method 1 allows; when they run out the timestamp is advanced by one.
/// </summary>
public static class SequentialIds
{
    private static readonly object Gate = new();
    private static long _lastMs;
    private static int _counter;

    public static string Next(TimeProvider? time = null)
    {
        long ms;
        int counter;
        lock (Gate)
        {
            ms = Math.Max((time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds(), _lastMs);
            if (ms == _lastMs && ++_counter > 0xFFF) { ms++; _counter = 0; }
            else if (ms != _lastMs) _counter = 0;
            _lastMs = ms;
            counter = _counter;
        }
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, ms << 16);            // 48-bit timestamp, then 16 bits below
        BinaryPrimitives.WriteUInt16BigEndian(bytes[6..], (ushort)(0x7000 | counter)); // version 7 + rand_a
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));                      // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
