namespace Orchestrator.Node.Limits;

/// <summary>
/// Headers on every answer: no MIME sniffing, and for pages a Content-Security-Policy that allows
/// only the node's own scripts (no inline script or handlers: the demo page has none) and no framing,
/// so a copied page cannot run injected script or be clickjacked inside someone else's site.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY"; // frame-ancestors for browsers that predate it
            headers["Referrer-Policy"] = "no-referrer";
            return next(http);
        });
        return app;
    }
}
