using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Application.ReferenceData;
using Npq.Domain.Courses;
using Npq.Domain.Declarations;
using Npq.Domain.Statements;

namespace Npq.Application.Statements.Admin;

/// <summary>DfE opens a statement for a provider, cohort and month, with contracts for courses (B8).</summary>
public sealed record OpenStatement(
    Caller Caller,
    Guid LeadProviderId,
    string Cohort,
    int Year,
    int Month,
    DateOnly DeadlineDate,
    DateOnly PaymentDate,
    bool OutputFee,
    IReadOnlyList<string> Courses,
    Guid? StatementId = null) : ICommand<StatementView>, IAdminRequest;

public sealed class OpenStatementHandler(IDocumentSession session, IReferenceData referenceData, TimeProvider time) : ICommandHandler<OpenStatement, StatementView>
{
    public async ValueTask<StatementView> Handle(OpenStatement command, CancellationToken cancellationToken)
    {
        var reference = await referenceData.GetAsync(cancellationToken);
        var errors = new List<Domain.Common.DomainError>();
        if (reference.FindProvider(command.LeadProviderId) is null)
            errors.Add(new("lead_provider_id", "The lead provider is not recognised"));
        var cohort = command.Cohort.Length == 5 ? reference.FindCohortById(command.Cohort)
            : int.TryParse(command.Cohort, out var year) ? reference.FindCohort(year) : null;
        if (cohort is null)
            errors.Add(new("cohort", "The cohort is not recognised"));
        if (command.Month is < 1 or > 12)
            errors.Add(new("month", "The month must be 1 to 12"));
        if (command.PaymentDate < command.DeadlineDate)
            errors.Add(new("payment_date", "The payment date cannot be before the deadline"));
        var unknown = command.Courses.Where(c => Courses.Find(c) is null).ToList();
        if (unknown.Count > 0)
            errors.Add(new("courses", $"Unknown courses: {string.Join(", ", unknown)}"));
        if (errors.Count > 0)
            throw new RuleViolationException(errors);

        var id = command.StatementId ?? DeterministicGuid.From($"statement:{command.LeadProviderId}:{cohort!.Id}:{command.Year}:{command.Month}");
        if (await session.LoadAsync<StatementView>(id, cancellationToken) is { } existing)
        {
            if (existing.DeadlineDate != command.DeadlineDate || existing.PaymentDate != command.PaymentDate || existing.OutputFee != command.OutputFee)
                throw new RuleViolationException("base", "A statement for this provider, cohort and month already exists with other dates");
        }
        else
        {
            session.Events.StartStream(id, new StatementOpened(id, command.LeadProviderId, cohort!.Id, cohort.StartYear, command.Year, command.Month,
                command.DeadlineDate, command.PaymentDate, command.OutputFee, time.GetUtcNow()));
        }

        foreach (var course in command.Courses.Distinct())
        {
            session.Store(new Contract
            {
                Id = $"{id}:{course}", StatementId = id, LeadProviderId = command.LeadProviderId, CohortId = cohort!.Id, CourseIdentifier = course,
            });
        }

        await session.SaveChangesAsync(cancellationToken);
        return (await session.LoadAsync<StatementView>(id, cancellationToken))!;
    }

    private static Guid DeclarationIdOf(object change) => change switch
    {
        DeclarationMarkedPayable e => e.DeclarationId,
        DeclarationMarkedPaid e => e.DeclarationId,
        DeclarationClawedBack e => e.DeclarationId,
        _ => throw new InvalidOperationException($"{change.GetType().Name} is not a declaration event of a statement payment"),
    };
}

/// <summary>DfE marks a statement payable (after its deadline): its eligible declarations become payable (§3.8).</summary>
public sealed record MarkStatementPayable(Caller Caller, Guid Id) : ICommand<StatementView>, IAdminRequest;

/// <summary>DfE marks a payable statement paid: payable → paid, awaiting-clawback refunds → clawed-back (§3.8).</summary>
public sealed record MarkStatementPaid(Caller Caller, Guid Id) : ICommand<StatementView>, IAdminRequest;

public sealed class StatementPaymentHandlers(IDocumentSession session, IWriteLocks locks, TimeProvider time)
    : ICommandHandler<MarkStatementPayable, StatementView>, ICommandHandler<MarkStatementPaid, StatementView>
{
    public ValueTask<StatementView> Handle(MarkStatementPayable command, CancellationToken cancellationToken) =>
        MoveAsync(command.Id, markPayable: true, cancellationToken);

    public ValueTask<StatementView> Handle(MarkStatementPaid command, CancellationToken cancellationToken) =>
        MoveAsync(command.Id, markPayable: false, cancellationToken);

    private async ValueTask<StatementView> MoveAsync(Guid id, bool markPayable, CancellationToken cancellationToken)
    {
        // Facts: the statement, under its lock, and each line's declaration as it stands.
        await locks.LockStatementsAsync(session, [id], cancellationToken);
        var statement = await session.LoadAsync<StatementView>(id, cancellationToken) ?? throw new ResourceNotFoundException();
        var streams = new Dictionary<Guid, JasperFx.Events.IEventStream<Declaration>>();
        var lines = new List<StatementLineFacts>();
        foreach (var line in statement.Lines)
        {
            if (!streams.TryGetValue(line.DeclarationId, out var stream))
            {
                if (await session.FetchDeclarationAsync(line.DeclarationId, cancellationToken) is not { } fetched)
                    continue;
                streams[line.DeclarationId] = stream = fetched;
            }

            lines.Add(new StatementLineFacts(line.LineType, stream.Aggregate!));
        }

        // Decide, then append what was decided, on every stream it touches.
        var (outcome, errors) = StatementPaymentDecision.Decide(id, statement.State, statement.DeadlineDate, markPayable, lines, time.Today(), time.GetUtcNow());
        if (outcome is null)
            throw new RuleViolationException(errors);
        foreach (var change in outcome.DeclarationEvents)
            streams[DeclarationIdOf(change)].AppendOne(change);
        session.Events.Append(id, outcome.StatementEvents.ToArray());
        await session.SaveChangesOrRefuseAsync("statement", "A declaration on the statement changed at the same time: try again", cancellationToken);

        return (await session.LoadAsync<StatementView>(id, cancellationToken))!;
    }

    private static Guid DeclarationIdOf(object change) => change switch
    {
        DeclarationMarkedPayable e => e.DeclarationId,
        DeclarationMarkedPaid e => e.DeclarationId,
        DeclarationClawedBack e => e.DeclarationId,
        _ => throw new InvalidOperationException($"{change.GetType().Name} is not a declaration event of a statement payment"),
    };
}
