using System.CommandLine;
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
/// The executable's own commands (CONTRACT B3, B6), on System.CommandLine: <c>--help</c> on every
/// command, exit code 1 with the parser's message for bad arguments. Each command prints one JSON
/// object on its last line of standard output (logs go to standard error). The host is started only
/// once the arguments are valid, so that help and mistakes need no database.
/// <code>
///   tokens issue --lead-provider "&lt;name, slug or id&gt;" | --kind auditor|admin --name "&lt;label&gt;"
///   tokens revoke --id &lt;token id&gt;          tokens list
///   seed [--reference-only]
///   statements open --lead-provider X --cohort 2025 --year 2026 --month 1 --deadline 2025-12-26 --payment-date 2026-01-26 [--not-output-fee] [--courses a,b]
///   statements mark-payable --id &lt;id&gt;     statements mark-paid --id &lt;id&gt;
///   applications transfer --id &lt;application id&gt; --to-lead-provider X
///   participants change-id --from &lt;old id&gt; --to &lt;new id&gt;
///   projections verify | rebuild        (exit code 3 when a read model diverges from the replay)
///   audit verify [--key &lt;verifier key&gt;] [--checkpoints-dir DIR]   (exit codes 10–16: what was found, ADR 0022)
///   audit new-key                       (a new Ed25519 seed for Npq__Audit__SigningKey, and its verifier key)
///   audit record-restore --reason "…" [--restored-to MOMENT]   (after a restore: signed record, new feed epoch; ADR 0033)
///   schema apply [--grant-to ROLE] | check | script --out FILE   (ADR 0030; exit 20: behind, 21: a migration is missing)
/// </code>
/// Anything else goes to the JasperFx commands (db-apply, db-assert, codegen, …).
/// </summary>
public static partial class CommandLine
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] Ours = ["tokens", "seed", "statements", "applications", "participants", "audit", "schema"];

    /// <summary>Whether the arguments name one of these commands (the rest belong to JasperFx).</summary>
    public static bool Recognise(string[] args) =>
        args.Length > 0 && Ours.Contains(args[0]) || args is ["projections", "verify" or "rebuild", ..];

    /// <summary>
    /// Parses; on valid arguments starts the host <paramref name="start"/> gives, runs the command and stops it
    /// (the <c>schema</c> commands take the host <paramref name="build"/> gives, never started).
    /// </summary>
    public static Task<int> RunAsync(string[] args, Func<Task<WebApplication>> start, Func<Task<WebApplication>> build) =>
        Root(start, build).Parse(args).InvokeAsync();

    private static RootCommand Root(Func<Task<WebApplication>> start, Func<Task<WebApplication>> build)
    {
        var root = new RootCommand("NPQ lead-provider API: the server's commands. Each prints a JSON object on its last line.");

        var leadProvider = new Option<string>("--lead-provider") { Description = "A lead provider's name, slug or id" };
        var kind = new Option<string>("--kind") { Description = "auditor or admin (instead of --lead-provider)" };
        kind.AcceptOnlyFromAmong("auditor", "admin");
        var name = new Option<string>("--name") { Description = "A label for an auditor or admin token" };
        var issue = new Command("issue", "Issue a token (the secret is shown once)") { leadProvider, kind, name };
        issue.Validators.Add(result =>
        {
            if ((result.GetResult(leadProvider) is null) == (result.GetResult(kind) is null))
                result.AddError("Use --lead-provider \"<name>\" or --kind auditor|admin --name \"<label>\".");
        });
        issue.SetAction(Run(start, async (services, parse) =>
        {
            var tokens = services.GetRequiredService<TokenService>();
            if (parse.GetValue(leadProvider) is { } provider)
            {
                var issued = await tokens.IssueForLeadProviderAsync(provider, CancellationToken.None);
                return new { lead_provider_id = issued.LeadProvider!.Id, lead_provider_name = issued.LeadProvider.Name, token = issued.Secret };
            }

            var token = await tokens.IssueAsync(TokenKinds.FromWire(parse.GetValue(kind))!.Value, parse.GetValue(name) ?? "", CancellationToken.None);
            return new { token_id = token.Token.Id, kind = TokenKinds.ToWire(token.Token.Kind), token = token.Secret };
        }));

        var tokenId = new Option<Guid>("--id") { Description = "The token's id (see 'tokens list')", Required = true };
        var revoke = new Command("revoke", "Revoke a token at once") { tokenId };
        revoke.SetAction(Run(start, async (services, parse) =>
        {
            var revoked = await services.GetRequiredService<TokenService>().RevokeAsync(parse.GetValue(tokenId), CancellationToken.None)
                          ?? throw new ArgumentException($"No token has the id {parse.GetValue(tokenId)}.");
            return new { token_id = revoked.Id, revoked_at = revoked.RevokedAt };
        }));

        var list = new Command("list", "List tokens (never their secrets)");
        list.SetAction(Run(start, async (services, _) =>
        {
            var all = await services.GetRequiredService<TokenService>().ListAsync(CancellationToken.None);
            return new
            {
                tokens = all.Select(t => new
                {
                    token_id = t.Id, kind = TokenKinds.ToWire(t.Kind), name = t.Name, lead_provider_id = t.LeadProviderId, key_id = t.KeyId,
                    created_at = t.CreatedAt, last_used_at = t.LastUsedAt, revoked_at = t.RevokedAt,
                }),
            };
        }));
        root.Subcommands.Add(new Command("tokens", "API tokens") { issue, revoke, list });

        var referenceOnly = new Option<bool>("--reference-only") { Description = "Reference data only, no sandbox scenarios" };
        var seed = new Command("seed", "Load reference data and (outside Production) the sandbox scenarios") { referenceOnly };
        seed.SetAction(Run(start, async (services, parse) =>
        {
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<Seeder>().SeedAsync(scenarios: !parse.GetValue(referenceOnly), CancellationToken.None);
            return new
            {
                reference_documents = result.ReferenceDocuments,
                applications_registered = result.ApplicationsRegistered,
                applications_already_there = result.ApplicationsAlreadyThere,
            };
        }));
        root.Subcommands.Add(seed);

        root.Subcommands.Add(Statements(start));
        root.Subcommands.Add(Applications(start));
        root.Subcommands.Add(Participants(start));
        root.Subcommands.Add(Projections(start));
        root.Subcommands.Add(AuditLog(start));
        root.Subcommands.Add(Schema(build));
        return root;
    }

    private static Command Statements(Func<Task<WebApplication>> start)
    {
        var provider = new Option<string>("--lead-provider") { Description = "A lead provider's name, slug or id", Required = true };
        var cohort = new Option<string>("--cohort") { Description = "The cohort, e.g. 2025", Required = true };
        var year = new Option<int>("--year") { Required = true };
        var month = new Option<int>("--month") { Required = true };
        var deadline = new Option<DateOnly>("--deadline") { Description = "YYYY-MM-DD", Required = true };
        var payment = new Option<DateOnly>("--payment-date") { Description = "YYYY-MM-DD", Required = true };
        var notOutputFee = new Option<bool>("--not-output-fee") { Description = "A statement without the output fee" };
        var courses = new Option<string>("--courses") { Description = "Course identifiers, comma-separated (default: all)" };
        var open = new Command("open", "Open a statement") { provider, cohort, year, month, deadline, payment, notOutputFee, courses };
        open.SetAction(Run(start, async (services, parse) =>
        {
            var providerId = await ProviderIdAsync(services, parse.GetValue(provider)!);
            var statement = await SendAsync(services, new OpenStatement(Caller.System, providerId, parse.GetValue(cohort)!,
                parse.GetValue(year), parse.GetValue(month), parse.GetValue(deadline), parse.GetValue(payment), !parse.GetValue(notOutputFee),
                (parse.GetValue(courses) ?? string.Join(',', Courses.All.Select(c => c.Identifier))).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            return Statement(statement);
        }));

        var id = new Option<Guid>("--id") { Description = "The statement's id", Required = true };
        var payable = new Command("mark-payable", "Mark a statement payable") { id };
        payable.SetAction(Run(start, async (services, parse) => Statement(await SendAsync(services, new MarkStatementPayable(Caller.System, parse.GetValue(id))))));
        var paid = new Command("mark-paid", "Mark a statement paid") { id };
        paid.SetAction(Run(start, async (services, parse) => Statement(await SendAsync(services, new MarkStatementPaid(Caller.System, parse.GetValue(id))))));
        return new Command("statements", "Financial statements (DfE)") { open, payable, paid };
    }

    private static Command Applications(Func<Task<WebApplication>> start)
    {
        var id = new Option<Guid>("--id") { Description = "The application's id", Required = true };
        var to = new Option<string>("--to-lead-provider") { Description = "A lead provider's name, slug or id", Required = true };
        var transfer = new Command("transfer", "Move an application to another lead provider") { id, to };
        transfer.SetAction(Run(start, async (services, parse) =>
        {
            var toId = await ProviderIdAsync(services, parse.GetValue(to)!);
            var application = await SendAsync(services, new TransferApplication(Caller.System, parse.GetValue(id), toId));
            return new { application_id = application.Id, lead_provider_id = application.LeadProviderId };
        }));
        var applications = new Command("applications", "Applications (DfE)") { transfer };
        foreach (var operation in ApplicationOperations(start))
            applications.Subcommands.Add(operation);
        return applications;
    }

    private static Command Participants(Func<Task<WebApplication>> start)
    {
        var from = new Option<Guid>("--from") { Description = "The participant id to retire", Required = true };
        var to = new Option<Guid>("--to") { Description = "The participant id it becomes", Required = true };
        var change = new Command("change-id", "Retire a participant id in favour of another (a merge)") { from, to };
        change.SetAction(Run(start, async (services, parse) =>
        {
            var participant = await SendAsync(services, new ChangeParticipantId(Caller.System, parse.GetValue(from), parse.GetValue(to)));
            return new { participant_id = participant.Id, participant_id_changes = participant.ParticipantIdChanges };
        }));
        var participants = new Command("participants", "Participants (DfE)") { change };
        foreach (var operation in PersonOperations(start))
            participants.Subcommands.Add(operation);
        return participants;
    }

    /// <summary>
    /// A command's action: start the host, run, print the result as JSON on the last line; an
    /// <see cref="ArgumentException"/> (an unknown provider, a refused command) is exit code 1.
    /// </summary>
    private static Func<ParseResult, CancellationToken, Task<int>> Run(Func<Task<WebApplication>> start, Func<IServiceProvider, ParseResult, Task<object>> work) =>
        async (parse, _) =>
        {
            var app = await start();
            try
            {
                var output = await work(app.Services, parse);
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
                await app.StopAsync(CancellationToken.None);
            }
        };

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
}
