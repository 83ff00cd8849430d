using Marten;
using Marten.Services;

namespace Npq.Infrastructure.Persistence;

/// <summary>
/// Lightweight sessions, as before, except while a <see cref="RequestTransaction"/> is current: then
/// both kinds of session join that transaction (Marten does not commit it on <c>SaveChangesAsync</c>;
/// the request does, once it has recorded its response).
/// </summary>
public sealed class RequestSessionFactory(IDocumentStore store) : ISessionFactory
{
    public IQuerySession QuerySession()
    {
        if (RequestTransaction.Current is not { } request)
            return store.QuerySession();
        request.Joined();
        return store.QuerySession(SessionOptions.ForTransaction(request.Transaction));
    }

    public IDocumentSession OpenSession()
    {
        if (RequestTransaction.Current is not { } request)
            return store.LightweightSession();
        request.Joined();
        return store.LightweightSession(SessionOptions.ForTransaction(request.Transaction));
    }
}
