using Mapster;
using Npq.Application.Common;
using Npq.Api.V1.NpqApplications;
using Npq.Api.V3.NpqApplications;
using System.Globalization;
using Npq.Api.V1.Declarations;
using Npq.Api.V3.Declarations;
using Npq.Api.V3.Statements;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Statements;
using Npq.Domain.Declarations;
using Npq.Domain.Statements;

namespace Npq.Api.Json;

/// <summary>
/// Mapster configuration: one read model per resource, one mapping per version (STYLE 6). Fields
/// with the same name map by convention; the rules below cover what differs.
/// </summary>
public static class ResponseMapping
{
    public static TypeAdapterConfig Config { get; } = Create();

    private static TypeAdapterConfig Create()
    {
        var config = new TypeAdapterConfig { RequireExplicitMapping = true, RequireDestinationMemberSource = true };

        config.NewConfig<ApplicationView, ApplicationAttributesV1>()
            .Map(d => d.Status, s => WireValues.Of(s.Status))
            .Map(d => d.Cohort, s => s.Cohort.ToString())
            .Map(d => d.EmailValidated, _ => true);

        config.NewConfig<ApplicationView, ApplicationAttributesV3>()
            .Map(d => d.Status, s => WireValues.Of(s.Status))
            .Map(d => d.Cohort, s => s.Cohort.ToString())
            .Map(d => d.EmailValidated, _ => true)
            // HEAD: the TRN only when it has been verified (§8).
            .Map(d => d.TeacherReferenceNumber, s => s.VerifiedTrn());

        config.NewConfig<DeclarationView, DeclarationAttributesV1>()
            .Map(d => d.State, s => DeclarationWire.Of(s.State))
            .Map(d => d.Voided, s => s.State == DeclarationState.Voided)
            .Map(d => d.EligibleForPayment, s => s.State == DeclarationState.Eligible || s.State == DeclarationState.Payable);

        config.NewConfig<DeclarationView, DeclarationAttributesV2>()
            .Map(d => d.State, s => DeclarationWire.Of(s.State));

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

        config.Compile();
        return config;
    }

    public static TDestination To<TDestination>(this object source) => source.Adapt<TDestination>(Config);
}
