// Build script (Cake). Public targets: Build, Test, Run, Bench. Called through ./build.sh.
using System.Xml.Linq;

var target = Argument("target", "Build");
var configuration = Argument("configuration", "Debug");
var repo = MakeAbsolute(Directory("."));

// ---- private steps ------------------------------------------------------------------------

string StartLocalPostgres(params string[] databases)
{
    var settings = new ProcessSettings
    {
        Arguments = "start " + string.Join(" ", databases),
        RedirectStandardOutput = true,
    };
    var exit = StartProcess(repo.CombineWithFilePath("scripts/postgres.sh"), settings, out var output);
    if (exit != 0)
        throw new Exception("Could not start the local PostgreSQL (scripts/postgres.sh).");
    return output.Last();
}

Task("Clean-TestResults").Does(() =>
{
    if (DirectoryExists("artifacts/test-results"))
        DeleteDirectory("artifacts/test-results", new DeleteDirectorySettings { Recursive = true, Force = true });
});

// ---- public targets -----------------------------------------------------------------------

Task("Build")
    .Does(() =>
{
    DotNetBuild("Npq.sln", new DotNetBuildSettings { Configuration = configuration, NoLogo = true });
});

Task("Test")
    .IsDependentOn("Build")
    .IsDependentOn("Clean-TestResults")
    .Does(() =>
{
    var server = EnvironmentVariable("NPQ_TEST_POSTGRES");
    if (string.IsNullOrWhiteSpace(server))
    {
        server = StartLocalPostgres();
        Information($"Tests use the local PostgreSQL cluster ({server}).");
    }

    var results = repo.Combine("artifacts/test-results");
    var failed = false;
    try
    {
        DotNetTest("Npq.sln", new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoLogo = true,
            ResultsDirectory = results,
            Loggers = new[] { "trx", "console;verbosity=normal" },
            // NPQ_WARM_UP: the integration tests start a fresh clone's one-off builds in the background (Support/Warmups.cs).
            EnvironmentVariables = new Dictionary<string, string> { ["NPQ_TEST_POSTGRES"] = server, ["NPQ_WARM_UP"] = "1" },
        });
    }
    catch
    {
        failed = true;
    }

    // One plain closing line for every test project together.
    int passed = 0, failures = 0, skipped = 0;
    foreach (var trx in GetFiles(results.FullPath + "/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        passed += int.Parse(counters.Attribute("passed").Value);
        failures += int.Parse(counters.Attribute("failed").Value);
        // Skipped tests (xunit's Skip) are counted in total but not in executed.
        skipped += Math.Max(int.Parse(counters.Attribute("notExecuted").Value),
            int.Parse(counters.Attribute("total").Value) - int.Parse(counters.Attribute("executed").Value));
    }
    Console.WriteLine($"tests: {passed} passed, {failures} failed, {skipped} skipped");
    if (failed || failures > 0 || passed == 0)
        throw new Exception("Tests failed.");
});

Task("Run")
    .IsDependentOn("Build")
    .Does(() =>
{
    var environment = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = EnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Sandbox",
    };
    if (string.IsNullOrWhiteSpace(EnvironmentVariable("ConnectionStrings__Npq")))
    {
        environment["ConnectionStrings__Npq"] = StartLocalPostgres("npq") + ";Database=npq";
        Information($"Using this checkout's PostgreSQL cluster ({environment["ConnectionStrings__Npq"]}; set ConnectionStrings__Npq to use another).");
    }

    var urls = EnvironmentVariable("ASPNETCORE_URLS");
    var arguments = "run --project src/Api --no-build --no-launch-profile" + (string.IsNullOrWhiteSpace(urls) ? " --urls http://127.0.0.1:5080" : "");
    var shown = string.IsNullOrWhiteSpace(urls) ? "http://127.0.0.1:5080" : urls;
    Information("");
    Information($"NPQ lead-provider API ({environment["ASPNETCORE_ENVIRONMENT"]}) starting on {shown}");
    Information("Get a token for a lead provider (in another terminal):");
    Information("  ./build.sh tokens issue --lead-provider \"Ambition Institute\"");
    Information($"then: curl -H \"Authorization: Bearer <token>\" {shown}/api/v3/npq-applications");
    Information("");

    var exit = StartProcess("dotnet", new ProcessSettings { Arguments = arguments, EnvironmentVariables = environment });
    if (exit != 0)
        throw new Exception($"The server stopped with exit code {exit}.");
});

Task("Bench")
    .Does(() =>
{
    var exit = StartProcess(repo.CombineWithFilePath("bench/run.sh"));
    if (exit != 0)
        throw new Exception("The benchmark failed.");
});

RunTarget(target);
