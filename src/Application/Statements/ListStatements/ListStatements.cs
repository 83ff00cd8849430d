using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Statements.ListStatements;

/// <summary>The caller's output-fee statements (§1.12, §3.12), by payment date.</summary>
public sealed record ListStatements(Caller Caller, IReadOnlyList<int>? Cohorts, DateTimeOffset? UpdatedSince, Page Page)
    : IQuery<IReadOnlyList<StatementView>>, ILeadProviderRequest;

public sealed class ListStatementsHandler(IQuerySession session) : IQueryHandler<ListStatements, IReadOnlyList<StatementView>>
{
    public async ValueTask<IReadOnlyList<StatementView>> Handle(ListStatements query, CancellationToken cancellationToken)
    {
        var providerId = query.Caller.ProviderId;
        var statements = session.Query<StatementView>().Where(s => s.LeadProviderId == providerId && s.OutputFee);
        if (query.Cohorts is { Count: > 0 } cohorts)
            statements = statements.Where(s => cohorts.Contains(s.Cohort));
        if (query.UpdatedSince is { } since)
            statements = statements.Where(s => s.UpdatedAt >= since);
        return await statements.OrderBy(s => s.PaymentDate).ThenBy(s => s.Id)
            .Skip(query.Page.Skip).Take(query.Page.Size).ToListAsync(cancellationToken);
    }
}

public sealed record GetStatement(Caller Caller, Guid Id) : IQuery<StatementView>, ILeadProviderRequest;

public sealed class GetStatementHandler(IQuerySession session) : IQueryHandler<GetStatement, StatementView>
{
    public async ValueTask<StatementView> Handle(GetStatement query, CancellationToken cancellationToken)
    {
        var statement = await session.LoadAsync<StatementView>(query.Id, cancellationToken);
        if (statement is null || statement.LeadProviderId != query.Caller.ProviderId || !statement.OutputFee)
            throw new ResourceNotFoundException();
        return statement;
    }
}
