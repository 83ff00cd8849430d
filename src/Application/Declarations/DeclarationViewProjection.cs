using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npq.Application.Outcomes;
using Npq.Domain.Courses;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Declarations;

/// <summary>
/// Inline projection of declaration streams into <see cref="DeclarationView"/> and
/// <see cref="OutcomeView"/>; an <see cref="ApplicationTransferred"/> moves the owner of the
/// application's declarations (the new provider may see them).
/// </summary>
public sealed class DeclarationViewProjection : IProjection
{
    public static bool Handles(object data) => data is DeclarationSubmitted or DeclarationMarkedEligible or DeclarationMarkedIneligible
        or DeclarationVoided or DeclarationMarkedPayable or DeclarationMarkedPaid or ClawbackRequested or DeclarationClawedBack
        or DeliveryPartnerChanged or OutcomeRecorded or ApplicationTransferred;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var relevant = events.Where(e => Handles(e.Data)).ToList();
        if (relevant.Count == 0)
            return;

        var declarationIds = relevant.Where(e => e.Data is not ApplicationTransferred).Select(e => e.StreamId).Distinct().ToList();
        var transferred = relevant.Where(e => e.Data is ApplicationTransferred).Select(e => e.StreamId).Distinct().ToList();
        var views = (await operations.LoadManyAsync<DeclarationView>(cancellation, declarationIds)).ToDictionary(v => v.Id);
        if (transferred.Count > 0)
        {
            foreach (var view in await operations.Query<DeclarationView>().Where(d => transferred.Contains(d.ApplicationId)).ToListAsync(cancellation))
                views[view.Id] = view;
        }

        var outcomes = new List<OutcomeView>();
        var changed = new HashSet<DeclarationView>();
        foreach (var e in relevant)
        {
            if (e.Data is ApplicationTransferred transfer)
            {
                foreach (var view in views.Values.Where(v => v.ApplicationId == transfer.ApplicationId))
                {
                    view.OwnerProviderId = transfer.ToLeadProviderId;
                    changed.Add(view);
                }

                continue;
            }

            views.TryGetValue(e.StreamId, out var current);
            var next = Apply(current, e.Data, outcomes);
            views[next.Id] = next;
            changed.Add(next);
        }

        if (changed.Count > 0)
            operations.Store(changed.ToArray());
        if (outcomes.Count > 0)
            operations.Store(outcomes.ToArray());
    }

    /// <summary>Pure: the view after one declaration event; outcome events also add an <see cref="OutcomeView"/>.</summary>
    public static DeclarationView Apply(DeclarationView? view, object data, List<OutcomeView> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
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
                outcomes.Add(new OutcomeView
                {
                    Id = e.OutcomeId, DeclarationId = v.Id, ParticipantId = v.ParticipantId, LeadProviderId = v.LeadProviderId,
                    CourseIdentifier = v.CourseIdentifier, State = e.State, CompletionDate = e.CompletionDate, CreatedAt = e.At,
                });
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
