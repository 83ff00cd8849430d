using JasperFx;
using Npq.Api;
using Npq.Api.Cli;

var builder = WebApplication.CreateBuilder(args);
var command = CommandLine.Recognise(args);
if (command is not null)
{
    // A command of the executable: start the host on a throw-away loopback port (so the schema is
    // applied and Wolverine runs), do the work, stop.
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Configuration["Npq:Seed:OnStart"] = "false";
    // Standard output carries only the command's JSON; logs go to standard error.
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
}

builder.AddNpq();
var app = builder.Build();
app.UseNpq();

if (command is not null)
    return await CommandLine.RunAsync(app, command);

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
