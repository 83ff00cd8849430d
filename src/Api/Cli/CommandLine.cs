using System.Globalization;
using System.Text.Json;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.NpqApplications.TransferApplication;
using Npq.Application.Participants.ChangeParticipantId;
using Npq.Application.ReferenceData;
using Npq.Application.Statements;
using Npq.Application.Statements.Admin;
using Npq.Domain.Courses;
using Npq.Infrastructure.Seed;
using Npq.Infrastructure.Tokens;

namespace Npq.Api.Cli;

/// <summary>
/// The executable's own commands (CONTRACT B3, B6). Each prints a JSON object on its last line.
/// <code>
///   tokens issue --lead-provider "&lt;name, slug or id&gt;"
///   tokens issue --kind auditor|admin --name "&lt;label&gt;"
///   tokens revoke --id &lt;token id&gt;
///   tokens list
///   seed [--reference-only]
///   statements open --lead-provider X --cohort 2025 --year 2026 --month 1 --deadline 2025-12-26 --payment-date 2026-01-26 [--not-output-fee] [--courses a,b]
///   statements mark-payable --id &lt;statement id&gt;
///   statements mark-paid --id &lt;statement id&gt;
///   applications transfer --id &lt;application id&gt; --to-lead-provider X
///   participants change-id --from &lt;old participant id&gt; --to &lt;new participant id&gt;
///   projections verify | rebuild        (exit code 3 when a read model diverges from the replay)
/// </code>
/// Anything else goes to the JasperFx commands (db-apply, db-assert, projections, …).
/// </summary>
public static class CommandLine
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string[]? Recognise(string[] args) =>
        args.Length > 0 && args[0] is "tokens" or "seed" or "statements" or "applications" or "participants"
        || args is ["projections", "verify" or "rebuild", ..]
            ? args
            : null;

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        await app.StartAsync();
        try
        {
            var output = await ExecuteAsync(app.Services, args);
            Console.WriteLine(JsonSerializer.Serialize(output, Json));
            return Environment.ExitCode;
        }
        catch (ArgumentException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            Console.WriteLine(JsonSerializer.Serialize(new { error = exception.Message }, Json));
            return 1;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task<object> ExecuteAsync(IServiceProvider services, string[] args)
    {
        var tokens = services.GetRequiredService<TokenService>();
        switch (args)
        {
            case ["tokens", "issue", .. var rest]:
            {
                var options = Options(rest);
                if (options.TryGetValue("lead-provider", out var provider))
                {
                    var issued = await tokens.IssueForLeadProviderAsync(provider, CancellationToken.None);
                    return new { lead_provider_id = issued.LeadProvider!.Id, lead_provider_name = issued.LeadProvider.Name, token = issued.Secret };
                }

                var kind = TokenKinds.FromWire(options.GetValueOrDefault("kind"));
                if (kind is not (TokenKind.Auditor or TokenKind.Admin))
                    throw new ArgumentException("Use --lead-provider \"<name>\" or --kind auditor|admin --name \"<label>\".");
                var token = await tokens.IssueAsync(kind.Value, options.GetValueOrDefault("name") ?? "", CancellationToken.None);
                return new { token_id = token.Token.Id, kind = TokenKinds.ToWire(token.Token.Kind), token = token.Secret };
            }

            case ["tokens", "revoke", .. var rest]:
            {
                if (!Guid.TryParse(Options(rest).GetValueOrDefault("id"), out var id))
                    throw new ArgumentException("Use --id <token id> (see 'tokens list').");
                var revoked = await tokens.RevokeAsync(id, CancellationToken.None)
                              ?? throw new ArgumentException($"No token has the id {id}.");
                return new { token_id = revoked.Id, revoked_at = revoked.RevokedAt };
            }

            case ["tokens", "list"]:
            {
                var all = await tokens.ListAsync(CancellationToken.None);
                return new
                {
                    tokens = all.Select(t => new
                    {
                        token_id = t.Id,
                        kind = TokenKinds.ToWire(t.Kind),
                        name = t.Name,
                        lead_provider_id = t.LeadProviderId,
                        created_at = t.CreatedAt,
                        last_used_at = t.LastUsedAt,
                        revoked_at = t.RevokedAt,
                    }),
                };
            }

            case ["seed", .. var rest]:
            {
                await using var scope = services.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<Seeder>()
                    .SeedAsync(scenarios: !rest.Contains("--reference-only"), CancellationToken.None);
                return new
                {
                    reference_documents = result.ReferenceDocuments,
                    applications_registered = result.ApplicationsRegistered,
                    applications_already_there = result.ApplicationsAlreadyThere,
                };
            }

            case ["statements", "open", .. var rest]:
            {
                var o = Options(rest);
                var provider = await ProviderIdAsync(services, Required(o, "lead-provider"));
                var statement = await SendAsync(services, new OpenStatement(Caller.System, provider, Required(o, "cohort"),
                    int.Parse(Required(o, "year"), CultureInfo.InvariantCulture), int.Parse(Required(o, "month"), CultureInfo.InvariantCulture),
                    DateOnly.Parse(Required(o, "deadline"), CultureInfo.InvariantCulture), DateOnly.Parse(Required(o, "payment-date"), CultureInfo.InvariantCulture),
                    !o.ContainsKey("not-output-fee"),
                    (o.GetValueOrDefault("courses") ?? string.Join(',', Courses.All.Select(c => c.Identifier))).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
                return Statement(statement);
            }

            case ["statements", "mark-payable", .. var rest]:
                return Statement(await SendAsync(services, new MarkStatementPayable(Caller.System, Guid.Parse(Required(Options(rest), "id")))));

            case ["statements", "mark-paid", .. var rest]:
                return Statement(await SendAsync(services, new MarkStatementPaid(Caller.System, Guid.Parse(Required(Options(rest), "id")))));

            case ["applications", "transfer", .. var rest]:
            {
                var o = Options(rest);
                var to = await ProviderIdAsync(services, Required(o, "to-lead-provider"));
                var application = await SendAsync(services, new TransferApplication(Caller.System, Guid.Parse(Required(o, "id")), to));
                return new { application_id = application.Id, lead_provider_id = application.LeadProviderId };
            }

            case ["projections", var mode, ..]:
            {
                var verifier = services.GetRequiredService<Infrastructure.Audit.ProjectionVerifier>();
                var report = mode == "rebuild"
                    ? await verifier.RebuildAsync(CancellationToken.None)
                    : await verifier.VerifyAsync(CancellationToken.None);
                foreach (var model in report.ReadModels)
                {
                    await Console.Error.WriteLineAsync(
                        $"{model.Name,-26} live {model.Live,8}  replayed {model.Replayed,8}  {(model.Matches ? "ok" : "DIVERGES")}  {model.LiveDigest[..Math.Min(16, model.LiveDigest.Length)]}");
                }

                foreach (var (projection, seconds) in report.ReplaySeconds)
                    await Console.Error.WriteLineAsync($"{projection,-36} replayed in {seconds,6:F1} s");
                await Console.Error.WriteLineAsync($"{report.Events} events replayed in {report.Seconds:F1} s ({report.EventsPerSecond:F0} events/s)");
                if (!report.Ok)
                    Environment.ExitCode = 3;
                return new
                {
                    ok = report.Ok,
                    events = report.Events,
                    seconds = Math.Round(report.Seconds, 2),
                    events_per_second = Math.Round(report.EventsPerSecond),
                    read_models = report.ReadModels.Select(m => new
                    {
                        name = m.Name, live = m.Live, replayed = m.Replayed, live_digest = m.LiveDigest, replayed_digest = m.ReplayedDigest,
                        matches = m.Matches, divergent_ids = m.Divergent,
                    }),
                };
            }

            case ["participants", "change-id", .. var rest]:
            {
                var o = Options(rest);
                var participant = await SendAsync(services, new ChangeParticipantId(Caller.System, Guid.Parse(Required(o, "from")), Guid.Parse(Required(o, "to"))));
                return new { participant_id = participant.Id, participant_id_changes = participant.ParticipantIdChanges };
            }

            default:
                throw new ArgumentException(
                    "Commands: tokens issue|revoke|list, seed, statements open|mark-payable|mark-paid, applications transfer, participants change-id.");
        }
    }

    private static object Statement(StatementView s) => new
    {
        statement_id = s.Id, lead_provider_id = s.LeadProviderId, cohort = s.CohortId, year = s.Year, month = s.Month,
        deadline_date = s.DeadlineDate, payment_date = s.PaymentDate, output_fee = s.OutputFee, state = s.State.ToString().ToLowerInvariant(),
        lines = s.Lines.Count,
    };

    /// <summary>A DfE command through the same mediator pipeline as the admin endpoints, in its own scope.</summary>
    private static async Task<T> SendAsync<T>(IServiceProvider services, ICommand<T> command)
    {
        await using var scope = services.CreateAsyncScope();
        try
        {
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command);
        }
        catch (RuleViolationException exception)
        {
            throw new ArgumentException(exception.Message, exception);
        }
        catch (ResourceNotFoundException exception)
        {
            throw new ArgumentException("Not found.", exception);
        }
    }

    private static async Task<Guid> ProviderIdAsync(IServiceProvider services, string nameOrId)
    {
        var reference = await services.GetRequiredService<IReferenceData>().GetAsync(CancellationToken.None);
        return reference.LeadProviders.FirstOrDefault(p => p.Id.ToString() == nameOrId || string.Equals(p.Name, nameOrId, StringComparison.OrdinalIgnoreCase)
                                                          || string.Equals(p.Slug, nameOrId, StringComparison.OrdinalIgnoreCase))?.Id
               ?? throw new ArgumentException($"No lead provider is called '{nameOrId}'.");
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new ArgumentException($"--{name} is required.");

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                continue;
            var name = args[i][2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
                options[name[..eq]] = name[(eq + 1)..];
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                options[name] = args[++i];
            else
                options[name] = "";
        }

        return options;
    }
}
