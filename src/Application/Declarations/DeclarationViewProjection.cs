using JasperFx.Events;
using Marten;
using JasperFx.Events.Grouping;
using Marten.Events.Projections;
using Npq.Application.Common;
using Npq.Domain.Courses;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Declarations;

/// <summary>
/// Marten's multi-stream aggregation into <see cref="DeclarationView"/>: a declaration's own stream,
/// plus the <see cref="ApplicationTransferred"/> of its application's stream, which moves the
/// declaration to its new owner (the new provider may see it). The grouping finds the declarations
/// of a transferred application among the stored views and among the declarations submitted in the
/// same batch (a rebuild reads both from one page). Outcomes have their own projection
/// (<see cref="Outcomes.OutcomeViewProjection"/>). <see cref="Evolve"/> is the one place a declaration event becomes view state.
/// </summary>
public sealed class DeclarationViewProjection : MultiStreamProjection<DeclarationView, Guid>
{
    public DeclarationViewProjection()
    {
        Name = nameof(DeclarationViewProjection);
        foreach (var type in Events.Types)
            IncludeType(type);
        CustomGrouping(GroupAsync);
    }

    /// <summary>The events that change a declaration (a transfer changes its application's declarations).</summary>
    public static EventSet Events { get; } = new(
        typeof(DeclarationSubmitted), typeof(DeclarationMarkedEligible), typeof(DeclarationMarkedIneligible), typeof(DeclarationVoided),
        typeof(DeclarationMarkedPayable), typeof(DeclarationMarkedPaid), typeof(ClawbackRequested), typeof(DeclarationClawedBack),
        typeof(DeliveryPartnerChanged), typeof(OutcomeRecorded), typeof(ApplicationTransferred));

    /// <summary>
    /// Slices in log order: a declaration event to its own stream; a transfer to every declaration of
    /// the application stored before this batch or submitted earlier in it.
    /// </summary>
    private static async Task GroupAsync(IQuerySession session, IReadOnlyList<IEvent> events, IEventGrouping<Guid> grouping)
    {
        var transferred = events.Select(e => e.Data).OfType<ApplicationTransferred>().Select(t => t.ApplicationId).Distinct().ToList();
        var declarationsOf = new Dictionary<Guid, HashSet<Guid>>();
        if (transferred.Count > 0)
        {
            var stored = await session.Query<DeclarationView>()
                .Where(d => transferred.Contains(d.ApplicationId))
                .Select(d => new { d.Id, d.ApplicationId })
                .ToListAsync();
            foreach (var declaration in stored)
                DeclarationsOf(declarationsOf, declaration.ApplicationId).Add(declaration.Id);
        }

        foreach (var e in events.Where(e => Events.Contains(e.Data)))
        {
            switch (e.Data)
            {
                case ApplicationTransferred transfer:
                    foreach (var declarationId in DeclarationsOf(declarationsOf, transfer.ApplicationId))
                        grouping.AddEvent(declarationId, e);
                    break;
                case DeclarationSubmitted submitted:
                    DeclarationsOf(declarationsOf, submitted.ApplicationId).Add(e.StreamId);
                    grouping.AddEvent(e.StreamId, e);
                    break;
                default:
                    grouping.AddEvent(e.StreamId, e);
                    break;
            }
        }
    }

    private static HashSet<Guid> DeclarationsOf(Dictionary<Guid, HashSet<Guid>> declarationsOf, Guid applicationId) =>
        declarationsOf.TryGetValue(applicationId, out var set) ? set : declarationsOf[applicationId] = [];

    public override DeclarationView? Evolve(DeclarationView? snapshot, Guid id, IEvent e) => e.Data switch
    {
        ApplicationTransferred transfer when snapshot is not null && snapshot.ApplicationId == transfer.ApplicationId =>
            Owned(snapshot, transfer.ToLeadProviderId),
        ApplicationTransferred => snapshot,
        _ => Next(snapshot, e.Data),
    };

    private static DeclarationView Owned(DeclarationView view, Guid ownerProviderId)
    {
        view.OwnerProviderId = ownerProviderId;
        return view;
    }

    /// <summary>Pure: the view after one declaration event.</summary>
    public static DeclarationView Next(DeclarationView? view, object data)
    {
        if (data is DeclarationSubmitted s)
        {
            return Refresh(new DeclarationView
            {
                Id = s.DeclarationId, ApplicationId = s.ApplicationId, ParticipantId = s.ParticipantId, LeadProviderId = s.LeadProviderId,
                OwnerProviderId = s.LeadProviderId, DeclarationType = s.DeclarationType, DeclarationDate = s.DeclarationDate,
                CourseIdentifier = s.CourseIdentifier, Cohort = s.Cohort, CohortId = s.CohortId, State = DeclarationState.Submitted,
                DeliveryPartnerId = s.DeliveryPartnerId, SecondaryDeliveryPartnerId = s.SecondaryDeliveryPartnerId,
                TargetedDeliveryFundingEligibility = s.TargetedDeliveryFundingEligibility, CreatedAt = s.SubmittedAt, UpdatedAt = s.SubmittedAt,
            });
        }

        var v = view ?? throw new InvalidOperationException($"A declaration event arrived before its submission: {data.GetType().Name}");
        switch (data)
        {
            case DeclarationMarkedEligible e:
                (v.State, v.BillableStatementId, v.UpdatedAt) = (DeclarationState.Eligible, e.StatementId, e.At);
                break;
            case DeclarationMarkedIneligible e:
                (v.State, v.BillableStatementId, v.IneligibleForFundingReason, v.UpdatedAt) = (DeclarationState.Ineligible, e.StatementId, e.Reason, e.At);
                break;
            case DeclarationVoided e:
                (v.State, v.UpdatedAt) = (DeclarationState.Voided, e.At);
                break;
            case DeclarationMarkedPayable e:
                (v.State, v.UpdatedAt) = (DeclarationState.Payable, e.At);
                break;
            case DeclarationMarkedPaid e:
                (v.State, v.UpdatedAt) = (DeclarationState.Paid, e.At);
                break;
            case ClawbackRequested e:
                (v.State, v.ClawbackStatementId, v.UpdatedAt) = (DeclarationState.AwaitingClawback, e.RefundStatementId, e.At);
                break;
            case DeclarationClawedBack e:
                (v.State, v.UpdatedAt) = (DeclarationState.ClawedBack, e.At);
                break;
            case DeliveryPartnerChanged e:
                (v.DeliveryPartnerId, v.SecondaryDeliveryPartnerId, v.UpdatedAt) = (e.DeliveryPartnerId, e.SecondaryDeliveryPartnerId, e.At);
                break;
            case OutcomeRecorded e:
                v.HasPassed = e.State switch { OutcomeStates.Passed => true, OutcomeStates.Failed => false, _ => null };
                v.UpdatedAt = e.At;
                break;
        }

        return Refresh(v);
    }

    private static DeclarationView Refresh(DeclarationView v)
    {
        v.StatementId = v.State is DeclarationState.Eligible or DeclarationState.Payable or DeclarationState.Paid
                        || v.State is DeclarationState.AwaitingClawback or DeclarationState.ClawedBack
            ? v.BillableStatementId
            : null;
        v.UpliftPaid = v.DeclarationType == DeclarationTypes.Started
                       && v.State is DeclarationState.Paid or DeclarationState.AwaitingClawback or DeclarationState.ClawedBack
                       && Courses.Get(v.CourseIdentifier).Group is not (CourseGroup.Ehco or CourseGroup.Support)
                       && v.TargetedDeliveryFundingEligibility;
        return v;
    }
}
