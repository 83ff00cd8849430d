using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npq.Domain.Statements;

namespace Npq.Application.Statements;

/// <summary>Inline projection of statement streams into <see cref="StatementView"/> (one stream, one view).</summary>
public sealed class StatementViewProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var relevant = events.Where(e => e.Data is StatementOpened or StatementLineAdded or StatementLineStateChanged
            or StatementMarkedPayable or StatementMarkedPaid).ToList();
        if (relevant.Count == 0)
            return;
        var ids = relevant.Select(e => e.StreamId).Distinct().ToList();
        var views = (await operations.LoadManyAsync<StatementView>(cancellation, ids)).ToDictionary(v => v.Id);
        foreach (var e in relevant)
        {
            views.TryGetValue(e.StreamId, out var view);
            views[e.StreamId] = Apply(view, e.Data);
        }

        operations.Store(views.Values.ToArray());
    }

    /// <summary>Pure: the view after one event.</summary>
    public static StatementView Apply(StatementView? view, object data)
    {
        switch (data)
        {
            case StatementOpened e:
                return new StatementView
                {
                    Id = e.StatementId, LeadProviderId = e.LeadProviderId, CohortId = e.CohortId, Cohort = e.Cohort, Year = e.Year,
                    Month = e.Month, DeadlineDate = e.DeadlineDate, PaymentDate = e.PaymentDate, OutputFee = e.OutputFee,
                    State = StatementState.Open, CreatedAt = e.At, UpdatedAt = e.At,
                };
            case StatementLineAdded e:
                view!.Lines.Add(new StatementLine { DeclarationId = e.DeclarationId, LineType = e.LineType, State = e.State });
                break;
            case StatementLineStateChanged e:
                foreach (var line in view!.Lines.Where(l => l.DeclarationId == e.DeclarationId && l.LineType == e.LineType))
                    line.State = e.State;
                break;
            case StatementMarkedPayable e:
                view!.State = StatementState.Payable;
                view.UpdatedAt = e.At;
                break;
            case StatementMarkedPaid e:
                view!.State = StatementState.Paid;
                view.UpdatedAt = e.At;
                break;
        }

        return view!;
    }
}
