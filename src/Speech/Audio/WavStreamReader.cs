using System.Buffers.Binary;

namespace Orchestrator.Speech.Audio;

/// <summary>
/// Incremental WAV parser for streamed audio: feed bytes as they arrive, get mono 16-bit samples as
/// soon as whole samples exist. Accepts 16-bit integer PCM, mono or stereo (downmixed). A data chunk
/// whose size is 0 or a streaming placeholder (espeak-ng writes 0x7FFFF000) runs to the end of the
/// stream. Anything else throws <see cref="WavFormatException"/>; it never reads out of bounds.
/// </summary>
public sealed class WavStreamReader
{
    private const uint StreamingSizeThreshold = 0x7FFF0000;
    private const int MaxHeaderBytes = 1 << 20; // chunks before "data" larger than this are not a stream we expect

    private readonly List<byte> _pending = new();
    private State _state = State.RiffHeader;
    private long _dataRemaining = -1; // -1: unbounded
    private long _skipRemaining;
    private int _headerBytes;

    private enum State { RiffHeader, ChunkHeader, FmtBody, Skip, Data, Done }

    /// <summary>Known once the <c>fmt </c> chunk has been read.</summary>
    public WavFormat? Format { get; private set; }

    /// <summary>True once the declared data chunk has been read entirely.</summary>
    public bool IsComplete => _state == State.Done;

    private int _fmtSize;

    /// <summary>Parses the next bytes; returns the mono samples they complete (possibly none).</summary>
    public short[] Feed(ReadOnlySpan<byte> bytes)
    {
        _pending.AddRange(bytes.ToArray());
        var samples = new List<short>();
        bool progress = true;
        while (progress)
        {
            progress = false;
            switch (_state)
            {
                case State.RiffHeader:
                    if (_pending.Count < 12) break;
                    if (!Is(0, "RIFF")) throw new WavFormatException("not a WAV stream: it does not start with 'RIFF'");
                    if (!Is(8, "WAVE")) throw new WavFormatException("not a WAV stream: the RIFF form type is not 'WAVE'");
                    Consume(12);
                    _state = State.ChunkHeader;
                    progress = true;
                    break;

                case State.ChunkHeader:
                    if (_pending.Count < 8) break;
                    {
                        string id = System.Text.Encoding.ASCII.GetString(_pending.GetRange(0, 4).ToArray());
                        uint size = BinaryPrimitives.ReadUInt32LittleEndian(Peek(4, 4));
                        Consume(8);
                        if (id == "data")
                        {
                            if (Format is null) throw new WavFormatException("WAV 'data' chunk comes before any 'fmt ' chunk");
                            _dataRemaining = size == 0 || size >= StreamingSizeThreshold ? -1 : size;
                            _state = State.Data;
                        }
                        else if (id == "fmt ")
                        {
                            if (size < 16 || size > 1024) throw new WavFormatException($"WAV 'fmt ' chunk has an invalid size {size}");
                            _fmtSize = (int)size;
                            _state = State.FmtBody;
                        }
                        else
                        {
                            _headerBytes += 8;
                            if (size > MaxHeaderBytes || _headerBytes + size > MaxHeaderBytes)
                                throw new WavFormatException($"WAV chunk '{Printable(id)}' of {size} bytes before the audio data is too large");
                            _skipRemaining = size + (size & 1); // chunks are word-aligned
                            _state = State.Skip;
                        }
                        progress = true;
                    }
                    break;

                case State.FmtBody:
                    {
                        int padded = _fmtSize + (_fmtSize & 1);
                        if (_pending.Count < padded) break;
                        var body = Peek(0, _fmtSize);
                        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
                        int channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                        int rate = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(body[4..]));
                        int bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                        if (tag == 0xFFFE && _fmtSize >= 26) tag = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]); // extensible: sub-format GUID
                        if (tag != 1) throw new WavFormatException($"unsupported WAV encoding {tag} (only integer PCM, 1, is supported)");
                        if (bits != 16) throw new WavFormatException($"unsupported WAV sample size {bits} bits (only 16-bit is supported)");
                        if (channels is < 1 or > 2) throw new WavFormatException($"unsupported WAV channel count {channels} (mono or stereo only)");
                        if (rate is < 1000 or > 192_000) throw new WavFormatException($"implausible WAV sample rate {rate} Hz");
                        Format = new WavFormat(rate, channels, bits);
                        Consume(padded);
                        _state = State.ChunkHeader;
                        progress = true;
                    }
                    break;

                case State.Skip:
                    {
                        int n = (int)Math.Min(_skipRemaining, _pending.Count);
                        if (n == 0 && _skipRemaining > 0) break;
                        Consume(n);
                        _skipRemaining -= n;
                        if (_skipRemaining == 0) { _state = State.ChunkHeader; progress = true; }
                    }
                    break;

                case State.Data:
                    {
                        int frameBytes = 2 * Format!.Channels;
                        long available = _dataRemaining < 0 ? _pending.Count : Math.Min(_dataRemaining, _pending.Count);
                        int frames = (int)(available / frameBytes);
                        if (frames > 0)
                        {
                            var raw = Peek(0, frames * frameBytes);
                            for (int i = 0; i < frames; i++)
                            {
                                if (Format.Channels == 1) samples.Add(BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]));
                                else
                                {
                                    int l = BinaryPrimitives.ReadInt16LittleEndian(raw[(4 * i)..]);
                                    int r = BinaryPrimitives.ReadInt16LittleEndian(raw[(4 * i + 2)..]);
                                    samples.Add((short)((l + r) / 2));
                                }
                            }
                            Consume(frames * frameBytes);
                            if (_dataRemaining >= 0) _dataRemaining -= frames * frameBytes;
                        }
                        if (_dataRemaining >= 0 && _dataRemaining < frameBytes) { _state = State.Done; _pending.Clear(); }
                    }
                    break;

                case State.Done:
                    _pending.Clear(); // trailing chunks (LIST etc.) after the audio are ignored
                    break;
            }
        }
        return samples.ToArray();
    }

    /// <summary>Call at the end of the stream: throws if it ended before any audio data began.</summary>
    public void Complete()
    {
        if (_state is State.Data or State.Done) return;
        throw new WavFormatException(_state switch
        {
            State.RiffHeader => "WAV stream ended inside the RIFF header",
            State.FmtBody => "WAV stream ended inside the 'fmt ' chunk",
            _ when Format is null => "WAV stream ended before a 'fmt ' chunk",
            _ => "WAV stream ended before the 'data' chunk",
        });
    }

    /// <summary>Parses a whole WAV file held in memory.</summary>
    public static (WavFormat Format, short[] Samples) ReadAll(ReadOnlySpan<byte> wav)
    {
        var reader = new WavStreamReader();
        var samples = reader.Feed(wav);
        reader.Complete();
        return (reader.Format!, samples);
    }

    private bool Is(int offset, string tag)
    {
        for (int i = 0; i < 4; i++) if (_pending[offset + i] != tag[i]) return false;
        return true;
    }

    private ReadOnlySpan<byte> Peek(int offset, int count) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending).Slice(offset, count);

    private void Consume(int count) => _pending.RemoveRange(0, count);

    private static string Printable(string id) =>
        new(id.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
