using System.Globalization;
using System.Runtime;
using DialOut;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options o;
try { o = Options.Parse(args); }
catch (ArgumentException ex) { Console.Error.WriteLine(ex.Message); return 2; }

ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 16), Math.Max(minIo, 16));

Console.WriteLine($"DialOut: {Environment.ProcessorCount} cores, server GC {GCSettings.IsServerGC}, .NET {Environment.Version}; " +
                  $"load average at start: {Machine.LoadAverage()}");
var work = Directory.CreateTempSubdirectory("dialout").FullName;
await using var uas = await Sipp.StartUasAsync(work, o);
Console.WriteLine($"SIPp uas on 127.0.0.1:{uas.Port} (pid {uas.Pid}), work dir {work}");

var sippSteps = new List<StepResult>();
if (!o.UaOnly)
{
    foreach (int rate in o.SippRates)
    {
        var r = await Sipp.RunUacAsync(uas, work, rate, o);
        sippSteps.Add(r);
        Console.WriteLine("  " + r.Line());
        if (!r.Sustained) break;
        await Task.Delay(TimeSpan.FromSeconds(o.PauseSeconds));
    }
}

var uaSteps = new Dictionary<string, List<StepResult>>();
if (!o.SippOnly)
{
    foreach (var mode in o.Modes)
    {
        var list = uaSteps[mode] = [];
        foreach (int rate in o.UaRates)
        {
            var r = await UaRun.RunAsync(uas, rate, mode == "media", o);
            list.Add(r);
            Console.WriteLine("  " + r.Line());
            if (!r.Sustained) break;
            await Task.Delay(TimeSpan.FromSeconds(o.PauseSeconds));
        }
    }
}

Report.Print(o, sippSteps, uaSteps, uas);
try { Directory.Delete(work, recursive: true); } catch (IOException) { }
return 0;
