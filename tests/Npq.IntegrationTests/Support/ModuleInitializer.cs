using System.Runtime.CompilerServices;
using JasperFx.CommandLine;

namespace Npq.IntegrationTests.Support;

internal static class ModuleInitializer
{
    /// <summary>WebApplicationFactory and the JasperFx command line: start the host as a plain host.</summary>
    [ModuleInitializer]
    internal static void Initialise() => JasperFxEnvironment.AutoStartHost = true;
}
