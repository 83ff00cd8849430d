using System.Runtime.CompilerServices;
using JasperFx.CommandLine;

namespace Npq.IntegrationTests.Support;

internal static class ModuleInitializer
{
    /// <summary>WebApplicationFactory and the JasperFx command line: start the host as a plain host.</summary>
    /// <summary>Also starts the slow one-off builds of a fresh clone in the background (<see cref="Warmups"/>).</summary>
    [ModuleInitializer]
    internal static void Initialise()
    {
        JasperFxEnvironment.AutoStartHost = true;
        Warmups.Start();
    }
}
