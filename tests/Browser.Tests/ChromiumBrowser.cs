using Microsoft.Playwright;

namespace Orchestrator.Browser.Tests;

/// <summary>Debian's chromium under Playwright, with a fake microphone playing <see cref="TestAudio.MicrophoneWav"/>
/// and a fresh profile. Playwright's own browser downloads are never used.</summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private ChromiumBrowser(IPlaywright playwright, IBrowserContext context, IPage page, string profile)
    {
        _playwright = playwright;
        Context = context;
        Page = page;
        _profile = profile;
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public List<string> Console { get; } = [];

    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("browser-tests-profile").FullName;
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Permissions = ["microphone"],
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                $"--use-file-for-fake-audio-capture={TestAudio.MicrophoneWav}%noloop",
                "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
            ],
        });
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        var browser = new ChromiumBrowser(playwright, context, page, profile);
        page.Console += (_, message) => { lock (browser.Console) browser.Console.Add($"{message.Type}: {message.Text}"); };
        return browser;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try { await Context.CloseAsync(); } catch (PlaywrightException) { }
        _playwright.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
    }
}
