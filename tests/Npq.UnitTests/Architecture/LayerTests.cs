using System.Reflection;

namespace Npq.UnitTests.Architecture;

/// <summary>Layers point inward: Domain knows no framework, Application no infrastructure or web.</summary>
public sealed class LayerTests
{
    private static readonly Assembly Domain = typeof(Npq.Domain.Common.DomainError).Assembly;
    private static readonly Assembly Application = typeof(Npq.Application.Common.Caller).Assembly;
    private static readonly Assembly Infrastructure = typeof(Npq.Infrastructure.DependencyInjection).Assembly;

    private static IEnumerable<string> References(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!);

    [Fact]
    public void Domain_references_nothing_but_the_runtime()
    {
        References(Domain).Where(name => !name.StartsWith("System", StringComparison.Ordinal) && name != "netstandard")
            .ShouldBeEmpty();
    }

    [Fact]
    public void Application_does_not_reference_infrastructure_or_the_web()
    {
        References(Application).ShouldNotContain("Npq.Infrastructure");
        References(Application).ShouldNotContain("Npq.Api");
        References(Application).ShouldNotContain(name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        References(Application).ShouldNotContain(name => name.StartsWith("Wolverine", StringComparison.Ordinal));
        References(Application).ShouldNotContain("Npgsql", "advisory locks and SQL states live in Infrastructure (IWriteLocks)");
    }

    [Fact]
    public void Infrastructure_does_not_reference_the_web_project()
    {
        References(Infrastructure).ShouldNotContain("Npq.Api");
    }

    [Fact]
    public void Events_are_immutable_records()
    {
        var events = Domain.GetTypes().Where(t => t.Namespace?.StartsWith("Npq.Domain", StringComparison.Ordinal) == true
                                                  && t.Name.EndsWith("Registered", StringComparison.Ordinal));
        foreach (var type in events)
        {
            type.GetProperties().Where(p => p.SetMethod is { } setter && !setter.ReturnParameter.GetRequiredCustomModifiers()
                    .Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)))
                .ShouldBeEmpty(type.Name);
        }
    }
}
