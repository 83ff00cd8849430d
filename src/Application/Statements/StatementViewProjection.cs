using JasperFx.Events;
using Marten.Events.Aggregation;
using Npq.Application.Common;
using Npq.Domain.Statements;

namespace Npq.Application.Statements;

/// <summary>
/// Marten's single-stream aggregation of a statement's stream into its <see cref="StatementView"/>
/// (inline: written with the events). <see cref="Evolve"/> is the one place a statement event becomes
/// view state; rebuild (Marten's daemon) and the auditors' "state as of" replay call it too.
/// </summary>
public sealed class StatementViewProjection : SingleStreamProjection<StatementView, Guid>
{
    public StatementViewProjection()
    {
        Name = nameof(StatementViewProjection);
        foreach (var type in Events.Types)
            IncludeType(type);
    }

    /// <summary>The events that change a statement.</summary>
    public static EventSet Events { get; } = new(
        typeof(StatementOpened), typeof(StatementLineAdded), typeof(StatementLineStateChanged), typeof(StatementMarkedPayable), typeof(StatementMarkedPaid));

    public override StatementView? Evolve(StatementView? snapshot, Guid id, IEvent e) => Next(snapshot, e.Data);

    /// <summary>Pure: the view after one event.</summary>
    public static StatementView? Next(StatementView? view, object data)
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
            case StatementLineAdded e when view is not null:
                view.Lines.Add(new StatementLine { DeclarationId = e.DeclarationId, LineType = e.LineType, State = e.State });
                break;
            case StatementLineStateChanged e when view is not null:
                foreach (var line in view.Lines.Where(l => l.DeclarationId == e.DeclarationId && l.LineType == e.LineType))
                    line.State = e.State;
                break;
            case StatementMarkedPayable e when view is not null:
                (view.State, view.UpdatedAt) = (StatementState.Payable, e.At);
                break;
            case StatementMarkedPaid e when view is not null:
                (view.State, view.UpdatedAt) = (StatementState.Paid, e.At);
                break;
        }

        return view;
    }
}
