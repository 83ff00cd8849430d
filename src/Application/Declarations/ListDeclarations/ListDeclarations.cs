using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;

namespace Npq.Application.Declarations.ListDeclarations;

/// <summary>
/// The caller's declarations (CONTRACT §1.12), oldest first, then by id; with <see cref="IncludeTransferred"/>,
/// also those made by another provider on an application the caller owns now.
/// </summary>
public sealed record ListDeclarations(
    Caller Caller,
    bool IncludeTransferred,
    IReadOnlyList<Guid>? ParticipantIds,
    DateTimeOffset? UpdatedSince,
    IReadOnlyList<int>? Cohorts,
    Page? Page) : IQuery<IReadOnlyList<DeclarationView>>, ILeadProviderRequest;

/// <summary>Every declaration that <see cref="Filters"/> selects, read as the caller consumes them (the CSV endpoints).</summary>
public sealed record StreamDeclarations(ListDeclarations Filters) : IQuery<IAsyncEnumerable<DeclarationView>>, ILeadProviderRequest
{
    public Caller Caller => Filters.Caller;
}

public sealed class ListDeclarationsHandler(IQuerySession session)
    : IQueryHandler<ListDeclarations, IReadOnlyList<DeclarationView>>, IQueryHandler<StreamDeclarations, IAsyncEnumerable<DeclarationView>>
{
    public async ValueTask<IReadOnlyList<DeclarationView>> Handle(ListDeclarations query, CancellationToken cancellationToken)
    {
        var ordered = Select(session, query);
        return query.Page is { } page
            ? await ordered.Skip(page.Skip).Take(page.Size).ToListAsync(cancellationToken)
            : await ordered.ToListAsync(cancellationToken);
    }

    public ValueTask<IAsyncEnumerable<DeclarationView>> Handle(StreamDeclarations query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Select(session, query.Filters).ToAsyncEnumerable(cancellationToken));

    private static IQueryable<DeclarationView> Select(IQuerySession session, ListDeclarations query)
    {
        var providerId = query.Caller.ProviderId;
        var declarations = query.IncludeTransferred
            ? session.Query<DeclarationView>().Where(d => d.LeadProviderId == providerId || d.OwnerProviderId == providerId)
            : session.Query<DeclarationView>().Where(d => d.LeadProviderId == providerId);
        if (query.ParticipantIds is { } participants) // a filter that names no id (",") matches nothing, as the reference's does
            declarations = declarations.Where(d => participants.Contains(d.ParticipantId));
        if (query.UpdatedSince is { } since)
            declarations = declarations.Where(d => d.UpdatedAt >= since);
        if (query.Cohorts is { Count: > 0 } cohorts)
            declarations = declarations.Where(d => cohorts.Contains(d.Cohort));

        return declarations.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id);
    }
}

/// <summary>One declaration the caller may see (§1.12); otherwise 404.</summary>
public sealed record GetDeclaration(Caller Caller, bool IncludeTransferred, Guid Id) : IQuery<DeclarationView>, ILeadProviderRequest;

public sealed class GetDeclarationHandler(IQuerySession session) : IQueryHandler<GetDeclaration, DeclarationView>
{
    public async ValueTask<DeclarationView> Handle(GetDeclaration query, CancellationToken cancellationToken)
    {
        var declaration = await session.LoadAsync<DeclarationView>(query.Id, cancellationToken);
        if (declaration is null || !DeclarationAccess.CanSee(declaration, query.Caller.ProviderId, query.IncludeTransferred))
            throw new ResourceNotFoundException();
        return declaration;
    }
}

/// <summary>
/// Whether the caller may change the declaration: 404 when it cannot see it, 403 when another
/// provider made it (CONTRACT §3.9, §3.10). Asked before a write's body is read, as the reference asks.
/// </summary>
public sealed record CheckDeclarationWritable(Caller Caller, bool IncludeTransferred, Guid Id) : IQuery<DeclarationView>, ILeadProviderRequest;

public sealed class CheckDeclarationWritableHandler(IQuerySession session) : IQueryHandler<CheckDeclarationWritable, DeclarationView>
{
    public async ValueTask<DeclarationView> Handle(CheckDeclarationWritable query, CancellationToken cancellationToken) =>
        await DeclarationAccess.LoadForWriteAsync(session, query.Id, query.Caller, query.IncludeTransferred, cancellationToken);
}
