using Orchestrator.Media.Sip.Auth;

namespace Orchestrator.Media.Tests.Sip;

public class DigestAuthenticatorTests
{
    [Fact]
    public void Rfc2617_md5_qop_auth_example()
    {
        string response = DigestAuthenticator.ComputeResponse("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
            "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b");
        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616_examples(string algorithm, string expected)
    {
        string response = DigestAuthenticator.ComputeResponse(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life", "GET",
            "/dir/index.html", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Equal(expected, response);
    }

    [Fact]
    public void Builds_an_authorization_header_from_a_challenge()
    {
        Assert.True(DigestChallenge.TryParse(
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
            out var challenge, out var error), error);
        Assert.Equal(["auth", "auth-int"], challenge.Qop);
        string header = DigestAuthenticator.CreateAuthorization(challenge, new SipCredentials("Mufasa", "Circle of Life"), "GET", "/dir/index.html",
            1, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"", header);
        Assert.Contains("qop=auth, nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\"", header);
        Assert.Contains("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", header);
        Assert.Contains("algorithm=SHA-256", header);
    }

    [Fact]
    public void Rejects_non_digest_and_unknown_algorithms()
    {
        Assert.False(DigestChallenge.TryParse("Basic realm=\"x\"", out _, out _));
        Assert.False(DigestChallenge.TryParse("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256", out _, out var error));
        Assert.Contains("unsupported", error);
        Assert.False(DigestChallenge.TryParse("Digest nonce=\"n\"", out _, out _));
    }
}
