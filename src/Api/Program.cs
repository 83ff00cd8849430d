using JasperFx;
using Npq.Api;
using Npq.Api.Cli;

if (CommandLine.Recognise(args))
{
    // A command of the executable: parsed first (help and mistakes need no database); when it runs,
    // the host starts on a throw-away loopback port (so the schema is applied and Wolverine runs),
    // does the work and stops.
    return await CommandLine.RunAsync(args, async () =>
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
        await commandApp.StartAsync();
        return commandApp;
    });
}

var builder = WebApplication.CreateBuilder(args);
builder.AddNpq();
var app = builder.Build();
app.UseNpq();
return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
