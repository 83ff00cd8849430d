using System.Reflection;
using Npq.IntegrationTests.Support;
using Xunit.Sdk;

namespace Npq.IntegrationTests.Contract;

/// <summary>Which published description a response is checked against.</summary>
public enum ContractDocuments
{
    /// <summary>Our own committed documents (docs/openapi), with no deviation allowed. Always there.</summary>
    Own,

    /// <summary>The reference service's documents, with only CONTRACT.md's deviations. Optional input.</summary>
    Reference,
}

/// <summary>A row per API version, checked against our own committed documents.</summary>
public sealed class OwnDocumentsAttribute(params string[] versions) : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        versions.Select(v => new object[] { v, ContractDocuments.Own });
}

/// <summary>
/// A row per API version, checked against the reference service's documents; each row is reported as
/// skipped, with the reason, when those documents are not found (a clone with nothing beside it).
/// </summary>
public sealed class ReferenceDocumentsAttribute : DataAttribute
{
    private readonly string[] _versions;

    public ReferenceDocumentsAttribute(params string[] versions)
    {
        _versions = versions;
        Skip = Repository.ReferenceOpenApiMissing;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        _versions.Select(v => new object[] { v, ContractDocuments.Reference });
}

/// <summary>A fact that needs the reference documents: skipped, with the reason, without them.</summary>
public sealed class ReferenceFactAttribute : FactAttribute
{
    public ReferenceFactAttribute() => Skip = Repository.ReferenceOpenApiMissing;
}
