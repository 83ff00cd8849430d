using System.Globalization;
using Mapster;
using Npq.Api.Json;
using Npq.Api.Participants;
using Npq.Api.V3.Declarations;
using Npq.Api.V3.NpqApplications;
using Npq.Api.V3.Participants;
using Npq.Api.V3.Statements;
using Npq.Application.Common;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Application.Statements;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;
using Npq.Domain.Statements;

namespace Npq.Api.V3;

/// <summary>How v3 shows each read model (Mapster; STYLE 6).</summary>
public sealed class MappingV3 : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.NewConfig<ApplicationView, ApplicationAttributesV3>()
            .Map(d => d.Status, s => WireValues.Of(s.Status))
            .Map(d => d.Cohort, s => s.Cohort.ToString())
            .Map(d => d.EmailValidated, _ => true)
            // HEAD: the TRN only when it has been verified (§8).
            .Map(d => d.TeacherReferenceNumber, s => s.VerifiedTrn());

        // Names are filled in by the controller from reference data (they are not part of the read model).
        config.NewConfig<DeclarationView, DeclarationAttributesV3>()
            .Map(d => d.State, s => DeclarationWire.Of(s.State))
            .Ignore(d => d.LeadProviderName, d => d.DeliveryPartnerName, d => d.SecondaryDeliveryPartnerName);

        config.NewConfig<StatementView, StatementAttributes>()
            .Map(d => d.Month, s => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(s.Month))
            .Map(d => d.Year, s => s.Year.ToString(CultureInfo.InvariantCulture))
            .Map(d => d.Cohort, s => s.Cohort.ToString(CultureInfo.InvariantCulture))
            .Map(d => d.CutOffDate, s => s.DeadlineDate)
            .Map(d => d.Paid, s => s.State == StatementState.Paid);

        // HEAD's previous names and id changes; the TRN only when verified.
        config.NewConfig<ParticipantResult, ParticipantAttributesV3>()
            .MapToConstructor(true)
            .Map(d => d.FullName, s => s.Participant.FullName)
            .Map(d => d.PreviousNames, s => s.Participant.PreviousNames)
            .Map(d => d.TeacherReferenceNumber, s => s.Participant.VerifiedTrn())
            .Map(d => d.UpdatedAt, s => s.UpdatedAt)
            .Map(d => d.NpqEnrolments, s => s.Enrolments)
            .Map(d => d.ParticipantIdChanges, s => s.IdChanges);

        config.NewConfig<ParticipantIdChange, ParticipantIdChangeV3>().MapToConstructor(true);
        config.NewConfig<WithdrawalV3, WithdrawalV3>().MapWith(change => change); // built by the rules below
        config.NewConfig<DeferralV3, DeferralV3>().MapWith(change => change);

        // The raw eligible_for_funding; a withdrawal or deferral only while it is the training status,
        // and only the owner's own (docs/contract.md §3.5).
        config.NewConfig<ApplicationView, EnrolmentV3>()
            .MapToConstructor(true)
            .Map(d => d.Cohort, s => s.Cohort.ToString(CultureInfo.InvariantCulture))
            .Map(d => d.NpqApplicationId, s => s.Id)
            .Map(d => d.EligibleForFunding, s => s.EligibleForFundingRaw)
            .Map(d => d.TrainingStatus, s => WireValues.Of(s.TrainingStatus))
            .Map(d => d.Withdrawal, s => WithdrawalOf(s.OwnMark(TrainingStatus.Withdrawn)))
            .Map(d => d.Deferral, s => DeferralOf(s.OwnMark(TrainingStatus.Deferred)))
            .Map(d => d.CreatedAt, s => s.AcceptedAt);

        config.NewConfig<OutcomeView, OutcomeAttributesV3>()
            .MapToConstructor(true)
            .Map(d => d.CompletionDate, s => ParticipantsVersion.CompletionDateOf(s))
            .Map(d => d.UpdatedAt, s => s.CreatedAt);
    }

    private static WithdrawalV3? WithdrawalOf(TrainingMark? mark) => mark is null ? null : new WithdrawalV3(mark.Reason, mark.At);

    private static DeferralV3? DeferralOf(TrainingMark? mark) => mark is null ? null : new DeferralV3(mark.Reason, mark.At);
}
