using System.Text.RegularExpressions;

namespace Npq.Api.Http;

/// <summary>
/// v1 and v2 as the reference left them (CONTRACT B1, issue 26): the reference announced their end on
/// 28 July 2025 (removed from its sandbox) and removed them from production on 8 August 2025. This
/// service still serves them by default, for CRMs that have not moved to v3, and says on every v1 and
/// v2 response that they are deprecated (RFC 9745 <c>Deprecation</c>), when the reference switched them
/// off (RFC 8594 <c>Sunset</c>), and where the guidance is (<c>Link</c>). With
/// <c>Npq:LegacyVersions:Retired</c> set they are retired exactly as the reference retired them: every
/// v1 and v2 path, and their documents, answer 404.
/// </summary>
public static partial class LegacyVersions
{
    public const string RetiredSetting = "Npq:LegacyVersions:Retired";
    public const string GuidancePath = "/api/guidance/versions";

    /// <summary>RFC 9745: an RFC 9651 date, seconds since the epoch, of 2025-07-28T00:00:00Z.</summary>
    public const string DeprecationValue = "@1753660800";

    /// <summary>RFC 8594: an HTTP-date.</summary>
    public const string SunsetValue = "Fri, 08 Aug 2025 00:00:00 GMT";

    public const string LinkValue = $"<{GuidancePath}>; rel=\"deprecation\"; type=\"text/html\", <{GuidancePath}>; rel=\"sunset\"; type=\"text/html\"";

    public static bool IsRetired(IConfiguration configuration) => configuration.GetValue(RetiredSetting, false);

    /// <summary>A v1 or v2 API path (<c>/api/v1/…</c>, any letter case).</summary>
    public static bool IsLegacyApi(PathString path) => LegacyApi().IsMatch(path.Value ?? "");

    /// <summary>A v1 or v2 document: <c>/api/docs/v1</c>, its Swagger UI files and <c>swagger.json</c>/<c>.yaml</c>.</summary>
    public static bool IsLegacyDocument(PathString path) => LegacyDocument().IsMatch(path.Value ?? "");

    public static void WriteHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers["Deprecation"] = DeprecationValue;
        response.Headers["Sunset"] = SunsetValue;
        response.Headers.Link = LinkValue;
    }

    [GeneratedRegex(@"^/api/v[12](/|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LegacyApi();

    [GeneratedRegex(@"^/api/docs/v[12](/|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LegacyDocument();
}
