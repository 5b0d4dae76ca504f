namespace Orchestrator.Speech.Vad;

/// <summary>
/// Frame-by-frame energy and zero-crossing voice activity detector with an adaptive noise floor and
/// hangover. Pure and deterministic: the same frames give the same decisions. Not thread-safe.
/// </summary>
public sealed class EnergyVad(VadOptions? options = null)
{
    private const double SilenceDb = -96;
    private readonly VadOptions _options = options ?? new VadOptions();
    private double _floorDb = double.NaN;
    private int _framesSeen;
    private int _hangover;

    public VadOptions Options => _options;
    public double NoiseFloorDb => _floorDb;

    public VadDecision Process(ReadOnlySpan<short> frame)
    {
        double energyDb = EnergyDb(frame);
        double zcr = ZeroCrossingRate(frame);
        _framesSeen++;

        if (_framesSeen <= _options.InitialFrames)
        {
            // Seed with the quietest early frame: a click in the first frames must not raise the floor.
            _floorDb = double.IsNaN(_floorDb) ? energyDb : Math.Min(_floorDb, energyDb);
            return new VadDecision(false, false, energyDb, _floorDb, zcr);
        }

        bool loud = energyDb > Math.Max(_floorDb + _options.SpeechMarginDb, _options.AbsoluteThresholdDb);
        bool fricative = zcr >= _options.FricativeMinZeroCrossingRate
                         && energyDb > Math.Max(_floorDb + _options.FricativeMarginDb, _options.AbsoluteThresholdDb);
        bool raw = loud || (fricative && _hangover > 0); // a fricative alone (steady hiss) does not start speech

        if (raw) _hangover = _options.HangoverFrames + 1;
        bool speech = raw || _hangover > 0;
        if (_hangover > 0) _hangover--;

        // The floor drops at once to anything quieter and rises slowly, slower still during speech.
        if (energyDb < _floorDb) _floorDb = energyDb;
        else _floorDb += (energyDb - _floorDb) * (speech ? _options.FloorRiseRateInSpeech : _options.FloorRiseRate);

        return new VadDecision(speech, raw, energyDb, _floorDb, zcr);
    }

    public void Reset()
    {
        _floorDb = double.NaN;
        _framesSeen = 0;
        _hangover = 0;
    }

    /// <summary>Mean power relative to full scale, in dB (−96 for digital silence).</summary>
    public static double EnergyDb(ReadOnlySpan<short> frame)
    {
        if (frame.IsEmpty) return SilenceDb;
        double sum = 0;
        foreach (short s in frame) sum += (double)s * s;
        double mean = sum / frame.Length / (32768.0 * 32768.0);
        return mean <= 0 ? SilenceDb : Math.Max(SilenceDb, 10 * Math.Log10(mean));
    }

    /// <summary>Fraction of adjacent sample pairs that change sign.</summary>
    public static double ZeroCrossingRate(ReadOnlySpan<short> frame)
    {
        if (frame.Length < 2) return 0;
        int crossings = 0;
        for (int i = 1; i < frame.Length; i++)
            if ((frame[i - 1] >= 0) != (frame[i] >= 0)) crossings++;
        return (double)crossings / (frame.Length - 1);
    }
}
