using Microsoft.Extensions.Configuration;
using Orchestrator.Node.Webhooks;

namespace Orchestrator.Node.Tests.Webhooks;

public sealed class WebhookPosterTests
{
    internal static ServiceProvider Services() => new ServiceCollection()
        .AddLogging()
        .AddWebhooks(new ConfigurationBuilder().Build())
        .BuildServiceProvider();

    [Fact]
    public async Task A_receiver_slower_than_the_time_out_is_no_answer()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromSeconds(3);
        await using var services = Services();

        var response = await services.GetRequiredService<WebhookPoster>().PostAsync(
            receiver.Url(), null, null, "{}", "d-1", TimeSpan.FromMilliseconds(300), readBody: false, CancellationToken.None);

        Assert.Null(response.StatusCode);
        Assert.False(response.IsSuccess);
        Assert.Equal("No answer within 0.3 s.", response.Error);
    }

    [Fact]
    public async Task A_signed_post_carries_a_signature_of_the_exact_body_the_receiver_can_check()
    {
        await using var receiver = await WebhookReceiver.StartAsync(secret: "s3cret");
        receiver.Answer = (_, _) => (202, """{"ok":true}""");
        await using var services = Services();

        var response = await services.GetRequiredService<WebhookPoster>().PostAsync(
            receiver.Url(), new Dictionary<string, string> { ["Authorization"] = "Bearer abc" }, "s3cret", """{"a":"é"}""", "d-2",
            TimeSpan.FromSeconds(10), readBody: true, CancellationToken.None);

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("""{"ok":true}""", response.Body);
        var seen = Assert.Single(receiver.Received);
        Assert.True(seen.SignatureValid);
        Assert.Equal("Bearer abc", seen.Headers["Authorization"]);
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", seen.Signature);
        // The check itself refuses a wrong secret, a changed body and an old time.
        Assert.False(WebhookReceiver.Verify("other", seen.Signature, seen.Body, DateTimeOffset.UtcNow));
        Assert.False(WebhookReceiver.Verify("s3cret", seen.Signature, seen.Body + " ", DateTimeOffset.UtcNow));
        Assert.False(WebhookReceiver.Verify("s3cret", seen.Signature, seen.Body, DateTimeOffset.UtcNow.AddMinutes(6)));
    }

    [Fact]
    public void The_signature_is_the_documented_hmac()
    {
        // Computed independently: printf '1767225600.{"x":1}' | openssl dgst -sha256 -hmac key
        var header = WebhookSignature.Header("key", """{"x":1}""", DateTimeOffset.FromUnixTimeSeconds(1767225600));
        Assert.Equal("t=1767225600,v1=" + OpenSslHmac, header);
    }

    private const string OpenSslHmac = "ee126d9c9e2f61160e05aa488fb0ce53a019cb3287aef60b23e7d1c95d82b7b0";
}

public sealed class WebhookOptionsTests
{
    [Theory]
    [InlineData("PollInterval", "00:00:00", "Orchestrator:Webhooks:PollInterval must be greater than 0 and at most 00:05:00.")]
    [InlineData("BatchSize", "0", "Orchestrator:Webhooks:BatchSize must be from 1 to 1000.")]
    [InlineData("Concurrency", "5000", "Orchestrator:Webhooks:Concurrency must be from 1 to 1000.")]
    public void Bad_settings_stop_the_start_with_the_setting_named(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Orchestrator:Webhooks:{key}"] = value }).Build();
        using var services = new ServiceCollection().AddLogging().AddWebhooks(configuration).BuildServiceProvider();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value);
        Assert.Equal([message], error.Failures);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        using var services = new ServiceCollection().AddLogging().AddWebhooks(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(2), 50, 16, true), (options.PollInterval, options.BatchSize, options.Concurrency, options.SenderEnabled));
    }
}

public sealed class WebhookRedirectTests
{
    [Fact]
    public async Task A_redirect_is_an_answer_not_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (r, _) => (r.Path == "/moved" ? 307 : 200, null);
        receiver.ResponseHeaders["Location"] = receiver.Url("elsewhere");
        await using var services = WebhookPosterTests.Services();
        var response = await services.GetRequiredService<Orchestrator.Node.Webhooks.WebhookPoster>().PostAsync(
            receiver.Url("moved"), null, null, "{}", "d-3", TimeSpan.FromSeconds(10), readBody: false, CancellationToken.None);
        Assert.Equal(307, response.StatusCode);
        Assert.False(response.IsSuccess);
        Assert.Equal("The receiver answered 307.", response.Error);
        Assert.Equal("/moved", Assert.Single(receiver.Received).Path);
    }
}
