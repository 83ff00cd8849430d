namespace Npq.IntegrationTests.Support;

/// <summary>
/// Where things are for the tests: the checkout they were built from (found by its own
/// <c>Npq.sln</c> above the test's output folder), and the optional inputs outside it.
/// </summary>
public static class Repository
{
    private static readonly Lazy<DirectoryInfo> RootFolder = new(() =>
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !System.IO.File.Exists(Path.Combine(folder.FullName, "Npq.sln")))
            folder = folder.Parent;
        return folder ?? throw new DirectoryNotFoundException("Npq.sln is not above " + AppContext.BaseDirectory);
    });

    /// <summary>The folder of <c>Npq.sln</c>.</summary>
    public static DirectoryInfo Root => RootFolder.Value;

    /// <summary>A path inside the checkout.</summary>
    public static string File(params string[] parts) => Path.Combine([Root.FullName, .. parts]);

    /// <summary>
    /// The reference service's published OpenAPI documents: <c>NPQ_REFERENCE_OPENAPI</c> when set,
    /// otherwise <c>../shared/reference-openapi</c> beside the checkout. They are optional input:
    /// the checks that need them are skipped, with <see cref="ReferenceOpenApiMissing"/> as the reason.
    /// </summary>
    public static string ReferenceOpenApi =>
        Environment.GetEnvironmentVariable("NPQ_REFERENCE_OPENAPI") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(Path.Combine(Root.FullName, "..", "shared", "reference-openapi"));

    /// <summary>Why the reference checks are skipped, or null when the documents are there.</summary>
    public static string? ReferenceOpenApiMissing =>
        System.IO.File.Exists(Path.Combine(ReferenceOpenApi, "v3.yaml"))
            ? null
            : $"the reference service's OpenAPI documents are not at {ReferenceOpenApi} (set NPQ_REFERENCE_OPENAPI to their folder to run this check)";
}
