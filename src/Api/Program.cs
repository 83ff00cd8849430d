using JasperFx;
using Npq.Api;
using Npq.Api.Cli;

if (CommandLine.Recognise(args))
{
    // A command of the executable: parsed first (help and mistakes need no database); when it runs,
    // the host starts on a throw-away loopback port (so Wolverine runs, and the schema is applied where
    // Npq:Schema:ApplyOnStart allows it, ADR 0030),
    // does the work and stops.
    return await CommandLine.RunAsync(args, async () =>
    {
        var commandApp = Build();
        await commandApp.StartAsync();
        return commandApp;
    }, () => Task.FromResult(Build()));

    static WebApplication Build()
    {
        var commandBuilder = WebApplication.CreateBuilder([]);
        commandBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        commandBuilder.Configuration["Npq:Seed:OnStart"] = "false";
        commandBuilder.Configuration["Npq:Metrics:Port"] = ""; // a command serves no scrape endpoint
        commandBuilder.Configuration["Npq:Audit:Seal"] = "false"; // a command leaves the sealing to the servers
        // Standard output carries only the command's JSON; logs go to standard error.
        commandBuilder.Logging.ClearProviders();
        commandBuilder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        commandBuilder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        commandBuilder.AddNpq();
        var commandApp = commandBuilder.Build();
        commandApp.UseNpq();
        return commandApp;
    }
}

var builder = WebApplication.CreateBuilder(args);
builder.AddNpq();
var app = builder.Build();
if (args.Length == 0 || args[0].StartsWith('-'))
{
    // The server (its options, such as --urls, were read by the builder). Not through JasperFx's command
    // runner, whose search for commands writes a plain-text line to standard output (issue 28).
    return await StartupProblems.RunAsync(app);
}

app.UseNpq();
return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
